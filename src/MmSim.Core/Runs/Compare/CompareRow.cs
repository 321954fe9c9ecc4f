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
    /// <summary>Page size the MiB figures convert with.</summary>
    private const double PageMib = 4096.0 / (1024 * 1024);

    /// <summary>Reads one run's row from its summary. Each metric's definition and denominator: docs/results.md.</summary>
    /// <param name="design">The design it ran under.</param>
    /// <param name="run">Its summary.</param>
    /// <returns>The row.</returns>
    public static CompareRow From(string design, RunSummary run)
    {
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(run);
        IReadOnlyList<StepOutcomeSummary> steps = run.Outcomes?.Steps ?? [];
        (double? cmaPct, double? cmaMs) = StepRate(steps, "cma_alloc");
        (int compactOk, int compactMade) = StepCounts(steps, "compact");
        StepOutcomeSummary? offline = FirstStep(steps, "offline");
        double seconds = run.DurationNs / 1e9;
        return new CompareRow(
            design,
            run.Seed,
            Pct(run.ThpFaultAlloc, run.ThpFaultAlloc + run.ThpFaultFallback),
            Pct(run.CompactSuccess + compactOk, run.CompactStall + compactMade),
            FreeOrder9InZonesThatMatter(run.Zones),
            run.Pageblocks[0],
            Sum(run.MixedBlocks),
            cmaPct,
            cmaMs,
            offline?.Outcome ?? "none",
            offline is null ? null : offline.LatencyNs / 1e6,
            (run.Outcomes?.TempPagesPeak ?? 0) * PageMib,
            seconds > 0 ? WrittenPages(run.Writeback) * PageMib / seconds : 0,
            run.HungTasks.Count,
            run.Deadlocks.Count,
            run.Oom?.Kills ?? 0);
    }

    // ZONE_DMA serves only GFP_DMA and is kept from everything else by lowmem_reserve: its free blocks are the same in
    // every design and would hide the differences, so they are left out.
    private static long FreeOrder9InZonesThatMatter(IReadOnlyList<ZoneSummary> zones)
    {
        long n = 0;
        foreach (ZoneSummary z in zones)
        {
            if (z.Name != "DMA")
            {
                n += z.FreeOrder9Blocks;
            }
        }

        return n;
    }

    // FUSE mounts when the run has any (the thread's question is their throughput), else every mount.
    private static long WrittenPages(IReadOnlyList<WritebackSummary> mounts)
    {
        long fuse = 0, all = 0;
        bool anyFuse = false;
        foreach (WritebackSummary m in mounts)
        {
            all += m.Written;
            if (m.Fuse is not null)
            {
                anyFuse = true;
                fuse += m.Written;
            }
        }

        return anyFuse ? fuse : all;
    }

    private static (double? Pct, double? MeanMs) StepRate(IReadOnlyList<StepOutcomeSummary> steps, string action)
    {
        (int ok, int made) = StepCounts(steps, action);
        if (made == 0)
        {
            return (null, null);
        }

        long ns = 0;
        foreach (StepOutcomeSummary s in steps)
        {
            if (s.Do == action)
            {
                ns += s.LatencyNs;
            }
        }

        return (100.0 * ok / made, ns / 1e6 / made);
    }

    private static (int Ok, int Made) StepCounts(IReadOnlyList<StepOutcomeSummary> steps, string action)
    {
        int ok = 0, made = 0;
        foreach (StepOutcomeSummary s in steps)
        {
            if (s.Do == action)
            {
                made++;
                ok += s.Outcome == "ok" ? 1 : 0;
            }
        }

        return (ok, made);
    }

    private static StepOutcomeSummary? FirstStep(IReadOnlyList<StepOutcomeSummary> steps, string action)
    {
        foreach (StepOutcomeSummary s in steps)
        {
            if (s.Do == action)
            {
                return s;
            }
        }

        return null;
    }

    private static double? Pct(long part, long whole) => whole == 0 ? null : 100.0 * part / whole;

    private static long Sum(IReadOnlyList<long> values)
    {
        long n = 0;
        foreach (long v in values)
        {
            n += v;
        }

        return n;
    }
}
