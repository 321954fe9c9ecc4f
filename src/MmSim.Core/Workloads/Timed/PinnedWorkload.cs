using MmSim.Runs;
using MmSim.Scenario;
using MmSim.Sim;

namespace MmSim.Workloads.Timed;

/// <summary>The <c>pinned</c> workload: a driver pins a user buffer long-term and later releases it.</summary>
/// <param name="config">The resolved workload.</param>
internal sealed class PinnedWorkload(PinnedWorkloadConfig config) : ITimedWorkload
{
    /// <summary>Metric: pins that failed for lack of memory (pin_user_pages returned -ENOMEM).</summary>
    public const string PinEnomem = "pin_enomem";

    private RunContext? ctx;

    public string Type => config.Type;

    public WorkloadStats Stats { get; } = new();

    /// <summary>The pinned mapping while it is held.</summary>
    public AnonVma? Buffer { get; private set; }

    public void Start(RunContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        this.ctx = ctx;
        TaskHandle.Spawn(ctx, config.Type, Body);
    }

    private IEnumerable<Wait> Body(TaskHandle self)
    {
        RunContext run = ctx!;
        if (TaskWaits.TrySleepUntil(run.Sim, config.AtNs, out Wait sleep))
        {
            yield return sleep;
        }

        Buffer = LongtermPin.Pin(run, Stats, config.SizeBytes / Units.PageSizeBytes, self.Task.Pid);
        if (Buffer is null)
        {
            Stats.AddMetric(PinEnomem, 1);
            yield break;
        }

        if (config.ReleaseAtNs is not long releaseNs)
        {
            yield return TaskWaits.Pause(config.Type, self.Task.Pid);
            yield break;
        }

        yield return Wait.Sleep(releaseNs - run.Sim.Now);
        LongtermPin.Release(Buffer);
        Buffer = null;
    }
}

/// <summary>mm/gup.c: pin_user_pages(FOLL_LONGTERM) of a fresh buffer, and its release.</summary>
internal static class LongtermPin
{
    /// <summary>
    /// Faults in and pins <paramref name="nrPages"/> pages at once (one pin_user_pages call); null when
    /// memory ran out, after releasing what was pinned, as the caller of a failed pin does.
    /// </summary>
    /// <remarks>
    /// mm/gup.c: __gup_longterm_locked runs under memalloc_pin_save(), so the faults allocate without
    /// __GFP_MOVABLE and never from CMA or ZONE_MOVABLE (<see cref="AnonVmaFlags.LongtermPin"/>).
    /// </remarks>
    public static AnonVma? Pin(RunContext ctx, WorkloadStats stats, long nrPages, int ownerId)
    {
        var vma = new AnonVma(ctx, stats, nrPages, new AnonVmaFlags(ThpMode.Never, ThpDefrag.Madvise, Locked: false, LongtermPin: true), ownerId);
        for (long i = 0; i < nrPages; i++)
        {
            if (vma.HandleMmFault(i) == FaultResult.Oom)
            {
                Release(vma);
                return null;
            }
        }

        return vma;
    }

    /// <summary>unpin_user_pages, then munmap.</summary>
    public static void Release(AnonVma vma)
    {
        vma.UnpinAll();
        vma.UnmapAll();
    }
}
