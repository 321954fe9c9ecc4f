using MmSim.Runs.Compare;

namespace MmSim.Report;

/// <summary>
/// What each column of the comparison counts, one line each, so the report explains its numbers when it is read
/// alone. The lines are docs/results.md's column table ("mmsim compare: the comparison folder"), shortened; keep the
/// two in step. A test fails when a column of <see cref="CompareColumns.Names"/> has no line here.
/// </summary>
internal static class MetricDefinitions
{
    /// <summary>Column name → what it counts, including the denominator of every percentage.</summary>
    public static IReadOnlyList<(string Column, string Meaning)> All { get; } =
    [
        ("design", "The design's name (mmsim designs)."),
        ("seed", "The run's seed; the same scenario and seed give byte-identical results."),
        ("huge_pct", "THP faults that got a huge page, % of THP faults: thp_fault_alloc / (thp_fault_alloc + thp_fault_fallback); empty with no THP fault."),
        ("compact_success_pct", "Compaction runs that reached their goal (direct compactions that made the allocation possible, compact_success, plus scripted compact steps that returned), % of compact_stall + compact steps made; empty when neither happened. kcompactd's background runs are not counted (the kernel has no success counter for them)."),
        ("free_order9_blocks", "Free blocks of order ≥ 9 (pageblock order) at the end, counted in pageblocks, in every zone but ZONE_DMA (only GFP_DMA allocations use it, so its few free blocks are the same in every design)."),
        ("unmovable_blocks", "Pageblocks whose migratetype is MIGRATE_UNMOVABLE at the end (/proc/pagetypeinfo's \"Number of blocks type\")."),
        ("mixed_blocks", "Pageblocks of any type holding an allocation of another mobility at the end (page_owner's \"Number of mixed blocks\", summed over types)."),
        ("cma_success_pct", "Scripted cma_alloc steps that returned the pages, % of cma_alloc steps made; empty without any. A cma_alloc still sleeping at the end counts as not successful."),
        ("cma_latency_ms", "Mean time from a cma_alloc step's start to its return (to the end of the run for one that never returned), ms of simulated time; empty without any."),
        ("offline_outcome", "How the first scripted offline step ended: ok, ebusy, hung (in D without a bound at the end), retrying (still looping, or in a bounded wait), interrupted (-EINTR), timeout, or none (no offline step)."),
        ("offline_latency_ms", "Time from that offline step's start to its return, or to the end of the run while it still runs, ms of simulated time; empty without an offline step."),
        ("temp_pages_peak_mib", "The most FUSE temp pages (NR_WRITEBACK_TEMP; the pool's pages for temp-pages-pool) in flight at once, summed over mounts, MiB; 0 for the designs without temp pages."),
        ("writeback_mibps", "Pages written back (WB_WRITTEN) on the FUSE mounts, or on every mount when the scenario has none, MiB per second of simulated run time."),
        ("hung_tasks", "Hung-task reports khungtaskd printed (a task in D longer than hung_task_timeout_secs; one report per task and stretch)."),
        ("deadlocks", "Wait-for cycles the deadlock detector found (every member waits on the next; none can wake)."),
        ("oom_kills", "Processes the OOM killer killed (oom_kill)."),
    ];

    /// <summary>The meaning of <paramref name="column"/>, or null when it has none here.</summary>
    /// <param name="column">A column name.</param>
    /// <returns>The line, or null.</returns>
    public static string? Of(string column)
    {
        foreach ((string c, string meaning) in All)
        {
            if (c == column)
            {
                return meaning;
            }
        }

        return null;
    }
}
