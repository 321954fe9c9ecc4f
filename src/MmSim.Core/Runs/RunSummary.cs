using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;
using MmSim.Mm.Vmstat;
using MmSim.Sim;
using MmSim.Workloads;

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

    /// <summary>thp_fault_alloc: THP faults that got a huge page.</summary>
    public required long ThpFaultAlloc { get; init; }

    /// <summary>thp_fault_fallback: THP faults that fell back to base pages.</summary>
    public required long ThpFaultFallback { get; init; }

    /// <summary>compact_stall: direct compaction runs (vmstat).</summary>
    public long CompactStall { get; init; }

    /// <summary>compact_success: direct compaction runs that made the allocation possible (vmstat).</summary>
    public long CompactSuccess { get; init; }

    /// <summary>compact_fail: direct compaction runs that did not (vmstat).</summary>
    public long CompactFail { get; init; }

    /// <summary>Workload outcomes in scenario order.</summary>
    public required IReadOnlyList<WorkloadSummary> Workloads { get; init; }

    /// <summary>Invariant checks run (0 unless --check).</summary>
    public required long InvariantChecks { get; init; }

    /// <summary>Simulated time the engine ran, ns (0 when the scenario has no timed workload).</summary>
    public required long DurationNs { get; init; }

    /// <summary>Time-series samples taken (rows per zone in timeseries.parquet).</summary>
    public required int TimeSeriesSamples { get; init; }

    /// <summary>Hung tasks khungtaskd reported, in the order found (empty for untimed runs).</summary>
    public required IReadOnlyList<HungTaskSummary> HungTasks { get; init; }

    /// <summary>Wait-for cycles the deadlock detector found, in the order found.</summary>
    public required IReadOnlyList<DeadlockSummary> Deadlocks { get; init; }

    /// <summary>The kernel daemons' counters; null when the scenario has no timed workload.</summary>
    public required DaemonSummary? Daemons { get; init; }

    /// <summary>memcg: each cgroup's usage, limits, events and main statistics; null (not written) without cgroups.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<CgroupSummary>? Cgroups { get; init; }

    /// <summary>What the OOM killer did (anon, issue 8); absent when it never ran.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public OomSummary? Oom { get; init; }

    /// <summary>Per mount: writeback counters and how long folios stayed under writeback (writeback, issue 8).</summary>
    public IReadOnlyList<WritebackSummary> Writeback { get; init; } = [];

    /// <summary>Outcomes, named (issue 9): hung tasks by role, deadlocks by kind, each step's outcome, the designs' timeouts
    /// and cancels, the FUSE connections; null (not written) for a run without a timed phase.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public OutcomesSummary? Outcomes { get; init; }

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
            long nowNs = runner.Timed?.DurationNs ?? 0;
            wl.Add(new WorkloadSummary(w.Type, w.Stats.Allocs, w.Stats.AllocFailures, w.Stats.Frees, w.Stats.FreesIgnored, [.. w.Stats.AllocFailuresByOrder],
                [.. w.Stats.Metrics], [.. w.Stats.Outcomes.Select(o => StepSummary.From(o, nowNs))]));
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
            ThpFaultAlloc = node.VmEvents[(int)VmEventItem.ThpFaultAlloc],
            ThpFaultFallback = node.VmEvents[(int)VmEventItem.ThpFaultFallback],
            CompactStall = node.VmEvents[(int)VmEventItem.CompactStall],
            CompactSuccess = node.VmEvents[(int)VmEventItem.CompactSuccess],
            CompactFail = node.VmEvents[(int)VmEventItem.CompactFail],
            Cgroups = runner.Kernel is { } kernel && kernel.Memcg.All.Count > 1 ? CgroupSummary.From(kernel) : null, // memcg
            Workloads = wl,
            InvariantChecks = runner.ChecksRun,
            DurationNs = runner.Timed?.DurationNs ?? 0,
            TimeSeriesSamples = runner.TimeSeries?.Samples ?? 0,
            HungTasks = HungTaskSummary.From(runner.Timed?.Daemons.Khungtaskd.Reports ?? []),
            Deadlocks = DeadlockSummary.From(runner.Timed?.Daemons.Deadlocks.Deadlocks ?? []),
            Daemons = runner.Timed is { } t ? DaemonSummary.From(t.Daemons) : null,
            Oom = runner.Kernel is { } k ? OomSummary.From(k.Oom) : null,
            Writeback = WritebackSummary.From(runner.Kernel),
            Outcomes = runner.Timed is { } timed && runner.Kernel is { } kk // outcomes (issue 9)
                ? OutcomesBuilder.From(kk, timed.Daemons.Khungtaskd.Reports, timed.Daemons.Deadlocks.Deadlocks, [.. workloads.SelectMany(w => w.Stats.Outcomes)], timed.DurationNs)
                : null,
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
        long free9 = 0;
        for (int o = MmConstants.PageblockOrder; o < MmConstants.NrPageOrders; o++)
        {
            free9 += z.NrFree[o] << (o - MmConstants.PageblockOrder);
        }

        return new(z.Name, z.ManagedPages, z.VmStat[(int)ZoneStatItem.NrFreePages], z.Pcp.Count,
            z.Watermark[(int)WatermarkIndex.Min], z.Watermark[(int)WatermarkIndex.Low], z.Watermark[(int)WatermarkIndex.High], z.WatermarkBoost)
        {
            FreeOrder9Blocks = free9,
        };
    }

    /// <summary>Free blocks of order ≥ pageblock_order in this zone, counted in pageblocks (compare, issue 10).</summary>
    public long FreeOrder9Blocks { get; init; }
}

/// <summary>One workload's counters.</summary>
/// <param name="Type">Workload type.</param>
/// <param name="Allocs">Allocation requests.</param>
/// <param name="AllocFailures">Failed requests.</param>
/// <param name="Frees">Frees.</param>
/// <param name="FreesIgnored">Frees of IDs not live.</param>
/// <param name="AllocFailuresByOrder">Failures per order 0..10.</param>
/// <param name="Metrics">Results particular to the workload type, in first-recorded order.</param>
/// <param name="Steps">Outcomes of a <c>steps</c> workload's kernel steps, in script order (empty otherwise).</param>
public sealed record WorkloadSummary(
    string Type,
    long Allocs,
    long AllocFailures,
    long Frees,
    long FreesIgnored,
    IReadOnlyList<long> AllocFailuresByOrder,
    IReadOnlyList<WorkloadMetric> Metrics,
    IReadOnlyList<StepSummary> Steps);

/// <summary>One scripted step's outcome at the end of the run.</summary>
/// <param name="Index">Position in the script (0-based).</param>
/// <param name="AtNs">When it started.</param>
/// <param name="Do">The action.</param>
/// <param name="Id">Its id, or null.</param>
/// <param name="Outcome">ok, failed, running; offline: ok, ebusy, hung, retrying, interrupted, timeout.</param>
/// <param name="Reason">The kernel's reason on failure, or empty.</param>
/// <param name="LatencyNs">Simulated time from start to return, or to the end of the run if it had not returned.</param>
/// <param name="Value">What it got (first PFN, pool size, folios), or 0.</param>
public sealed record StepSummary(int Index, long AtNs, string Do, string? Id, string Outcome, string Reason, long LatencyNs, long Value)
{
    /// <summary>Reads an outcome at the end of the run.</summary>
    /// <param name="o">The outcome.</param>
    /// <param name="nowNs">The end of the run.</param>
    /// <returns>Its summary.</returns>
    public static StepSummary From(StepOutcome o, long nowNs)
    {
        ArgumentNullException.ThrowIfNull(o);
        (string result, string reason, long latency) = o.At(nowNs);
        return new(o.Index, o.AtNs, o.Action, o.Id, result, reason, latency, o.Value);
    }
}

/// <summary>One hung-task report of khungtaskd.</summary>
/// <param name="TimeNs">When the check found it.</param>
/// <param name="Task">The task as the kernel names it, <c>comm:pid</c>.</param>
/// <param name="Pid">Its pid.</param>
/// <param name="Comm">Its command name.</param>
/// <param name="BlockedSeconds">Whole seconds it had slept in D state.</param>
/// <param name="WaitSite">The kernel function it sleeps in.</param>
/// <param name="Chain">The wait chain, e.g. <c>writer:5 waits in folio_wait_writeback on … -> …</c>.</param>
/// <param name="Printed">False once hung_task_warnings ran out.</param>
/// <param name="Message">The kernel's headline.</param>
public sealed record HungTaskSummary(
    long TimeNs, string Task, int Pid, string Comm, long BlockedSeconds, string? WaitSite, string Chain, bool Printed, string Message)
{
    /// <summary>Converts the detector's reports.</summary>
    /// <param name="reports">The reports.</param>
    /// <returns>One summary each, same order.</returns>
    public static IReadOnlyList<HungTaskSummary> From(IReadOnlyList<HungTaskReport> reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var list = new List<HungTaskSummary>(reports.Count);
        foreach (HungTaskReport r in reports)
        {
            list.Add(new HungTaskSummary(
                r.TimeNs, $"{r.Comm}:{r.Pid}", r.Pid, r.Comm, r.BlockedForSeconds, r.Chain.Links[0].WaitSite, r.Chain.Describe(), r.Printed, r.Message));
        }

        return list;
    }
}

/// <summary>One wait-for cycle.</summary>
/// <param name="TimeNs">When the cycle closed.</param>
/// <param name="Pids">The members' pids, ascending.</param>
/// <param name="Tasks">The members as <c>comm:pid</c>, in wait order from the lowest pid.</param>
/// <param name="Cycle">The cycle described with each member's wait site and target.</param>
public sealed record DeadlockSummary(long TimeNs, IReadOnlyList<int> Pids, IReadOnlyList<string> Tasks, string Cycle)
{
    /// <summary>Converts the detector's reports.</summary>
    /// <param name="reports">The reports.</param>
    /// <returns>One summary each, same order.</returns>
    public static IReadOnlyList<DeadlockSummary> From(IReadOnlyList<DeadlockReport> reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var list = new List<DeadlockSummary>(reports.Count);
        foreach (DeadlockReport r in reports)
        {
            var tasks = new List<string>(r.Cycle.Count);
            foreach (WaitChainLink link in r.Cycle)
            {
                tasks.Add(link.TaskName);
            }

            list.Add(new DeadlockSummary(r.TimeNs, r.Pids, tasks, r.Describe()));
        }

        return list;
    }
}

/// <summary>Counters of the kernel daemons at the end of a timed run.</summary>
/// <param name="KswapdWakeups">wakeup_kswapd calls that woke kswapd0.</param>
/// <param name="KswapdFailures">kswapd_failures: balance_pgdat runs in a row that reclaimed nothing.</param>
/// <param name="NodeUnreclaimable">kswapd gave up on the node (failures ≥ MAX_RECLAIM_RETRIES).</param>
/// <param name="KcompactdWakeups">wakeup_kcompactd calls that woke kcompactd0.</param>
/// <param name="KcompactdProactiveRuns">Proactive compaction runs.</param>
/// <param name="VmstatUpdates">vmstat_update runs (pcp high decay).</param>
/// <param name="HungTaskChecks">khungtaskd checks.</param>
/// <param name="HungTaskDetectCount">kernel.hung_task_detect_count.</param>
public sealed record DaemonSummary(
    long KswapdWakeups, int KswapdFailures, bool NodeUnreclaimable, long KcompactdWakeups, long KcompactdProactiveRuns,
    long VmstatUpdates, long HungTaskChecks, long HungTaskDetectCount)
{
    /// <summary>Reads the daemons.</summary>
    /// <param name="d">The daemons.</param>
    /// <returns>The counters.</returns>
    public static DaemonSummary From(KernelDaemons d)
    {
        ArgumentNullException.ThrowIfNull(d);
        return new DaemonSummary(
            d.Kswapd.Wakeups, d.Kswapd.KswapdFailures, d.Kswapd.IsHopeless, d.Kcompactd.Wakeups, d.Kcompactd.ProactiveRuns,
            d.VmstatWorker.Runs, d.Khungtaskd.ChecksRun, d.Khungtaskd.HungTaskDetectCount);
    }
}

/// <summary>The OOM killer's work in a run: kills, the waits for exiting victims, and its kernel log (dmesg) lines.</summary>
/// <param name="Kills">oom_kill: processes killed.</param>
/// <param name="WaitsForVictim">Invocations that found a victim still exiting and killed nobody.</param>
/// <param name="NoKillablePanics">Global OOMs with nothing to kill (the kernel panics there; mmsim fails the allocation).</param>
/// <param name="Log">The kernel log lines, "[seconds] text" as dmesg prints them.</param>
public sealed record OomSummary(long Kills, long WaitsForVictim, long NoKillablePanics, IReadOnlyList<string> Log)
{
    /// <summary>Reads the OOM killer; null when it never wrote a line.</summary>
    /// <param name="oom">The kernel's OOM killer.</param>
    /// <returns>The summary, or null.</returns>
    public static OomSummary? From(Mm.OomKill.OomKiller oom)
    {
        ArgumentNullException.ThrowIfNull(oom);
        if (oom.Log.Count == 0 && oom.WaitsForVictim == 0)
        {
            return null;
        }

        var lines = new List<string>(oom.Log.Count);
        foreach (Mm.OomKill.OomLogLine l in oom.Log)
        {
            lines.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"[{l.TimeNs / 1000 / 1_000_000,5}.{l.TimeNs / 1000 % 1_000_000:D6}] {l.Text}"));
        }

        return new OomSummary(oom.Kills, oom.WaitsForVictim, oom.NoKillablePanics, lines);
    }
}
