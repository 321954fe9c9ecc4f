namespace MmSim.Runs.Compare;

/// <summary>The stable columns of <c>compare.csv</c>/<c>compare.parquet</c>, in order, with the header and unit the
/// table prints. The first two (<c>design</c>, <c>seed</c>) identify the run; the rest are metrics.</summary>
public static class CompareColumns
{
    /// <summary>The column names, in file order (snake_case; scripts depend on them).</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "design", "seed", "huge_pct", "compact_success_pct", "free_order9_blocks", "unmovable_blocks", "mixed_blocks",
        "cma_success_pct", "cma_latency_ms", "offline_outcome", "offline_latency_ms", "temp_pages_peak_mib",
        "writeback_mibps", "hung_tasks", "deadlocks", "oom_kills",
    ];
}
