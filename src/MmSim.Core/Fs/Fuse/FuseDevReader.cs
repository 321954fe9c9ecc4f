using MmSim.Sim;

namespace MmSim.Fs.Fuse;

/// <summary>One server thread's side of /dev/fuse: the task, how it reads, and the request it holds.</summary>
/// <param name="task">The server thread.</param>
/// <param name="splice">Whether it reads with splice (fuse_dev_splice_read) rather than read(2).</param>
public sealed class FuseDevReader(SimTask task, bool splice)
{
    /// <summary>The server thread.</summary>
    public SimTask Task { get; } = task;

    /// <summary>Reads with splice.</summary>
    public bool Splice { get; } = splice;

    /// <summary>The request read last and not answered yet, or null.</summary>
    public FuseReq? Req { get; internal set; }

    /// <summary>Whether the thread sleeps in fuse_dev_do_read now (idle).</summary>
    public bool Idle { get; internal set; }

    /// <summary>
    /// signal_pending(current) for the thread (FUSE server, issue 9): a signal (SIGSTOP, SIGKILL) ends its
    /// sleep in fuse_dev_do_read with -ERESTARTSYS and no request, so a stopped server reads nothing more.
    /// Null: never signalled.
    /// </summary>
    public Func<bool>? SignalPending { get; init; }
}
