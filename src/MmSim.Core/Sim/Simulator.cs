// The simulation engine: simulated clock, future event list, coroutine tasks and their waits.
// Wait primitives live beside it (WaitQueue, Completion, SimMutex, Wait); the hang detectors
// that read the wait-for graph are HungTaskDetector (khungtaskd) and DeadlockDetector; the
// PRNG and duration distributions are Prng and Distribution. This folder imports nothing else
// from mmsim: every model layer builds on it.
using System.Diagnostics;

namespace MmSim.Sim;

/// <summary>Why <see cref="Simulator.Run(long)"/> returned.</summary>
public enum RunStopReason
{
    /// <summary>The next event lies after the requested end time; <see cref="Simulator.Now"/> equals that time.</summary>
    TimeLimit = 1,

    /// <summary>No event is left: every task has exited or sleeps without a timer.</summary>
    Idle,

    /// <summary><see cref="Simulator.Stop"/> was called.</summary>
    Stopped,
}

/// <summary>
/// One simulation run: the clock, the event queue, the tasks and the root PRNG. Single-threaded,
/// no locks; the same seed and the same calls produce the same run.
/// </summary>
/// <remarks>
/// <para>
/// Events are ordered by (time, insertion sequence), so simultaneous events run in the order they
/// were scheduled. A task is an iterator (SimSharp's <c>Process</c>): it runs until it yields a
/// <see cref="Wait"/>, and the engine resumes it when the wait ends. Wake-ups never run the woken
/// task inside the waker; they schedule it at the current time, so tasks never nest.
/// </para>
/// <para>
/// Steady-state cost per event: one heap pop and push (O(log₄ n)) and one <c>MoveNext</c>; no allocation.
/// </para>
/// </remarks>
public sealed class Simulator
{
    // A task whose waits keep completing at once (free locks, done completions) never lets time
    // advance; after this many in a row it is livelocked and the run fails instead of hanging.
    private const int ImmediateWaitsMax = 1 << 20;

    /// <summary>How deep <see cref="Wait.Call"/>s may nest: the kernel's call chains (fault → slowpath →
    /// compaction → migration → folio wait) are a handful deep; more is a runaway recursion.</summary>
    public const int CallDepthMax = 64;

    private readonly EventQueue queue = new();
    private readonly CallbackPool callbacks = new();
    private readonly List<SimTask> tasks = [];
    private bool running;
    private bool stopRequested;
    private long chainWalkStamp;

    /// <summary>Creates an empty simulation at time 0.</summary>
    /// <param name="seed">Seed of the root <see cref="Random"/>; components split their streams from it.</param>
    public Simulator(ulong seed)
    {
        Random = new Prng(seed);
        Tasks = tasks.AsReadOnly();
    }

    /// <summary>Current simulated time in nanoseconds.</summary>
    public long Now { get; private set; }

    /// <summary>The root generator; components should take their own stream with <see cref="Prng.Split(ulong)"/>.</summary>
    public Prng Random { get; }

    /// <summary>The task whose body is executing (the kernel's <c>current</c>); null in callbacks and between events.</summary>
    public SimTask? Current { get; private set; }

    /// <summary>All tasks ever spawned, in pid order (index = pid − 1).</summary>
    public IReadOnlyList<SimTask> Tasks { get; }

    /// <summary>Events dispatched so far (stale timeouts and cancelled callbacks excluded).</summary>
    public long EventsProcessed { get; private set; }

    /// <summary>
    /// Stops <see cref="Run(long)"/> from another thread (Ctrl-C, SIGTERM): checked every
    /// <see cref="CancellationCheckEvents"/> events, so the event loop pays one counter test per event.
    /// </summary>
    public CancellationToken Cancellation { get; set; }

    /// <summary>Events between two checks of <see cref="Cancellation"/> (a few milliseconds of wall time at most).</summary>
    public const int CancellationCheckEvents = 4096;

    /// <summary>Events waiting in the queue, stale ones included.</summary>
    public int PendingEvents => queue.Count;

    /// <summary>Where scheduler trace events go; null (the default) disables tracing.</summary>
    public ISchedTraceSink? TraceSink { get; set; }

    /// <summary>Called right after a task starts a sleep that another task must end (the deadlock detector).</summary>
    internal Action<SimTask>? TaskBlockedHook { get; set; }

    /// <summary>Runs <paramref name="callback"/> after <paramref name="delayNs"/>.</summary>
    /// <param name="delayNs">Delay, ≥ 0; 0 runs it after the events already due now.</param>
    /// <param name="callback">The callback; cache the delegate to keep the hot path allocation-free.</param>
    /// <returns>A handle for <see cref="Cancel"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delayNs"/> is negative.</exception>
    /// <remarks>Like arming a kernel timer (<c>mod_timer</c>). Callbacks must not yield; use a task to wait.</remarks>
    public CallbackHandle Schedule(long delayNs, Action callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return ScheduleSlot(delayNs, callbacks.Add(callback, null, null));
    }

    /// <summary>Runs <paramref name="callback"/>(<paramref name="state"/>) after <paramref name="delayNs"/>.</summary>
    /// <param name="delayNs">Delay, ≥ 0.</param>
    /// <param name="callback">The callback; a static lambda avoids a closure allocation.</param>
    /// <param name="state">Passed to the callback.</param>
    /// <returns>A handle for <see cref="Cancel"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delayNs"/> is negative.</exception>
    public CallbackHandle Schedule(long delayNs, Action<object?> callback, object? state)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return ScheduleSlot(delayNs, callbacks.Add(null, callback, state));
    }

    /// <summary>Cancels a scheduled callback that has not run yet (<c>timer_delete</c>).</summary>
    /// <param name="handle">From <see cref="Schedule(long, Action)"/>.</param>
    /// <returns>True if the callback was pending and will not run.</returns>
    public bool Cancel(CallbackHandle handle)
    {
        if (!callbacks.IsCurrent(handle.Slot, handle.Generation))
        {
            return false;
        }
        // The event stays in the heap; its slot generation no longer matches, so it is dropped when it comes up.
        callbacks.Free(handle.Slot);
        return true;
    }

    /// <summary>Creates a task; its body starts at the current time, after events already due.</summary>
    /// <param name="comm">Command name, e.g. <c>"kswapd0"</c>.</param>
    /// <param name="body">The coroutine; each <c>yield return</c> is a wait.</param>
    /// <param name="kernelThread">True for kernel threads.</param>
    /// <returns>The task, with the next pid.</returns>
    /// <remarks>kernel/fork.c: copy_process assigns the pid; kernel/kthread.c: kthread_run for kernel threads.</remarks>
    public SimTask Spawn(string comm, IEnumerable<Wait> body, bool kernelThread = false)
    {
        ArgumentNullException.ThrowIfNull(comm);
        ArgumentNullException.ThrowIfNull(body);
        var task = new SimTask(this, tasks.Count + 1, comm, kernelThread, body.GetEnumerator(), Now);
        tasks.Add(task);
        Debug.Assert(tasks[task.Index] == task, "pid - 1 indexes the task table");
        Trace(task, SchedTraceKind.ProcessFork);
        queue.Enqueue(Now, task.Index, task.WaitGeneration);
        return task;
    }

    /// <summary>
    /// Processes events in (time, seq) order until the next one lies after <paramref name="untilNs"/>,
    /// none is left, or <see cref="Stop"/> is called. Events at exactly <paramref name="untilNs"/> run.
    /// </summary>
    /// <param name="untilNs">Absolute end time, ≥ <see cref="Now"/>. Run may be called again to continue.</param>
    /// <returns>Why it returned.</returns>
    /// <exception cref="SimTaskException">A task body threw; the run cannot continue.</exception>
    /// <exception cref="InvalidOperationException">Called from inside a running simulation.</exception>
    /// <exception cref="OperationCanceledException"><see cref="Cancellation"/> was cancelled; the run is abandoned.</exception>
    public RunStopReason Run(long untilNs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(untilNs, Now);
        if (running)
        {
            throw new InvalidOperationException("Simulator.Run is not reentrant.");
        }
        running = true;
        stopRequested = false;
        int untilCheck = CancellationCheckEvents;
        try
        {
            while (!stopRequested)
            {
                if (--untilCheck == 0)
                {
                    untilCheck = CancellationCheckEvents;
                    Cancellation.ThrowIfCancellationRequested();
                }

                if (!queue.TryPeekTime(out long nextNs))
                {
                    return RunStopReason.Idle;
                }
                if (nextNs > untilNs)
                {
                    Now = untilNs;
                    return RunStopReason.TimeLimit;
                }
                SimEvent ev = queue.Dequeue();
                Debug.Assert(ev.TimeNs >= Now, "time never goes backwards");
                Now = ev.TimeNs;
                Dispatch(ev);
            }
            return RunStopReason.Stopped;
        }
        finally
        {
            running = false;
        }
    }

    /// <summary>Makes <see cref="Run(long)"/> return after the current event.</summary>
    public void Stop() => stopRequested = true;

    /// <summary>
    /// Wakes a task sleeping in <see cref="Wait.Sleep"/> or <see cref="Wait.On"/> (<c>wake_up_process</c>).
    /// </summary>
    /// <param name="task">The task.</param>
    /// <returns>True if it was sleeping and is now runnable; false for running tasks and for tasks waiting
    /// for a mutex or completion, which would only re-check and sleep again in the kernel.</returns>
    /// <remarks>kernel/sched/core.c: wake_up_process (TASK_NORMAL wakes both S and D).</remarks>
    public bool WakeUpProcess(SimTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (!task.IsBlocked || !task.WakeableByProcess)
        {
            return false;
        }
        task.WqHead?.Remove(task);
        Wake(task);
        return true;
    }

    /// <summary>Makes a sleeping task runnable; the caller has already unlinked it from any wait queue.</summary>
    internal void Wake(SimTask task)
    {
        Debug.Assert(task.IsBlocked, "only sleeping tasks are woken");
        Debug.Assert(task.WqHead is null, "woken task is off its wait queue");
        EndSleep(task, TaskState.Runnable);
        task.WaitGeneration++;
        queue.Enqueue(Now, task.Index, task.WaitGeneration);
    }

    /// <summary>A fresh mark for <see cref="SimTask.ChainWalkStamp"/>, unique within this run.</summary>
    internal long NextChainWalkStamp() => ++chainWalkStamp;

    /// <summary>Checks the event queue's heap invariant; O(n), for tests.</summary>
    internal bool IsEventQueueValid() => queue.IsValid();

    private CallbackHandle ScheduleSlot(long delayNs, int slot)
    {
        if (delayNs < 0)
        {
            callbacks.Free(slot);
            throw new ArgumentOutOfRangeException(nameof(delayNs), delayNs, "Delay must be non-negative.");
        }
        int generation = callbacks.Generation(slot);
        queue.Enqueue(DeadlineAfter(delayNs), ~slot, generation);
        return new CallbackHandle(slot, generation);
    }

    private void Dispatch(in SimEvent ev)
    {
        if (ev.Target >= 0)
        {
            ResumeTask(tasks[ev.Target], ev.Token);
            return;
        }
        int slot = ~ev.Target;
        if (!callbacks.IsCurrent(slot, ev.Token))
        {
            return;
        }
        EventsProcessed++;
        (Action? action, Action<object?>? stateAction, object? state) = callbacks.Take(slot);
        if (action is not null)
        {
            action();
        }
        else
        {
            stateAction!(state);
        }
    }

    private void ResumeTask(SimTask task, int token)
    {
        if (token != task.WaitGeneration)
        {
            return;  // overtaken: a timeout after the task was woken
        }
        EventsProcessed++;
        if (task.IsBlocked)
        {
            // The sleep's timer fired. If the task is still on a queue, nobody woke it: a timeout.
            bool timedOut = task.WqHead is not null;
            task.WqHead?.Remove(task);
            EndSleep(task, TaskState.Running);
            task.LastWaitTimedOut = timedOut;
        }
        RunTask(task);
    }

    /// <summary>Runs the body until it yields a wait that does not complete at once, or ends.</summary>
    private void RunTask(SimTask task)
    {
        Debug.Assert(task.State is TaskState.Runnable or TaskState.Running, "only runnable tasks run");
        Debug.Assert(Current is null, "tasks never nest");
        Current = task;
        task.State = TaskState.Running;
        try
        {
            for (int i = 0; i < ImmediateWaitsMax; i++)
            {
                if (!StepBody(task))
                {
                    return;
                }
                if (BeginWait(task, task.Frame.Current))
                {
                    return;
                }
            }
            throw new SimTaskException(task, Now, new InvalidOperationException(
                $"{ImmediateWaitsMax} waits in a row completed at once; simulated time cannot advance (livelock)."));
        }
        finally
        {
            Current = null;
        }
    }

    /// <summary>Advances the running frame to its next wait, returning from finished callees; false when the body has finished.</summary>
    private bool StepBody(SimTask task)
    {
        for (int depth = 0; depth <= CallDepthMax; depth++)
        {
            bool more;
            try
            {
                more = task.Frame.MoveNext();
            }
            catch (Exception e)
            {
                task.State = TaskState.Dead;
                task.ExitTimeNs = Now;
                Trace(task, SchedTraceKind.ProcessExit);
                throw new SimTaskException(task, Now, e);
            }
            if (more)
            {
                return true;
            }
            task.Frame.Dispose();
            if (task.Callers is not { Count: > 0 } callers)
            {
                task.State = TaskState.Dead;
                task.ExitTimeNs = Now;
                Trace(task, SchedTraceKind.ProcessExit);
                return false;
            }
            // The callee returned: its caller continues at once, as a C function continues after a call.
            task.Frame = callers.Pop();
        }
        throw new SimTaskException(task, Now, new InvalidOperationException("more nested coroutine returns than calls"));
    }

    /// <summary>Starts a nested coroutine (<see cref="Wait.Call"/>); it runs at once, so the call never waits by itself.</summary>
    private void BeginCall(SimTask task, in Wait wait)
    {
        // A kernel path that finished without needing to wait hands back an empty array (an allocation that
        // the fast path served): nothing to run, and no frame to push.
        if (wait.Callee is Wait[] { Length: 0 })
        {
            return;
        }

        Stack<IEnumerator<Wait>> callers = task.Callers ??= new Stack<IEnumerator<Wait>>(4);
        if (callers.Count >= CallDepthMax)
        {
            throw new SimTaskException(task, Now, new InvalidOperationException(
                $"nested coroutine calls deeper than {CallDepthMax}: a runaway recursion"));
        }
        callers.Push(task.Frame);
        task.Frame = wait.Callee!.GetEnumerator();
    }

    /// <summary>Starts a wait; true if the task now waits, false if the wait completed at once.</summary>
    private bool BeginWait(SimTask task, in Wait wait)
    {
        switch (wait.Kind)
        {
            case WaitKind.Delay:
                task.WaitGeneration++;
                queue.Enqueue(DeadlineAfter(wait.Ns), task.Index, task.WaitGeneration);
                return true;
            case WaitKind.Sleep:
                Sleep(task, wait, wakeableByProcess: true);
                return true;
            case WaitKind.Queue:
                wait.Queue!.Enqueue(task);
                Sleep(task, wait, wakeableByProcess: true);
                TaskBlockedHook?.Invoke(task);
                return true;
            case WaitKind.Completion:
                return BeginCompletionWait(task, wait);
            case WaitKind.Lock:
                return BeginLockWait(task, wait);
            case WaitKind.Call:
                BeginCall(task, wait);
                return false;
            default:
                throw new SimTaskException(task, Now, new InvalidOperationException("The body yielded default(Wait)."));
        }
    }

    private bool BeginCompletionWait(SimTask task, in Wait wait)
    {
        var completion = (Completion)wait.Target!;
        if (completion.TryConsume())
        {
            task.LastWaitTimedOut = false;
            return false;
        }
        completion.Waiters.Enqueue(task);
        Sleep(task, wait, wakeableByProcess: false);
        TaskBlockedHook?.Invoke(task);
        return true;
    }

    private bool BeginLockWait(SimTask task, in Wait wait)
    {
        var mutex = (SimMutex)wait.Target!;
        if (mutex.TryLock(task))
        {
            return false;
        }
        mutex.Waiters.Enqueue(task);
        Sleep(task, wait, wakeableByProcess: false);
        TaskBlockedHook?.Invoke(task);
        return true;
    }

    /// <summary>Puts the task to sleep (the <c>schedule()</c> in every wait primitive) and arms its timer if any.</summary>
    private void Sleep(SimTask task, in Wait wait, bool wakeableByProcess)
    {
        Debug.Assert(wait.State.IsBlocked(), "sleeps are in S or D");
        Debug.Assert(task.State == TaskState.Running, "only a running task goes to sleep");
        task.WaitGeneration++;
        task.State = wait.State;
        task.WaitingOn = wait.Target;
        task.WaitSite = wait.Site;
        task.BlockedSinceNs = Now;
        task.SwitchCount++;
        task.LastWaitTimedOut = false;
        task.WakeableByProcess = wakeableByProcess;
        // Every wait kind except Lock stores its timer length (or -1) in Ns.
        if (wait.Ns >= 0)
        {
            task.WaitDeadlineNs = DeadlineAfter(wait.Ns);
            queue.Enqueue(task.WaitDeadlineNs, task.Index, task.WaitGeneration);
        }
        Trace(task, SchedTraceKind.Switch);
    }

    private void EndSleep(SimTask task, TaskState next)
    {
        task.State = next;
        task.WaitingOn = null;
        task.WaitSite = null;
        task.BlockedSinceNs = -1;
        task.WaitDeadlineNs = -1;
        task.WakeableByProcess = false;
        Trace(task, SchedTraceKind.Wakeup);
    }

    private long DeadlineAfter(long delayNs)
    {
        Debug.Assert(delayNs >= 0, "delays are non-negative");
        // Saturate: a sleep "forever" (long.MaxValue) must not wrap into the past.
        return delayNs > long.MaxValue - Now ? long.MaxValue : Now + delayNs;
    }

    private void Trace(SimTask task, SchedTraceKind kind)
    {
        if (TraceSink is { } sink)
        {
            sink.Record(new SchedTraceEvent(Now, task.Pid, kind, task.State, kind == SchedTraceKind.Switch ? task.WaitSite : null));
        }
    }
}
