using MmSim.Mm;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Vmstat;

namespace MmSim.Runs;

/// <summary>The numbers a run reports, in kernel units (pages, pageblocks) — simulated quantities only.</summary>
public sealed record RunSummary
{
    /// <summary>Scenario name.</summary>
    public required string Scenario { get; init; }

    /// <summary>Seed of this run.</summary>
    public required ulong Seed { get; init; }

    /// <summary>Kernel release modelled.</summary>
    public required string Release { get; init; }

    /// <summary>Fallback algorithm ("v6.15" or "v6.12").</summary>
    public required string Fallback { get; init; }

    /// <summary>Per-cpu lists on.</summary>
    public required bool Pcp { get; init; }

    /// <summary>vm.min_free_kbytes in force.</summary>
    public required long MinFreeKbytes { get; init; }

    /// <summary>Per populated zone: managed, free and watermarks.</summary>
    public required IReadOnlyList<ZoneSummary> Zones { get; init; }

    /// <summary>Pageblocks per migratetype (Unmovable, Movable, Reclaimable, HighAtomic, CMA, Isolate), all zones.</summary>
    public required IReadOnlyList<long> Pageblocks { get; init; }

    /// <summary>Mixed pageblocks per migratetype (page_owner's rule), all zones.</summary>
    public required IReadOnlyList<long> MixedBlocks { get; init; }

    /// <summary>Free blocks of order ≥ pageblock_order, counted in pageblocks.</summary>
    public required long FreeOrder9Blocks { get; init; }

    /// <summary>mm_page_alloc_extfrag events.</summary>
    public required long ExtfragEvents { get; init; }

    /// <summary>Of those, fallbacks below pageblock order (fragmenting=1).</summary>
    public required long ExtfragFragmenting { get; init; }

    /// <summary>Workload outcomes in scenario order.</summary>
    public required IReadOnlyList<WorkloadSummary> Workloads { get; init; }

    /// <summary>Invariant checks run (0 unless --check).</summary>
    public required long InvariantChecks { get; init; }

    /// <summary>Builds the summary from a finished run.</summary>
    /// <param name="scenario">Scenario name.</param>
    /// <param name="runner">The finished runner.</param>
    /// <param name="release">Kernel release.</param>
    /// <param name="workloads">Workload results.</param>
    /// <returns>The summary.</returns>
    public static RunSummary From(string scenario, ScenarioRunner runner, string release, IReadOnlyList<WorkloadResult> workloads)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(workloads);
        PageAllocator a = runner.Allocator ?? throw new InvalidOperationException("the run has not started");
        PgData node = a.Node;
        var zones = new List<ZoneSummary>();
        var blocks = new long[MigrateTypes.Count];
        var mixed = new long[MigrateTypes.Count];
        long free9 = 0;
        Span<long> tmp = stackalloc long[MigrateTypes.Count];
        foreach (Zone z in node.Zones)
        {
            if (!z.IsPopulated)
            {
                continue;
            }

            zones.Add(ZoneSummary.From(z));
            tmp.Clear();
            ProcPagetypeinfo.BlockCounts(node, z, tmp);
            Add(blocks, tmp);
            tmp.Clear();
            PageOwnerMixedCount.MixedBlockCounts(node, z, tmp);
            Add(mixed, tmp);
            for (int o = MmConstants.PageblockOrder; o < MmConstants.NrPageOrders; o++)
            {
                free9 += z.NrFree[o] << (o - MmConstants.PageblockOrder);
            }
        }

        var wl = new List<WorkloadSummary>();
        foreach (WorkloadResult w in workloads)
        {
            wl.Add(new WorkloadSummary(w.Type, w.Stats.Allocs, w.Stats.AllocFailures, w.Stats.Frees, w.Stats.FreesIgnored, [.. w.Stats.AllocFailuresByOrder]));
        }

        return new RunSummary
        {
            Scenario = scenario,
            Seed = runner.Seed,
            Release = release,
            Fallback = a.Options.Fallback == FallbackAlgorithm.V6_12 ? "v6.12" : "v6.15",
            Pcp = a.Options.PcpEnabled,
            MinFreeKbytes = a.MinFreeKbytes,
            Zones = zones,
            Pageblocks = blocks,
            MixedBlocks = mixed,
            FreeOrder9Blocks = free9,
            ExtfragEvents = a.ExtfragEvents,
            ExtfragFragmenting = a.ExtfragFragmenting,
            Workloads = wl,
            InvariantChecks = runner.ChecksRun,
        };
    }

    private static void Add(long[] sum, ReadOnlySpan<long> part)
    {
        for (int i = 0; i < sum.Length; i++)
        {
            sum[i] += part[i];
        }
    }
}

/// <summary>One zone at the end of a run.</summary>
/// <param name="Name">Zone name.</param>
/// <param name="Managed">managed_pages.</param>
/// <param name="Free">NR_FREE_PAGES (buddy; pcp pages excluded, as in the kernel).</param>
/// <param name="PcpCount">Pages on the per-cpu lists.</param>
/// <param name="Min">WMARK_MIN.</param>
/// <param name="Low">WMARK_LOW.</param>
/// <param name="High">WMARK_HIGH.</param>
/// <param name="Boost">watermark_boost.</param>
public sealed record ZoneSummary(string Name, long Managed, long Free, long PcpCount, long Min, long Low, long High, long Boost)
{
    /// <summary>Reads a zone.</summary>
    /// <param name="z">The zone.</param>
    /// <returns>Its summary.</returns>
    public static ZoneSummary From(Zone z)
    {
        ArgumentNullException.ThrowIfNull(z);
        return new(z.Name, z.ManagedPages, z.Stat[(int)VmStatItem.NrFreePages], z.Pcp.Count,
            z.Watermark[(int)WatermarkIndex.Min], z.Watermark[(int)WatermarkIndex.Low], z.Watermark[(int)WatermarkIndex.High], z.WatermarkBoost);
    }
}

/// <summary>One workload's counters.</summary>
/// <param name="Type">Workload type.</param>
/// <param name="Allocs">Allocation requests.</param>
/// <param name="AllocFailures">Failed requests.</param>
/// <param name="Frees">Frees.</param>
/// <param name="FreesIgnored">Frees of IDs not live.</param>
/// <param name="AllocFailuresByOrder">Failures per order 0..10.</param>
public sealed record WorkloadSummary(string Type, long Allocs, long AllocFailures, long Frees, long FreesIgnored, IReadOnlyList<long> AllocFailuresByOrder);
