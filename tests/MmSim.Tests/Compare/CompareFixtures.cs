using MmSim.Runs;
using MmSim.Runs.Compare;

namespace MmSim.Tests.Compare;

/// <summary>Hand-built summaries and comparisons: every number a test asserts on is set here, nothing comes from a run.</summary>
internal static class CompareFixtures
{
    /// <summary>A summary with nothing in it: no zones, no steps, no THP faults, no writeback.</summary>
    public static RunSummary Empty(ulong seed = 1) => new()
    {
        Scenario = "fixture",
        Seed = seed,
        Release = "6.18",
        Fallback = "v6.15",
        Pcp = true,
        MinFreeKbytes = 0,
        Zones = [],
        Pageblocks = new long[6],
        MixedBlocks = new long[6],
        FreeOrder9Blocks = 0,
        ExtfragEvents = 0,
        ExtfragFragmenting = 0,
        ThpFaultAlloc = 0,
        ThpFaultFallback = 0,
        Workloads = [],
        InvariantChecks = 0,
        DurationNs = 0,
        TimeSeriesSamples = 0,
        HungTasks = [],
        Deadlocks = [],
        Daemons = null,
    };

    /// <summary>A step's outcome.</summary>
    public static StepOutcomeSummary Step(string action, string outcome, long latencyMs) =>
        new(0, action, null, outcome, 0, latencyMs * 1_000_000, string.Empty);

    /// <summary>Outcomes holding these steps and temp-page peak.</summary>
    public static OutcomesSummary Outcomes(long tempPagesPeak, params StepOutcomeSummary[] steps) =>
        new([], [], [], steps, new WaitOutcomes(0, 0, 0, 0, 0, 0), [], tempPagesPeak);

    /// <summary>A mount that wrote <paramref name="pages"/> pages; FUSE when <paramref name="fuse"/>.</summary>
    public static WritebackSummary Mount(string name, long pages, bool fuse) =>
        new(name, string.Empty, pages, pages, 0, 0, 0, 0, 0, 0, [], fuse ? new FuseSummary(0, 0, 0, 0, 0, 0, 0, true) : null);

    /// <summary>A row with the metrics the verdicts read; everything else zero.</summary>
    public static CompareRow Row(
        string design, ulong seed, double? cma = 100, string offline = "ok", long unmovable = 0, long mixed = 0,
        double tempMib = 0, double mibps = 10, long hung = 0, long deadlocks = 0) =>
        new(design, seed, 100, 100, 10, unmovable, mixed, cma, cma is null ? null : 5, offline, offline == "none" ? null : 20, tempMib, mibps, hung, deadlocks, 0);

    /// <summary>A comparison of these rows (designs in first-seen order, seeds 1..n).</summary>
    public static CompareResult Result(params CompareRow[] rows)
    {
        var designs = rows.Select(r => r.Design).Distinct().ToList();
        var seeds = rows.Select(r => r.Seed).Distinct().Order().ToList();
        return new CompareResult("fixture", "fixture.yaml", "name: fixture\n", "mmsim compare fixture.yaml", designs, seeds, rows);
    }
}
