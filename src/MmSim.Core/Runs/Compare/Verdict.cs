namespace MmSim.Runs.Compare;

/// <summary>One question of the FUSE writeback thread and the answer the numbers give.</summary>
/// <param name="Id">Stable id (<c>cma_offline</c>, <c>fragmentation</c>, <c>memory_cost</c>, <c>throughput_cost</c>, <c>deadlock</c>).</param>
/// <param name="Question">The question, as the thread asked it.</param>
/// <param name="Answer">The answer, one line, computed from the rows; it says when the intervals overlap.</param>
public sealed record Verdict(string Id, string Question, string Answer);

/// <summary>Derives the verdicts from a comparison's numbers, never from text written by hand.</summary>
/// <remarks>
/// Each answer names designs by what the rows say: working or not (every seed), the extreme mean of a metric and the
/// designs whose 95 % intervals overlap it (no clear difference from the extreme), or the designs with any deadlock.
/// With one seed there are no intervals: the answer says so and compares the single values.
/// </remarks>
public static class Verdicts
{
    private static readonly CompareMetric Fragmentation =
        new("unmovable_plus_mixed", "unmovable + mixed pageblocks", r => r.UnmovableBlocks + r.MixedBlocks);

    /// <summary>One verdict per question, in a fixed order.</summary>
    /// <param name="result">The comparison.</param>
    /// <returns>The verdicts.</returns>
    public static IReadOnlyList<Verdict> Derive(CompareResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return
        [
            new("cma_offline", "Which designs keep CMA allocation and memory offlining working under a stalled server?", CmaOffline(result)),
            new("fragmentation", "Which designs fragment least (unmovable and mixed pageblocks at the end)?",
                Extreme(result, Fragmentation, lowest: true, "fragments least", "fragment least", "pageblocks")),
            new("memory_cost", "Which designs cost most memory (FUSE temp pages at their peak)?",
                Costs(result, CompareMetrics.Get("temp_pages_peak_mib"), lowest: false, "costs most memory", "cost most memory", "MiB of temp pages", "no design used temp pages")),
            new("throughput_cost", "Which designs cost most writeback throughput?",
                Costs(result, CompareMetrics.Get("writeback_mibps"), lowest: true, "writes back slowest", "write back slowest", "MiB/s", "no design wrote anything back")),
            new("deadlock", "Which designs can deadlock or leave tasks hung?", Deadlock(result)),
        ];
    }

    // Working: every run that made a cma_alloc got it (100 %) and every offline returned ok. A design whose runs had
    // neither step says nothing.
    private static string CmaOffline(CompareResult result)
    {
        var working = new List<string>();
        var broken = new List<string>();
        bool any = false;
        foreach (string d in result.Designs)
        {
            List<CompareRow> runs = RowsOf(result, d);
            bool hasCma = runs.Any(r => r.CmaSuccessPct is not null);
            bool hasOffline = runs.Any(r => r.OfflineOutcome != "none");
            if (!hasCma && !hasOffline)
            {
                continue;
            }

            any = true;
            var faults = new List<string>();
            int cmaFailed = runs.Count(r => r.CmaSuccessPct is double p && p < 100);
            if (cmaFailed > 0)
            {
                faults.Add($"cma_alloc failed in {cmaFailed}/{runs.Count} runs");
            }

            var offline = runs.Where(r => r.OfflineOutcome is not ("ok" or "none")).GroupBy(r => r.OfflineOutcome)
                .OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}/{runs.Count}").ToList();
            if (offline.Count > 0)
            {
                faults.Add($"offline {string.Join(", ", offline)}");
            }

            if (faults.Count == 0)
            {
                working.Add(d);
            }
            else
            {
                broken.Add($"{d} ({string.Join("; ", faults)})");
            }
        }

        if (!any)
        {
            return "no run made a cma_alloc or an offline: the scenario does not ask this question";
        }

        string yes = working.Count > 0 ? $"working in every run: {string.Join(", ", working)}" : "no design kept both working";
        return broken.Count > 0 ? $"{yes}; not working: {string.Join(", ", broken)}" : yes;
    }

    private static string Costs(CompareResult result, CompareMetric metric, bool lowest, string verbOne, string verbMany, string unit, string whenAllZero)
    {
        bool allZero = result.Rows.All(r => metric.Value!(r) is null or 0);
        return allZero ? $"{whenAllZero} ({metric.Column} is 0 in every run)" : Extreme(result, metric, lowest, verbOne, verbMany, unit);
    }

    // The design with the lowest (or highest) mean, and which others are indistinguishable from it: their 95 % intervals
    // overlap its interval. With one seed there are no intervals, and only equal values tie.
    private static string Extreme(CompareResult result, CompareMetric metric, bool lowest, string verbOne, string verbMany, string unit)
    {
        var stats = new List<(string Design, SeedStats S)>();
        foreach (string d in result.Designs)
        {
            if (metric.Over(RowsOf(result, d)) is SeedStats s)
            {
                stats.Add((d, s));
            }
        }

        if (stats.Count == 0)
        {
            return $"nothing to compare: no run had a value for {metric.Column}";
        }

        (string best, SeedStats bs) = stats[0];
        foreach ((string d, SeedStats s) in stats)
        {
            if (lowest ? s.Mean < bs.Mean : s.Mean > bs.Mean)
            {
                (best, bs) = (d, s);
            }
        }

        var ties = stats.Where(x => x.Design != best && x.S.Overlaps(bs)).Select(x => x.Design).ToList();
        string value = $"{CompareTable.Cell(bs)} {unit}";
        bool intervals = bs.HalfWidth is not null;
        if (ties.Count == 0)
        {
            return intervals
                ? $"{best} {verbOne} ({value}); its 95 % interval overlaps no other design's"
                : $"{best} {verbOne} ({value}; one seed, no intervals)";
        }

        if (ties.Count == stats.Count - 1 && intervals)
        {
            return $"no clear difference: the 95 % intervals of all {stats.Count} designs overlap ({best} has the extreme mean, {value})";
        }

        string group = string.Join(", ", ties.Prepend(best));
        return intervals
            ? $"{group} {verbMany}: {best} has the extreme mean ({value}) but the 95 % intervals of {string.Join(", ", ties)} overlap it"
            : $"{group} {verbMany}, with equal values ({value}; one seed, no intervals)";
    }

    private static string Deadlock(CompareResult result)
    {
        var dead = new List<string>();
        var hung = new List<string>();
        foreach (string d in result.Designs)
        {
            List<CompareRow> runs = RowsOf(result, d);
            int withDeadlock = runs.Count(r => r.Deadlocks > 0);
            int withHung = runs.Count(r => r.HungTasks > 0);
            if (withDeadlock > 0)
            {
                dead.Add($"{d} ({withDeadlock}/{runs.Count} runs)");
            }
            else if (withHung > 0)
            {
                hung.Add($"{d} ({withHung}/{runs.Count} runs)");
            }
        }

        string first = dead.Count > 0 ? $"deadlocked: {string.Join(", ", dead)}" : $"no design deadlocked in {result.Rows.Count} runs of this scenario";
        string second = hung.Count > 0 ? $"; hung tasks but no cycle: {string.Join(", ", hung)}" : "; no other design left a task hung";
        return first + second;
    }

    private static List<CompareRow> RowsOf(CompareResult result, string design) => [.. result.Rows.Where(r => r.Design == design)];
}
