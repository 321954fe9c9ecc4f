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
        new("huge_pct", "THP fault success %", r => r.HugePct),
        new("compact_success_pct", "compaction success %", r => r.CompactSuccessPct),
        new("free_order9_blocks", "free order-9+ blocks (not DMA)", r => r.FreeOrder9Blocks),
        new("unmovable_blocks", "unmovable pageblocks", r => r.UnmovableBlocks),
        new("mixed_blocks", "mixed pageblocks", r => r.MixedBlocks),
        new("cma_success_pct", "cma_alloc success %", r => r.CmaSuccessPct),
        new("cma_latency_ms", "cma_alloc latency ms", r => r.CmaLatencyMs),
        new("offline_outcome", "offline outcome", null),
        new("offline_latency_ms", "offline latency ms", r => r.OfflineLatencyMs),
        new("temp_pages_peak_mib", "temp pages peak MiB", r => r.TempPagesPeakMib),
        new("writeback_mibps", "writeback MiB/s", r => r.WritebackMibps),
        new("hung_tasks", "hung tasks", r => r.HungTasks),
        new("deadlocks", "deadlocks", r => r.Deadlocks),
        new("oom_kills", "OOM kills", r => r.OomKills),
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
public sealed record CompareMetric(string Column, string Header, Func<CompareRow, double?>? Value)
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
