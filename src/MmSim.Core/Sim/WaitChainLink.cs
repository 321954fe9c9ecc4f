using System.Globalization;
using System.Text;

namespace MmSim.Sim;

/// <summary>
/// One task in a wait chain, captured when the chain was walked: who it is, where it sleeps,
/// on what, and which task is expected to release it.
/// </summary>
/// <param name="Pid">The task's pid.</param>
/// <param name="Comm">The task's command name.</param>
/// <param name="State">Its state at capture time.</param>
/// <param name="WaitSite">Kernel function it sleeps in; null if not sleeping.</param>
/// <param name="WaitingOn">Description of the wait target; null if not sleeping.</param>
/// <param name="BlockedSinceNs">When the sleep began; −1 if not sleeping.</param>
/// <param name="WaitDeadlineNs">When the sleep times out; −1 for none.</param>
/// <param name="ReleaserPid">Pid of the releasing task; 0 if none is known.</param>
/// <param name="ReleaserComm">Command name of the releasing task; null if none is known.</param>
public sealed record WaitChainLink(
    int Pid,
    string Comm,
    TaskState State,
    string? WaitSite,
    string? WaitingOn,
    long BlockedSinceNs,
    long WaitDeadlineNs,
    int ReleaserPid,
    string? ReleaserComm)
{
    /// <summary>Captures <paramref name="task"/> as it is now.</summary>
    /// <param name="task">The task.</param>
    /// <param name="releaser">Its wait target's releaser, already looked up by the caller.</param>
    /// <returns>The link.</returns>
    internal static WaitChainLink Capture(SimTask task, SimTask? releaser) => new(
        task.Pid,
        task.Comm,
        task.State,
        task.WaitSite,
        task.WaitingOn?.Describe(),
        task.BlockedSinceNs,
        task.WaitDeadlineNs,
        releaser?.Pid ?? 0,
        releaser?.Comm);

    /// <summary>The kernel's <c>comm:pid</c> notation.</summary>
    public string TaskName => string.Create(CultureInfo.InvariantCulture, $"{Comm}:{Pid}");

    /// <summary>
    /// One clause of a report, e.g. <c>"fuse-server:7 waits in folio_wait_writeback on folio 0x1234 writeback (released by flush-0:5)"</c>
    /// or <c>"flush-0:5 is running (R)"</c>.
    /// </summary>
    /// <returns>The text.</returns>
    public string Describe()
    {
        if (!State.IsBlocked())
        {
            return string.Create(CultureInfo.InvariantCulture, $"{TaskName} is {StateWord(State)} ({State.ToChar()})");
        }
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{TaskName} waits in {WaitSite} on {WaitingOn}");
        if (ReleaserComm is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $" (released by {ReleaserComm}:{ReleaserPid})");
        }
        if (WaitDeadlineNs >= 0)
        {
            text.Append(CultureInfo.InvariantCulture, $" until {SimTime.Format(WaitDeadlineNs)}");
        }
        else if (ReleaserComm is null)
        {
            text.Append(" (no known releaser)");
        }
        return text.ToString();
    }

    private static string StateWord(TaskState state) => state switch
    {
        TaskState.Running => "running",
        TaskState.Runnable => "runnable",
        TaskState.Dead => "dead",
        _ => "sleeping",
    };
}
