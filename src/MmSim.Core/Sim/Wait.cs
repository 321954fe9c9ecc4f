using System.Diagnostics;

namespace MmSim.Sim;

/// <summary>What a <see cref="Wait"/> waits for.</summary>
public enum WaitKind
{
    /// <summary><c>default(Wait)</c>; yielding it is an error.</summary>
    None = 0,

    /// <summary>Simulated CPU work: the task stays Running for a while.</summary>
    Delay,

    /// <summary>A timed sleep in S or D (<c>schedule_timeout</c>, <c>msleep</c>).</summary>
    Sleep,

    /// <summary>Sleep on a <see cref="WaitQueue"/> until woken or timed out.</summary>
    Queue,

    /// <summary>Wait for a <see cref="Completion"/>.</summary>
    Completion,

    /// <summary>Acquire a <see cref="SimMutex"/>.</summary>
    Lock,

    /// <summary>Run a nested coroutine (a kernel path that may sleep) and resume when it returns.</summary>
    Call,
}

/// <summary>
/// One wait of a task body: each <c>yield return</c> of a <see cref="SimTask"/>'s body hands the
/// engine a <see cref="Wait"/>, and the body resumes when the wait ends.
/// </summary>
/// <remarks>
/// <para>
/// Built only through the factory methods, which mirror the kernel's primitives: <see cref="For"/>
/// charges CPU time, <see cref="Sleep"/> is <c>schedule_timeout</c>, <see cref="On"/> is
/// <c>wait_event</c> on a <c>wait_queue_head</c>, <see cref="ForCompletion"/> is
/// <c>wait_for_completion</c>, <see cref="Lock"/> is <c>mutex_lock</c>. The value is a small
/// struct, so yielding it through <c>IEnumerator&lt;Wait&gt;</c> allocates nothing.
/// </para>
/// <para>
/// The <c>waitSite</c> arguments name the kernel function the task sleeps in, as the
/// hung-task report and <c>/proc/PID/wchan</c> show it; pass string literals so nothing is allocated.
/// </para>
/// </remarks>
public readonly struct Wait : IEquatable<Wait>
{
    /// <summary>Wait site recorded for <see cref="Sleep"/> in S state.</summary>
    public const string SiteScheduleTimeoutInterruptible = "schedule_timeout_interruptible";

    /// <summary>Wait site recorded for <see cref="Sleep"/> in D state.</summary>
    public const string SiteScheduleTimeoutUninterruptible = "schedule_timeout_uninterruptible";

    // The queue of a Queue wait or the callee of a Call wait: one field for both keeps the struct at three
    // references, which matters because every wait is copied through the task's iterators on every event.
    private readonly object? subject;

    private Wait(WaitKind kind, long ns, TaskState state, object? subject, IWaitTarget? target, string? site)
    {
        Kind = kind;
        Ns = ns;
        State = state;
        this.subject = subject;
        Target = target;
        Site = site;
    }

    /// <summary>What is waited for.</summary>
    public WaitKind Kind { get; }

    /// <summary>Delay or sleep length; for blocking waits the timeout, −1 for none.</summary>
    public long Ns { get; }

    /// <summary>The state the task is in while waiting.</summary>
    public TaskState State { get; }

    /// <summary>The queue a <see cref="WaitKind.Queue"/> wait sleeps on.</summary>
    public WaitQueue? Queue => Kind == WaitKind.Queue ? (WaitQueue)subject! : null;

    /// <summary>What the task is reported to wait on.</summary>
    public IWaitTarget? Target { get; }

    /// <summary>The kernel function the task waits in.</summary>
    public string? Site { get; }

    /// <summary>The nested coroutine a <see cref="WaitKind.Call"/> runs.</summary>
    public IEnumerable<Wait>? Callee => Kind == WaitKind.Call ? (IEnumerable<Wait>)subject! : null;

    /// <summary>Charges <paramref name="ns"/> of CPU work: the task stays Running and resumes after the delay.</summary>
    /// <param name="ns">Cost in nanoseconds, ≥ 0; 0 lets every other event due now run first (<c>cond_resched</c>).</param>
    /// <returns>The wait.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="ns"/> is negative.</exception>
    /// <remarks>Not a context switch: <see cref="SimTask.SwitchCount"/> does not change.</remarks>
    public static Wait For(long ns)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ns);
        return new Wait(WaitKind.Delay, ns, TaskState.Running, null, null, null);
    }

    /// <summary>Sleeps for <paramref name="ns"/> (kernel/time/sleep_timeout.c: schedule_timeout).</summary>
    /// <param name="ns">Sleep length, ≥ 0.</param>
    /// <param name="state">S (default) or D (<c>msleep</c>, <c>schedule_timeout_uninterruptible</c>).</param>
    /// <param name="waitSite">Kernel function; null picks the schedule_timeout variant matching <paramref name="state"/>.</param>
    /// <returns>The wait.</returns>
    /// <exception cref="ArgumentOutOfRangeException">Negative length or a non-sleeping state.</exception>
    /// <remarks>The task can be woken early by <see cref="Simulator.WakeUpProcess(SimTask)"/>.</remarks>
    public static Wait Sleep(long ns, TaskState state = TaskState.Interruptible, string? waitSite = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ns);
        CheckSleepState(state);
        string site = waitSite ?? (state == TaskState.Interruptible
            ? SiteScheduleTimeoutInterruptible
            : SiteScheduleTimeoutUninterruptible);
        return new Wait(WaitKind.Sleep, ns, state, null, SleepTimer.Instance, site);
    }

    /// <summary>Sleeps on a wait queue until <see cref="WaitQueue.WakeUpOne"/>/<see cref="WaitQueue.WakeUpAll"/> or the timeout.</summary>
    /// <param name="queue">The wait queue head.</param>
    /// <param name="state">S or D.</param>
    /// <param name="waitSite">Kernel function, e.g. <c>"folio_wait_writeback"</c>.</param>
    /// <param name="timeoutNs">Timeout, or −1 to wait forever; afterwards <see cref="SimTask.LastWaitTimedOut"/> tells which ended it.</param>
    /// <param name="waitingFor">What to report as waited on; defaults to <paramref name="queue"/>. Lets a hashed or shared
    /// queue (the kernel's <c>folio_waitqueue</c>) report the specific object and its releaser.</param>
    /// <returns>The wait.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A non-sleeping state or a timeout below −1.</exception>
    /// <remarks>include/linux/wait.h: wait_event / wait_event_timeout. Like the kernel primitive, the body must
    /// re-check its condition after waking.</remarks>
    public static Wait On(WaitQueue queue, TaskState state, string waitSite, long timeoutNs = -1, IWaitTarget? waitingFor = null)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(waitSite);
        CheckSleepState(state);
        ArgumentOutOfRangeException.ThrowIfLessThan(timeoutNs, -1);
        return new Wait(WaitKind.Queue, timeoutNs, state, queue, waitingFor ?? queue, waitSite);
    }

    /// <summary>Waits until <paramref name="completion"/> is completed, consuming one completion.</summary>
    /// <param name="completion">The completion.</param>
    /// <param name="state">D (default, <c>wait_for_completion</c>) or S.</param>
    /// <param name="waitSite">Kernel function.</param>
    /// <param name="timeoutNs">Timeout (<c>wait_for_completion_timeout</c>), or −1 to wait forever.</param>
    /// <returns>The wait; it does not block if the completion is already done.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A non-sleeping state or a timeout below −1.</exception>
    /// <remarks>kernel/sched/completion.c: wait_for_common.</remarks>
    public static Wait ForCompletion(
        Completion completion,
        TaskState state = TaskState.Uninterruptible,
        string waitSite = "wait_for_completion",
        long timeoutNs = -1)
    {
        ArgumentNullException.ThrowIfNull(completion);
        ArgumentNullException.ThrowIfNull(waitSite);
        CheckSleepState(state);
        ArgumentOutOfRangeException.ThrowIfLessThan(timeoutNs, -1);
        return new Wait(WaitKind.Completion, timeoutNs, state, null, completion, waitSite);
    }

    /// <summary>Acquires <paramref name="mutex"/>, sleeping in D state while another task owns it.</summary>
    /// <param name="mutex">The mutex.</param>
    /// <param name="waitSite">Kernel function, e.g. <c>"mutex_lock"</c> or <c>"__mutex_lock"</c>.</param>
    /// <returns>The wait; it does not block if the mutex is free.</returns>
    /// <remarks>kernel/locking/mutex.c: mutex_lock. Not recursive: locking a mutex the task owns deadlocks it.</remarks>
    public static Wait Lock(SimMutex mutex, string waitSite = "mutex_lock")
    {
        ArgumentNullException.ThrowIfNull(mutex);
        ArgumentNullException.ThrowIfNull(waitSite);
        return new Wait(WaitKind.Lock, -1, TaskState.Uninterruptible, null, mutex, waitSite);
    }

    /// <summary>
    /// Runs <paramref name="callee"/> as part of the calling task, as a kernel path that may sleep runs
    /// on the caller's stack: its waits are the task's waits, and the caller resumes when it returns.
    /// </summary>
    /// <param name="callee">The nested coroutine, e.g. the allocation slowpath or a folio wait.</param>
    /// <returns>The wait; it takes no simulated time unless the callee waits.</returns>
    /// <remarks>
    /// A call costs no event: the engine steps the callee at once, and steps the caller again the
    /// moment the callee ends. Results pass through state the caller can read (the task context);
    /// nesting is bounded by <see cref="Simulator.CallDepthMax"/>.
    /// </remarks>
    public static Wait Call(IEnumerable<Wait> callee)
    {
        ArgumentNullException.ThrowIfNull(callee);
        return new Wait(WaitKind.Call, -1, TaskState.Running, callee, null, null);
    }

    /// <inheritdoc/>
    public bool Equals(Wait other) =>
        Kind == other.Kind && Ns == other.Ns && State == other.State &&
        ReferenceEquals(subject, other.subject) && ReferenceEquals(Target, other.Target) &&
        string.Equals(Site, other.Site, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Wait other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Kind, Ns, State, Site);

    /// <summary>Equality of two waits.</summary>
    /// <param name="left">A wait.</param>
    /// <param name="right">Another wait.</param>
    /// <returns>True if they are the same wait.</returns>
    public static bool operator ==(Wait left, Wait right) => left.Equals(right);

    /// <summary>Inequality of two waits.</summary>
    /// <param name="left">A wait.</param>
    /// <param name="right">Another wait.</param>
    /// <returns>True if they differ.</returns>
    public static bool operator !=(Wait left, Wait right) => !left.Equals(right);

    private static void CheckSleepState(TaskState state)
    {
        if (!state.IsBlocked())
        {
            throw new ArgumentOutOfRangeException(nameof(state), state, "A sleeping wait needs Interruptible (S) or Uninterruptible (D).");
        }
        Debug.Assert(state is TaskState.Interruptible or TaskState.Uninterruptible, "sleep state");
    }
}
