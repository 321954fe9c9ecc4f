// The server's invariant check, registered in LinuxKernel.Checks when it starts.
using System.Globalization;
using MmSim.Fs.Fuse;
using MmSim.Sim;

namespace MmSim.Workloads.Timed;

internal sealed partial class FuseServer
{
    /// <summary>
    /// The server's invariants: a request a thread holds is on the processing list with that thread as holder
    /// (or ended by an abort); held writes are held by server threads; a dead connection has no live thread
    /// reading it; the live-thread count matches the tasks; a stopped server is not dying.
    /// </summary>
    /// <returns>The first violation, or null.</returns>
    public string? Verify()
    {
        int alive = 0;
        foreach (FuseDevReader r in readers)
        {
            if (r is null)
            {
                return "a server thread has no /dev/fuse reader";
            }

            alive += r.Task.State == TaskState.Dead ? 0 : 1;
            if (r.Req is { } req && req.State != FuseReqState.Ended && (req.State != FuseReqState.Processing || req.Holder != r.Task))
            {
                return string.Create(CultureInfo.InvariantCulture, $"{r.Task} holds {req.Describe()} but its holder is {req.Holder?.ToString() ?? "nobody"}");
            }
        }

        foreach (FuseReq req in heldWrites)
        {
            if (req.State == FuseReqState.Processing && Array.FindIndex(readers, r => r.Task == req.Holder) < 0)
            {
                return $"held {req.Describe()} is not held by a server thread";
            }
        }

        if (alive != LiveThreads)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{LiveThreads} server threads counted live, {alive} tasks are");
        }

        return Stopped && Dying ? "the server is stopped and dying at once" : null;
    }
}
