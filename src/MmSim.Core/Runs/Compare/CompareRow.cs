namespace MmSim.Runs.Compare;

/// <summary>
/// One run of a comparison: the numbers <c>compare.csv</c> and <c>compare.parquet</c> hold per design and seed,
/// one property per column, in column order (snake_case names in <see cref="CompareColumns"/>). Scripts depend on
/// these columns: add new ones at the end, never rename or reorder. Every column and its denominator is documented
/// in docs/results.md. A null value is a metric with nothing to count in that run (a percentage whose denominator is
/// 0, a latency of a step the scenario does not have): empty in the CSV, null in Parquet, "n/a" in tables.
/// </summary>
/// <param name="Design">The design's name (<c>mmsim designs</c>).</param>
/// <param name="Seed">The run's seed.</param>
/// <param name="HugePct">THP fault success: thp_fault_alloc / (thp_fault_alloc + thp_fault_fallback), %.</param>
/// <param name="CompactSuccessPct">Compaction success rate, % (denominator in docs/results.md).</param>
/// <param name="FreeOrder9Blocks">Free order-9+ blocks, in order-9 units, in the zones that matter (docs/results.md).</param>
/// <param name="UnmovableBlocks">Pageblocks whose migratetype is MIGRATE_UNMOVABLE at the end.</param>
/// <param name="MixedBlocks">Pageblocks holding pages of another mobility than their own, at the end.</param>
/// <param name="CmaSuccessPct">cma_alloc calls that succeeded, % of those made.</param>
/// <param name="CmaLatencyMs">Mean cma_alloc latency, ms (to the end of the run for one that never returned).</param>
/// <param name="OfflineOutcome"><c>ok</c>, <c>ebusy</c>, <c>hung</c>, <c>retrying</c>, <c>interrupted</c> or <c>none</c>.</param>
/// <param name="OfflineLatencyMs">Offline latency, ms (to the end of the run while still running).</param>
/// <param name="TempPagesPeakMib">Peak memory in FUSE temp pages, MiB.</param>
/// <param name="WritebackMibps">Writeback throughput, MiB per simulated second.</param>
/// <param name="HungTasks">Hung-task reports (khungtaskd).</param>
/// <param name="Deadlocks">Wait-for cycles found.</param>
/// <param name="OomKills">OOM kills.</param>
public sealed record CompareRow(
    string Design,
    ulong Seed,
    double? HugePct,
    double? CompactSuccessPct,
    long FreeOrder9Blocks,
    long UnmovableBlocks,
    long MixedBlocks,
    double? CmaSuccessPct,
    double? CmaLatencyMs,
    string OfflineOutcome,
    double? OfflineLatencyMs,
    double TempPagesPeakMib,
    double WritebackMibps,
    long HungTasks,
    long Deadlocks,
    long OomKills)
{
    /// <summary>Reads one run's row from its summary.</summary>
    /// <param name="design">The design it ran under.</param>
    /// <param name="run">Its summary.</param>
    /// <returns>The row.</returns>
    public static CompareRow From(string design, RunSummary run) =>
        throw new NotImplementedException("issue 10: CompareRow.From (compare part)");
}
