using MmSim.Mm.Memory;
using MmSim.Scenario;
using MmSim.Sim;
using SimDistribution = MmSim.Sim.Distribution;

namespace MmSim.Workloads.Timed;

/// <summary>
/// The <c>anon</c> workload: a process that maps anonymous memory, writes it page by page at a
/// steady rate, lives its lifetime and exits, <c>repeat</c> times in a row.
/// </summary>
/// <param name="config">The resolved workload.</param>
/// <param name="stats">Where to count; a preset passes its own so its parts add up in one place.</param>
internal sealed class AnonWorkload(AnonWorkloadConfig config, WorkloadStats? stats = null) : ITimedWorkload
{
    private WorkloadContext? ctx;

    public string Type => config.Type;

    public WorkloadStats Stats { get; } = stats ?? new();

    /// <summary>Metric: runs of the process started.</summary>
    public const string RunsMetric = "runs";

    public void Start(WorkloadContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        this.ctx = ctx;
        TaskHandle.Spawn(ctx, config.Type, Process);
    }

    private IEnumerable<Wait> Process(TaskHandle self)
    {
        WorkloadContext run = ctx!;
        SimTask task = self.Task;
        Prng prng = TaskRandom.For(run, task);
        SimDistribution? lifetime = config.Lifetime is null ? null : TaskRandom.ToDistribution(config.Lifetime);
        var flags = new AnonVmaFlags(config.Thp, config.Defrag, config.Mlock, LongtermPin: false);
        if (TaskWaits.TrySleepUntil(run.Sim, config.StartNs, out Wait sleep))
        {
            yield return sleep;
        }

        for (long i = 0; i < config.Repeat; i++)
        {
            Stats.AddMetric(RunsMetric, 1);
            // A run lasts at least a nanosecond, so a zero lifetime cannot spin the loop at one instant.
            long exitNs = lifetime is SimDistribution d ? TaskRandom.After(run.Sim.Now, Math.Max(1, d.Sample(prng))) : long.MaxValue;
            var vma = run.Kernel.Mmap(Stats, config.SizeBytes / Units.PageSizeBytes, flags, task.ToString());
            yield return Wait.Call(AnonFill.Touch(run, vma, new TouchPace(run.Sim.Now, config.FaultRate), exitNs, Stats));

            // Hold the memory until exit (a process killed by a failed fault exits at once); with
            // no lifetime the process pauses until the run ends.
            if (!vma.OomKilled && exitNs == long.MaxValue)
            {
                yield return TaskWaits.Pause(config.Type, task.Pid);
            }
            else if (!vma.OomKilled && TaskWaits.TrySleepUntil(run.Sim, exitNs, out Wait untilExit))
            {
                yield return untilExit;
            }

            vma.UnmapAll();
        }
    }
}

/// <summary>Writing a mapping from start to end at a steady pace: the fault loop every anon-like task shares.</summary>
internal static class AnonFill
{
    /// <summary>Metric: processes that ended because a fault found no memory.</summary>
    public const string FaultOom = "fault_oom";

    /// <summary>
    /// Touches pages [0, NrPages) of <paramref name="vma"/> in order, charging the time of each touch
    /// (a THP fault covers its 512 pages at once, then the writes to them take their time), until
    /// done, <paramref name="stopNs"/>, or a fault without memory (counted in <see cref="FaultOom"/>).
    /// </summary>
    public static IEnumerable<Wait> Touch(WorkloadContext ctx, AnonVma vma, TouchPace pace, long stopNs, WorkloadStats stats) =>
        TouchRange(ctx, vma, 0, vma.NrPages, pace, stopNs, stats);

    /// <summary>As <see cref="Touch"/> for pages [<paramref name="first"/>, <paramref name="end"/>).</summary>
    public static IEnumerable<Wait> TouchRange(WorkloadContext ctx, AnonVma vma, long first, long end, TouchPace pace, long stopNs, WorkloadStats stats)
    {
        for (long i = first; i < end;)
        {
            if (ctx.Sim.Now >= stopNs)
            {
                yield break;
            }

            FaultResult result = vma.TryHandleMmFault(i, out bool fastPathFailed);
            if (result == FaultResult.NeedsSleepablePath)
            {
                yield return Wait.Call(vma.HandleMmFault(i, fastPathFailed));
                result = (FaultResult)ctx.Kernel.Current.Ret;
            }

            if (result == FaultResult.Oom)
            {
                stats.AddMetric(FaultOom, 1);
                yield break;
            }

            // After a THP fault the rest of its range is present: the writes go on without faults.
            i = result == FaultResult.Huge ? Math.Min(end, (i | (HugeMemory.HpagePmdNr - 1)) + 1) : i + 1;
            long nextNs = pace.TimeOf(i - first);
            if (nextNs > ctx.Sim.Now)
            {
                yield return Wait.For(Math.Min(nextNs, stopNs) - ctx.Sim.Now);
            }
        }
    }
}
