using System.Globalization;

namespace MmSim.Sim;

/// <summary>The scheduler tracepoints the engine emits.</summary>
/// <remarks>include/trace/events/sched.h.</remarks>
public enum SchedTraceKind
{
    /// <summary>A task was spawned (sched_process_fork).</summary>
    ProcessFork = 1,

    /// <summary>A task went to sleep in S or D (sched_switch with prev_state S/D).</summary>
    Switch,

    /// <summary>A sleeping task was woken or its timer fired (sched_wakeup).</summary>
    Wakeup,

    /// <summary>A task's body finished or threw (sched_process_exit).</summary>
    ProcessExit,
}

/// <summary>One scheduler trace event.</summary>
/// <param name="TimeNs">When it happened.</param>
/// <param name="Pid">The task.</param>
/// <param name="Kind">Which tracepoint.</param>
/// <param name="State">The task's state after the event (for <see cref="SchedTraceKind.Switch"/>: prev_state).</param>
/// <param name="WaitSite">For <see cref="SchedTraceKind.Switch"/>: the function the task sleeps in.</param>
public readonly record struct SchedTraceEvent(long TimeNs, int Pid, SchedTraceKind Kind, TaskState State, string? WaitSite)
{
    /// <summary>Formats the event like a trace line, e.g. <c>"1.000000s sched_switch pid=3 prev_state=D wchan=mutex_lock"</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        string name = Kind switch
        {
            SchedTraceKind.ProcessFork => "sched_process_fork",
            SchedTraceKind.Switch => "sched_switch",
            SchedTraceKind.Wakeup => "sched_wakeup",
            SchedTraceKind.ProcessExit => "sched_process_exit",
            _ => "sched_unknown",
        };
        string tail = Kind == SchedTraceKind.Switch
            ? string.Create(CultureInfo.InvariantCulture, $" prev_state={State.ToChar()} wchan={WaitSite}")
            : "";
        return string.Create(CultureInfo.InvariantCulture, $"{SimTime.Format(TimeNs)} {name} pid={Pid}{tail}");
    }
}

/// <summary>Receives scheduler trace events from a <see cref="Simulator"/>.</summary>
public interface ISchedTraceSink
{
    /// <summary>Called at the exact point of each state change.</summary>
    /// <param name="traceEvent">The event.</param>
    void Record(in SchedTraceEvent traceEvent);
}

/// <summary>A trace sink that keeps every event in order, for tests and small runs.</summary>
public sealed class SchedTraceRecorder : ISchedTraceSink
{
    private readonly List<SchedTraceEvent> events = [];

    /// <summary>The events in emission order.</summary>
    public IReadOnlyList<SchedTraceEvent> Events => events;

    /// <inheritdoc/>
    public void Record(in SchedTraceEvent traceEvent) => events.Add(traceEvent);
}
