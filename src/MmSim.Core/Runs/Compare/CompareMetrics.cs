namespace MmSim.Runs.Compare;

/// <summary>
/// The numeric metrics of a comparison, in <see cref="CompareColumns"/> order (the categorical
/// <c>offline_outcome</c> is among them with a null getter): each with the header the table prints and how to read it
/// from a row. docs/results.md says what each counts and its denominator.
/// </summary>
public static class CompareMetrics
{
    /// <summary>The metrics, in column order (every column after <c>design</c> and <c>seed</c>).</summary>
    public static IReadOnlyList<CompareMetric> All { get; } =
    [
        new("huge_pct", "THP fault success %", r => r.HugePct,
            "THP faults that got a huge page, % of THP faults: thp_fault_alloc / (thp_fault_alloc + thp_fault_fallback); empty with no THP fault."),
        new("compact_success_pct", "compaction success %", r => r.CompactSuccessPct,
            "Compaction runs that reached their goal (direct compactions that made the allocation possible, compact_success, plus scripted compact steps that returned), % of compact_stall + compact steps made; empty when neither happened. kcompactd's background runs are not counted (the kernel has no success counter for them)."),
        new("free_order9_blocks", "free order-9+ blocks (not DMA)", r => r.FreeOrder9Blocks,
            "Free blocks of order ≥ 9 (pageblock order) at the end, counted in pageblocks, in every zone but ZONE_DMA (only GFP_DMA allocations use it, so its few free blocks are the same in every design)."),
        new("unmovable_blocks", "unmovable pageblocks", r => r.UnmovableBlocks,
            "Pageblocks whose migratetype is MIGRATE_UNMOVABLE at the end (/proc/pagetypeinfo's \"Number of blocks type\")."),
        new("mixed_blocks", "mixed pageblocks", r => r.MixedBlocks,
            "Pageblocks of any type holding an allocation of another mobility at the end (page_owner's \"Number of mixed blocks\", summed over types)."),
        new("cma_success_pct", "cma_alloc success %", r => r.CmaSuccessPct,
            "Scripted cma_alloc steps that returned the pages, % of cma_alloc steps made; empty without any. A cma_alloc still sleeping at the end counts as not successful."),
        new("cma_latency_ms", "cma_alloc latency ms", r => r.CmaLatencyMs,
            "Mean time from a cma_alloc step's start to its return (to the end of the run for one that never returned), ms of simulated time; empty without any."),
        new("offline_outcome", "offline outcome", null,
            "How the first scripted offline step ended: ok, ebusy, hung (in D without a bound at the end), retrying (still looping, or in a bounded wait), interrupted (-EINTR), timeout, or none (no offline step)."),
        new("offline_latency_ms", "offline latency ms", r => r.OfflineLatencyMs,
            "Time from that offline step's start to its return, or to the end of the run while it still runs, ms of simulated time; empty without an offline step."),
        new("temp_pages_peak_mib", "temp pages peak MiB", r => r.TempPagesPeakMib,
            "The most FUSE temp pages (NR_WRITEBACK_TEMP; the pool's pages for temp-pages-pool) in flight at once, summed over mounts, MiB; 0 for the designs without temp pages."),
        new("writeback_mibps", "writeback MiB/s", r => r.WritebackMibps,
            "Pages written back (WB_WRITTEN) on the FUSE mounts, or on every mount when the scenario has none, MiB per second of simulated run time."),
        new("hung_tasks", "hung tasks", r => r.HungTasks,
            "Hung-task reports khungtaskd printed (a task in D longer than hung_task_timeout_secs; one report per task and stretch)."),
        new("deadlocks", "deadlocks", r => r.Deadlocks,
            "Wait-for cycles the deadlock detector found (every member waits on the next; none can wake)."),
        new("oom_kills", "OOM kills", r => r.OomKills,
            "Processes the OOM killer killed (oom_kill)."),
    ];

    /// <summary>What every column of <see cref="CompareColumns.Names"/> counts, in column order, with the denominator of
    /// every percentage: the report prints these; docs/results.md says the same at length.</summary>
    public static IReadOnlyList<(string Column, string Meaning)> Definitions { get; } =
    [
        ("design", "The design's name (mmsim designs)."),
        ("seed", "The run's seed; the same scenario and seed give byte-identical results."),
        .. All.Select(m => (m.Column, m.Meaning)),
    ];

    /// <summary>The metric with this column name.</summary>
    /// <param name="column">A column of <see cref="CompareColumns.Names"/>.</param>
    /// <returns>The metric.</returns>
    public static CompareMetric Get(string column)
    {
        foreach (CompareMetric m in All)
        {
            if (m.Column == column)
            {
                return m;
            }
        }

        throw new ArgumentException($"no compare metric '{column}'", nameof(column));
    }
}

/// <summary>One metric.</summary>
/// <param name="Column">Its column name.</param>
/// <param name="Header">What the table prints.</param>
/// <param name="Value">Its value in a row (null: nothing to count in that run); null for a categorical column.</param>
/// <param name="Meaning">What it counts, one line, with the denominator of a percentage.</param>
public sealed record CompareMetric(string Column, string Header, Func<CompareRow, double?>? Value, string Meaning = "")
{
    /// <summary>The metric over the seeds of one design: the runs that had something to count.</summary>
    /// <param name="rows">The design's rows.</param>
    /// <returns>Mean and 95 % interval, or null when no run had a value.</returns>
    public SeedStats? Over(IEnumerable<CompareRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (Value is null)
        {
            return null;
        }

        var values = new List<double>();
        int runs = 0;
        foreach (CompareRow r in rows)
        {
            runs++;
            if (Value(r) is double v)
            {
                values.Add(v);
            }
        }

        if (values.Count == 0)
        {
            return null;
        }

        (double mean, double half) = Stats.MeanAndInterval95(values);
        return new SeedStats(mean, values.Count > 1 ? half : null, values.Count, runs);
    }
}

/// <summary>A metric over seeds.</summary>
/// <param name="Mean">The mean.</param>
/// <param name="HalfWidth">Half-width of the t-based 95 % interval; null with one value (no interval).</param>
/// <param name="N">Runs that had a value.</param>
/// <param name="Runs">Runs in all.</param>
public sealed record SeedStats(double Mean, double? HalfWidth, int N, int Runs)
{
    /// <summary>Lower end of the interval (the mean without one).</summary>
    public double Low => Mean - (HalfWidth ?? 0);

    /// <summary>Upper end of the interval (the mean without one).</summary>
    public double High => Mean + (HalfWidth ?? 0);

    /// <summary>Whether the two intervals overlap (a single value is a point; two points overlap only when equal).</summary>
    /// <param name="other">The other.</param>
    /// <returns>True when they overlap.</returns>
    public bool Overlaps(SeedStats other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Low <= other.High && other.Low <= High;
    }
}
