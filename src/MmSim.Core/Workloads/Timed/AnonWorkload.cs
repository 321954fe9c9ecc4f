using MmSim.Mm;
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

        // One process for the whole workload: the OOM killer sees its rss and oom_score_adj.
        MmStruct mm = run.Kernel.Oom.CreateProcess(task, config.Type, config.OomScoreAdj);
        for (long i = 0; i < config.Repeat; i++)
        {
            Stats.AddMetric(RunsMetric, 1);
            // A run lasts at least a nanosecond, so a zero lifetime cannot spin the loop at one instant.
            long exitNs = lifetime is SimDistribution d ? TaskRandom.After(run.Sim.Now, Math.Max(1, d.Sample(prng))) : long.MaxValue;
            var vma = run.Kernel.Mmap(Stats, config.SizeBytes / Units.PageSizeBytes, flags, task.ToString());
            yield return Wait.Call(AnonFill.Touch(run, vma, new TouchPace(run.Sim.Now, config.FaultRate), exitNs, Stats));

            // Hold the memory until exit; with no lifetime the process pauses until the run ends. SIGKILL
            // wakes either sleep.
            if (!AnonFill.Dying(run) && exitNs == long.MaxValue)
            {
                yield return TaskWaits.Pause(config.Type, task.Pid);
            }
            else if (!AnonFill.Dying(run) && TaskWaits.TrySleepUntil(run.Sim, exitNs, out Wait untilExit))
            {
                yield return untilExit;
            }

            if (AnonFill.ExitIfDying(run, mm, Stats))
            {
                yield break;
            }

            vma.UnmapAll();
        }

        run.Kernel.Oom.ExitProcess(mm);
    }
}

/// <summary>Writing a mapping from start to end at a steady pace: the fault loop every anon-like task shares.</summary>
internal static class AnonFill
{
    /// <summary>Metric: processes the OOM killer killed (they exited, freeing their memory, and stopped).</summary>
    public const string OomKilledMetric = "oom_killed";

    /// <summary>Metric: faults that failed with nobody to kill (the kernel would panic: "System is deadlocked on memory").</summary>
    public const string OomNoVictimMetric = "oom_no_victim";

    /// <summary>fatal_signal_pending(current): the task was killed (by the OOM killer) and dies on its way back to user space.</summary>
    /// <param name="ctx">The run.</param>
    /// <returns>True when SIGKILL is pending.</returns>
    public static bool Dying(WorkloadContext ctx) => ctx.Kernel.Current.FatalSignalPending;

    /// <summary>
    /// The return to user space of a task with SIGKILL pending: do_exit frees the process's memory
    /// (exit_mmap), counted in <see cref="OomKilledMetric"/>. False when no fatal signal is pending.
    /// </summary>
    /// <param name="ctx">The run.</param>
    /// <param name="mm">The task's process.</param>
    /// <param name="stats">Where the kill is counted.</param>
    /// <returns>True when the process exited and the caller must stop.</returns>
    public static bool ExitIfDying(WorkloadContext ctx, MmStruct mm, WorkloadStats stats)
    {
        if (!Dying(ctx))
        {
            return false;
        }

        ctx.Kernel.Oom.ExitProcess(mm);
        stats.AddMetric(OomKilledMetric, 1);
        return true;
    }

    /// <summary>
    /// Touches pages [0, NrPages) of <paramref name="vma"/> in order, charging the time of each touch
    /// (a THP fault covers its 512 pages at once, then the writes to them take their time), until
    /// done, <paramref name="stopNs"/>, a fatal signal (the OOM killer chose the process), or a fault that
    /// failed with nobody left to kill (counted in <see cref="OomNoVictimMetric"/>).
    /// </summary>
    public static IEnumerable<Wait> Touch(WorkloadContext ctx, AnonVma vma, TouchPace pace, long stopNs, WorkloadStats stats) =>
        TouchRange(ctx, vma, 0, vma.NrPages, pace, stopNs, stats);

    /// <summary>As <see cref="Touch"/> for pages [<paramref name="first"/>, <paramref name="end"/>).</summary>
    public static IEnumerable<Wait> TouchRange(WorkloadContext ctx, AnonVma vma, long first, long end, TouchPace pace, long stopNs, WorkloadStats stats)
    {
        for (long i = first; i < end;)
        {
            if (ctx.Sim.Now >= stopNs || Dying(ctx))
            {
                yield break;
            }

            FaultResult result = vma.TryHandleMmFault(i, out bool fastPathFailed);
            if (result == FaultResult.NeedsSleepablePath)
            {
                yield return Wait.Call(vma.HandleMmFault(i, fastPathFailed));
                result = (FaultResult)ctx.Kernel.Current.Ret;
            }

            // mm/oom_kill.c: pagefault_out_of_memory. A VM_FAULT_OOM reaches here only for a task the OOM killer
            // chose (its allocation gave up after ALLOC_OOM) or when the killer found nobody to kill, where the
            // kernel panics; neither retries the fault.
            if (result == FaultResult.Oom)
            {
                if (!Dying(ctx))
                {
                    stats.AddMetric(OomNoVictimMetric, 1);
                }

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
