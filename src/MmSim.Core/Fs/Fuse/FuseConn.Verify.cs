// The connection's invariant check: the lists, the background counters and the readers agree.
using System.Globalization;

namespace MmSim.Fs.Fuse;

public sealed partial class FuseConn
{
    /// <summary>
    /// Checks the connection: every listed request is in the state of its list, num_background counts the
    /// background requests not ended, active_background those moved to pending (at most max_background),
    /// bg_queue is empty while fewer are active, a dead connection holds no request, and each server thread's
    /// request is processing with that thread as holder (or already ended by an abort).
    /// </summary>
    /// <returns>The first violation, or null.</returns>
    public string? Verify()
    {
        int background = 0;
        int active = 0;
        foreach (FuseReq r in bgQueue)
        {
            if (r.State != FuseReqState.BgQueued || !r.Background || !r.CountedBackground || r.CountedActive)
            {
                return Bad($"request {r.Unique} on bg_queue is {r.State}");
            }

            background++;
        }

        foreach (FuseReq r in pending)
        {
            if (r.State != FuseReqState.Pending || r.Holder is not null)
            {
                return Bad($"request {r.Unique} on pending is {r.State}");
            }

            background += r.CountedBackground ? 1 : 0;
            active += r.CountedActive ? 1 : 0;
        }

        foreach (FuseReq r in processing)
        {
            if (r.State != FuseReqState.Processing || r.Holder is null)
            {
                return Bad($"request {r.Unique} on processing is {r.State} without a holder");
            }

            background += r.CountedBackground ? 1 : 0;
            active += r.CountedActive ? 1 : 0;
        }

        if (background != NumBackground || active != ActiveBackground)
        {
            return Bad($"num_background {NumBackground} and active_background {ActiveBackground}, the lists hold {background} and {active}");
        }

        if (ActiveBackground > Options.MaxBackground || (bgQueue.Count > 0 && ActiveBackground < Options.MaxBackground))
        {
            return Bad($"active_background {ActiveBackground} of max_background {Options.MaxBackground} with {bgQueue.Count} on bg_queue");
        }

        if (!Connected && background + pending.Count + processing.Count > 0)
        {
            return Bad("aborted but requests are queued");
        }

        foreach (FuseDevReader reader in readers)
        {
            if (reader.Req is { } r && r.State != FuseReqState.Ended && (r.State != FuseReqState.Processing || r.Holder != reader.Task))
            {
                return Bad($"{reader.Task.Comm} holds request {r.Unique} in state {r.State}");
            }
        }

        return null;
    }

    private string Bad(string what) => string.Create(CultureInfo.InvariantCulture, $"fuse connection {Name}: {what}");
}
