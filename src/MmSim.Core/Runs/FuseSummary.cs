// fuse (issue 9): one FUSE connection's counters in the per-mount writeback summary.
using MmSim.Fs;
using MmSim.Fs.Fuse;

namespace MmSim.Runs;

/// <summary>A FUSE mount's connection at the end of a run.</summary>
/// <param name="Sent">Requests queued to the server.</param>
/// <param name="Answered">Requests the server answered.</param>
/// <param name="Aborted">Requests ended by an abort (fusectl, a dead server, a timeout).</param>
/// <param name="NumBackgroundPeak">Highest num_background.</param>
/// <param name="Timeouts">Aborts by fuse_check_timeout.</param>
/// <param name="Cancels">Writebacks cancelled and redirtied (cancel-writeback design).</param>
/// <param name="CancelRefusals">Cancels refused because the request was spliced.</param>
/// <param name="Connected">The connection was still alive.</param>
public sealed record FuseSummary(long Sent, long Answered, long Aborted, int NumBackgroundPeak, long Timeouts, long Cancels, long CancelRefusals, bool Connected)
{
    /// <summary>The summary of a mount, or null when it is not FUSE.</summary>
    /// <param name="sb">The mount.</param>
    /// <returns>The counters.</returns>
    public static FuseSummary? Of(SuperBlock sb)
    {
        ArgumentNullException.ThrowIfNull(sb);
        return sb.FsInfo is FuseConn c ? new FuseSummary(c.Sent, c.Answered, c.Aborted, c.NumBackgroundPeak, c.Timeouts, c.Cancels, c.CancelRefusals, c.Connected) : null;
    }
}
