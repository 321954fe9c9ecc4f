using System.Globalization;

namespace MmSim.Sim;

/// <summary>
/// A simulated task (process or kernel thread): a coroutine whose body yields <see cref="Wait"/>s.
/// </summary>
/// <remarks>
/// <para>
/// The fields mirror the parts of <c>struct task_struct</c> (include/linux/sched.h) that
/// scheduling and the hang detectors read: <c>pid</c>, <c>comm</c>, <c>__state</c>,
/// <c>nvcsw + nivcsw</c> as <see cref="SwitchCount"/>, and what the task sleeps on and where.
/// </para>
/// <para>
/// Tasks are created by <see cref="Simulator.Spawn"/> and never removed; a finished task stays
/// <see cref="TaskState.Dead"/> so reports can still name it.
/// </para>
/// </remarks>
public sealed class SimTask
{
    internal SimTask(Simulator simulator, int pid, string comm, bool isKernelThread, IEnumerator<Wait> body, long startNs)
    {
        Simulator = simulator;
        Pid = pid;
        Comm = comm;
        IsKernelThread = isKernelThread;
        Body = body;
        Frame = body;
        StartTimeNs = startNs;
        State = TaskState.Runnable;
    }

    /// <summary>Process id, assigned 1, 2, 3… in spawn order.</summary>
    public int Pid { get; }

    /// <summary>Command name (<c>comm</c>), e.g. <c>"kcompactd0"</c> or <c>"fuse-server"</c>.</summary>
    public string Comm { get; }

    /// <summary>True for kernel threads (PF_KTHREAD).</summary>
    public bool IsKernelThread { get; }

    /// <summary>Scheduling state.</summary>
    public TaskState State { get; internal set; }

    /// <summary>True while the task sleeps in S or D.</summary>
    public bool IsBlocked => State.IsBlocked();

    /// <summary>When the current sleep began; −1 while not sleeping.</summary>
    public long BlockedSinceNs { get; internal set; } = -1;

    /// <summary>When the current wait times out; −1 if it has no timeout or the task is not sleeping.</summary>
    public long WaitDeadlineNs { get; internal set; } = -1;

    /// <summary>What the task sleeps on; null while not sleeping.</summary>
    public IWaitTarget? WaitingOn { get; internal set; }

    /// <summary>The kernel function the task sleeps in (its <c>wchan</c>); null while not sleeping.</summary>
    public string? WaitSite { get; internal set; }

    /// <summary>Context switches so far (<c>nvcsw + nivcsw</c>): one per sleep.</summary>
    /// <remarks>Charging CPU work with <see cref="Wait.For"/> is not a switch, as no CPU contention is modelled.</remarks>
    public long SwitchCount { get; internal set; }

    /// <summary>True if the last sleep on a queue or completion ended by timeout rather than a wake-up.</summary>
    public bool LastWaitTimedOut { get; internal set; }

    /// <summary>When the task was spawned.</summary>
    public long StartTimeNs { get; }

    /// <summary>When the body finished; −1 while alive.</summary>
    public long ExitTimeNs { get; internal set; } = -1;

    /// <summary>The owning simulator.</summary>
    internal Simulator Simulator { get; }

    /// <summary>The coroutine.</summary>
    internal IEnumerator<Wait> Body { get; }

    /// <summary>Callers of the running nested coroutine, innermost last (<see cref="Wait.Call"/>); null until the first call.</summary>
    internal Stack<IEnumerator<Wait>>? Callers { get; set; }

    /// <summary>The coroutine frame that runs now: the innermost callee, or the body.</summary>
    internal IEnumerator<Wait> Frame { get; set; }

    /// <summary>How deep the calls are nested now (0 while the body itself runs).</summary>
    public int CallDepth => Callers?.Count ?? 0;

    /// <summary>Bumped on every sleep and wake-up; a resume event carrying an older value is stale.</summary>
    internal int WaitGeneration { get; set; }

    /// <summary>The wait queue the task is linked on, or null (intrusive list, see <see cref="WaitQueue"/>).</summary>
    internal WaitQueue? WqHead { get; set; }

    /// <summary>Previous waiter on <see cref="WqHead"/>.</summary>
    internal SimTask? WqPrev { get; set; }

    /// <summary>Next waiter on <see cref="WqHead"/>.</summary>
    internal SimTask? WqNext { get; set; }

    /// <summary>True if a direct wake-up may end the current sleep (timed sleeps and plain wait-queue sleeps).</summary>
    internal bool WakeableByProcess { get; set; }

    /// <summary>Marks tasks already visited by a wait-chain walk (no allocation per walk).</summary>
    internal long ChainWalkStamp { get; set; }

    /// <summary>Index in the simulator's task table.</summary>
    internal int Index => Pid - 1;

    /// <summary>The kernel's <c>comm:pid</c> notation, e.g. <c>"kswapd0:52"</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Comm}:{Pid}");
}
