using MmSim.Runs.Compare;

namespace MmSim.Report;

/// <summary>
/// What each column of the comparison counts, one line each, so the report explains its numbers when it is read
/// alone (docs/results.md has the full text). The lines follow <see cref="CompareRow"/>'s documentation; a test fails
/// when a column of <see cref="CompareColumns.Names"/> has no line here.
/// </summary>
internal static class MetricDefinitions
{
    /// <summary>Column name → what it counts, including the denominator of every percentage.</summary>
    public static IReadOnlyList<(string Column, string Meaning)> All { get; } =
    [
        ("design", "The writeback design the run used (mmsim designs lists them)."),
        ("seed", "The run's seed; the same scenario and seed give byte-identical results."),
        ("huge_pct", "THP fault success, %: thp_fault_alloc / (thp_fault_alloc + thp_fault_fallback). n/a when no THP fault was taken."),
        ("compact_success_pct", "Compaction success rate, %; docs/results.md gives its denominator. n/a when nothing was counted."),
        ("free_order9_blocks", "Free blocks of order 9 and above, counted in order-9 units, in the zones that matter for THP and CMA (docs/results.md names them), at the end of the run."),
        ("unmovable_blocks", "Pageblocks whose migratetype is MIGRATE_UNMOVABLE at the end (pagetypeinfo's \"Number of blocks type\")."),
        ("mixed_blocks", "Pageblocks holding pages of another mobility than their own at the end (page_owner's \"Number of mixed blocks\")."),
        ("cma_success_pct", "cma_alloc calls that succeeded, % of the cma_alloc calls made. n/a when the scenario makes none."),
        ("cma_latency_ms", "Mean cma_alloc latency in simulated ms; a call that never returned counts to the end of the run."),
        ("offline_outcome", "How memory offlining ended: ok, ebusy, hung, retrying, interrupted, or none when the scenario does not offline."),
        ("offline_latency_ms", "Offline latency in simulated ms, to the end of the run while it is still running."),
        ("temp_pages_peak_mib", "Peak memory held in FUSE writeback temp pages, MiB."),
        ("writeback_mibps", "Writeback throughput: MiB written back per simulated second."),
        ("hung_tasks", "Hung-task reports by khungtaskd (tasks in D state longer than hung_task_timeout_secs)."),
        ("deadlocks", "Wait-for cycles found among tasks (a deadlock the run cannot leave)."),
        ("oom_kills", "Tasks killed by the OOM killer."),
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
