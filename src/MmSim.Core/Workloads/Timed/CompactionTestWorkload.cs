using MmSim.Mm.Memory;
using MmSim.Mm.Stat;
using MmSim.Scenario;
using MmSim.Sim;

namespace MmSim.Workloads.Timed;

/// <summary>
/// The <c>compaction_test</c> preset: tools/testing/selftests/mm/compaction_test.c as one process
/// (see <see cref="CompactionTestWorkloadType"/> for the steps).
/// </summary>
/// <param name="config">The resolved preset.</param>
internal sealed class CompactionTestWorkload(CompactionTestWorkloadConfig config) : ITimedWorkload
{
    /// <summary>Metric: nr_hugepages written (half of 80% of MemFree, in huge pages).</summary>
    public const string HugepagesRequested = "hugepages_requested";

    /// <summary>Metric: nr_hugepages read back.</summary>
    public const string HugepagesAllocated = "hugepages_allocated";

    /// <summary>Metric: 80% of MemFree divided by the huge page memory obtained (the test fails above 3).</summary>
    public const string CompactionIndex = "compaction_index";

    /// <summary>Metric: 1 when the test would pass, else 0.</summary>
    public const string Passed = "passed";

    /// <summary>Metric: locked mappings created.</summary>
    public const string Mappings = "mappings";

    // Hugepagesize in /proc/meminfo, KiB.
    private const long HugepageSizeKb = HugeMemory.HpagePmdNr * (Units.PageSizeBytes / Units.KiB);

    // check_compaction tests with 80% of MemFree ("Else, OOM killer comes in to play").
    private static readonly Percent CheckShare = Percent.FromWhole(80);

    private WorkloadContext? ctx;

    public string Type => config.Type;

    public WorkloadStats Stats { get; } = new();

    public void Start(WorkloadContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        this.ctx = ctx;
        TaskHandle.Spawn(ctx, config.Type, Body);
    }

    private IEnumerable<Wait> Body(TaskHandle self)
    {
        WorkloadContext run = ctx!;
        if (TaskWaits.TrySleepUntil(run.Sim, config.StartNs, out Wait sleep))
        {
            yield return sleep;
        }

        long memFreeKb = run.Alloc.Node.GlobalZonePageState(ZoneStatItem.NrFreePages) * (Units.PageSizeBytes / Units.KiB);
        var maps = new List<AnonVma>();
        yield return Wait.Call(MapLocked(run, maps, config.Fill.Of(memFreeKb) * Units.KiB, self.Task.Pid));

        // "Unmap every other entry in the list": the list is newest first.
        for (int i = maps.Count - 1; i >= 0; i -= 2)
        {
            maps[i].UnmapAll();
        }

        yield return Wait.Call(CheckCompaction(run, memFreeKb));

        // The test exits: its remaining locked mappings go; the huge pages stay in the pool.
        for (int i = maps.Count - 2; i >= 0; i -= 2)
        {
            maps[i].UnmapAll();
        }
    }

    // while (mem_fragmentable_MB > 0) mmap(MAP_SIZE, MAP_LOCKED) and write every page.
    private IEnumerable<Wait> MapLocked(WorkloadContext run, List<AnonVma> maps, long fragmentableBytes, int pid)
    {
        var flags = new AnonVmaFlags(config.Thp, ThpDefrag.Madvise, Locked: true, LongtermPin: false);
        long chunkPages = config.ChunkBytes / Units.PageSizeBytes;
        for (long left = fragmentableBytes; left > 0; left -= config.ChunkBytes)
        {
            var vma = run.Kernel.Mmap(Stats, chunkPages, flags, $"compaction_test:{pid}");
            maps.Add(vma);
            yield return Wait.Call(AnonFill.Touch(run, vma, new TouchPace(run.Sim.Now, config.FaultRate), long.MaxValue, Stats));

            // MAP_LOCKED populates at mmap time: without memory the mmap fails and the loop ends.
            if (vma.FaultOom)
            {
                vma.UnmapAll();
                maps.RemoveAt(maps.Count - 1);
                break;
            }
        }

        Stats.SetMetric(Mappings, maps.Count);
    }

    // check_compaction: ask for huge pages for half of 80% of MemFree and judge what came back.
    private IEnumerable<Wait> CheckCompaction(WorkloadContext run, long memFreeKb)
    {
        long memFree80Kb = CheckShare.Of(memFreeKb);
        long requested = memFree80Kb / HugepageSizeKb / 2;
        yield return Wait.Call(run.Kernel.SetNrHugepages(Stats, requested));
        long got = run.Kernel.Current.Ret;
        long index = got == 0 ? long.MaxValue : memFree80Kb / (got * HugepageSizeKb);
        Stats.SetMetric(HugepagesRequested, requested);
        Stats.SetMetric(HugepagesAllocated, got);
        Stats.SetMetric(CompactionIndex, index);
        Stats.SetMetric(Passed, got > 0 && index <= 3 ? 1 : 0);
    }
}
