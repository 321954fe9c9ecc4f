using MmSim.Scenario;
using MmSim.Sim;
using SimDistribution = MmSim.Sim.Distribution;

namespace MmSim.Workloads.Timed;

/// <summary>
/// Random streams and timing helpers of workload tasks: each task draws from its own stream,
/// split from the run's root by the task's pid, so a task's numbers depend only on the seed and
/// on the order in which tasks were spawned, never on what other tasks draw.
/// </summary>
internal static class TaskRandom
{
    // Keeps workload task streams apart from the untimed workloads' streams (split by workload index).
    private const ulong StreamDomain = 0x7461_736B_0000_0000;

    /// <summary>The stream of <paramref name="task"/>.</summary>
    public static Prng For(WorkloadContext ctx, SimTask task) => ctx.Random.Split(StreamDomain + (ulong)task.Pid);

    /// <summary>The engine's form of a scenario distribution.</summary>
    public static SimDistribution ToDistribution(DistributionSpec spec) => spec.Kind switch
    {
        Scenario.DistributionKind.Const => SimDistribution.Constant(spec.ANs),
        Scenario.DistributionKind.Exp => SimDistribution.Exponential(spec.ANs),
        Scenario.DistributionKind.Uniform => SimDistribution.Uniform(spec.ANs, spec.BNs),
        _ => SimDistribution.LogNormal(spec.ANs, spec.Sigma),
    };

    /// <summary>Gaps between the events of a Poisson process at <paramref name="rate"/>.</summary>
    public static SimDistribution Poisson(RateSpec rate) => SimDistribution.Exponential(rate.MeanIntervalNs);

    /// <summary><paramref name="nowNs"/> plus <paramref name="ns"/>, saturating at <see cref="long.MaxValue"/> ("never").</summary>
    public static long After(long nowNs, long ns) => ns > long.MaxValue - nowNs ? long.MaxValue : nowNs + ns;
}

/// <summary>Waits that many workload task bodies share.</summary>
internal static class TaskWaits
{
    /// <summary>
    /// A sleep until <paramref name="atNs"/> when that is still ahead; false (and no wait, not even a
    /// zero-length one) when it is now or past.
    /// </summary>
    /// <param name="sim">The simulator (for the time now).</param>
    /// <param name="atNs">When to wake.</param>
    /// <param name="wait">The sleep, when true is returned.</param>
    /// <returns>Whether the caller has to yield <paramref name="wait"/>.</returns>
    public static bool TrySleepUntil(Simulator sim, long atNs, out Wait wait)
    {
        if (atNs > sim.Now)
        {
            wait = Wait.Sleep(atNs - sim.Now);
            return true;
        }

        wait = default;
        return false;
    }

    /// <summary>pause(2) until the run ends: an interruptible wait on a queue of the task's own that nothing wakes.</summary>
    /// <param name="type">Workload type (names the queue in reports).</param>
    /// <param name="pid">The task's pid.</param>
    /// <returns>The wait.</returns>
    public static Wait Pause(string type, int pid) =>
        Wait.On(new WaitQueue($"{type}:{pid} pause"), TaskState.Interruptible, "sys_pause");
}

/// <summary>
/// The task a body belongs to, filled in right after <see cref="Simulator.Spawn"/> returns: a body
/// is created before its task exists but first runs after, so it can always read its own task.
/// </summary>
internal sealed class TaskHandle
{
    private SimTask? task;

    /// <summary>The task; set once.</summary>
    public SimTask Task
    {
        get => task ?? throw new InvalidOperationException("the task body ran before Spawn returned");
        set => task = task is null ? value : throw new InvalidOperationException("a task handle is set once");
    }

    /// <summary>Spawns <paramref name="body"/> as a task and returns the handle the body was given.</summary>
    public static TaskHandle Spawn(WorkloadContext ctx, string comm, Func<TaskHandle, IEnumerable<Wait>> body, bool kernelThread = false)
    {
        var self = new TaskHandle();
        self.Task = ctx.Sim.Spawn(comm, body(self), kernelThread);

        // memcg: the task joins its workload's cgroup before it first runs.
        ctx.Kernel.ContextOf(self.Task).MemcgId = ctx.MemcgId;
        return self;
    }
}

/// <summary>
/// A steady touch rate: the time of the k-th touch after a start, exact in integers, so that
/// rounding never drifts however many pages are touched.
/// </summary>
/// <param name="StartNs">Time of touch 0.</param>
/// <param name="Rate">Touches per period.</param>
internal readonly record struct TouchPace(long StartNs, RateSpec Rate)
{
    /// <summary>When touch <paramref name="k"/> happens.</summary>
    public long TimeOf(long k) => StartNs + (long)((Int128)k * Rate.PerNs / Rate.Count);
}
