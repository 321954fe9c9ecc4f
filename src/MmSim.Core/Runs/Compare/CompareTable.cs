using System.Globalization;

namespace MmSim.Runs.Compare;

/// <summary>
/// The comparison as a table of text: one row per metric, one column per design, each cell the mean and 95 %
/// interval over seeds ("n/a" for one seed or nothing to count). The console, <c>mmsim show</c> and the HTML report
/// print this same table.
/// </summary>
/// <param name="Title">One line: scenario, designs × seeds, what the cells are.</param>
/// <param name="Designs">Column headers after the metric column.</param>
/// <param name="Rows">One per metric, in <see cref="CompareColumns"/> order.</param>
public sealed record CompareTable(string Title, IReadOnlyList<string> Designs, IReadOnlyList<CompareTableRow> Rows)
{
    /// <summary>Builds the table.</summary>
    /// <param name="result">The comparison.</param>
    /// <returns>The table.</returns>
    public static CompareTable Build(CompareResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var rows = new List<CompareTableRow>();
        foreach (CompareMetric m in CompareMetrics.All)
        {
            var cells = new List<string>(result.Designs.Count);
            foreach (string d in result.Designs)
            {
                IEnumerable<CompareRow> runs = result.Rows.Where(r => r.Design == d);
                cells.Add(m.Value is null ? Outcomes(runs) : Cell(m.Over(runs)));
            }

            rows.Add(new CompareTableRow(m.Column, m.Header, cells));
        }

        string title = $"{result.Scenario}: {result.Designs.Count} designs × {result.Seeds.Count} seeds " +
            "(mean ± 95 % t interval over seeds; n/a: one seed, or nothing to count)" +
            (result.InterruptedNote is string note ? $"; {note}" : string.Empty);
        return new CompareTable(title, result.Designs, rows);
    }

    /// <summary>One numeric cell: <c>mean ± half</c>, <c>mean ± n/a</c> for one value, <c>n/a</c> for none, and
    /// <c>(k/n)</c> when only k of the n runs had something to count.</summary>
    /// <param name="s">The statistics, or null.</param>
    /// <returns>The cell text.</returns>
    public static string Cell(SeedStats? s)
    {
        if (s is null)
        {
            return "n/a";
        }

        string half = s.HalfWidth is double h ? Number(h) : "n/a";
        string cell = $"{Number(s.Mean)} ± {half}";
        return s.N < s.Runs ? $"{cell} ({s.N}/{s.Runs})" : cell;
    }

    /// <summary>A number as the table prints it: three significant digits, at most two decimals, invariant culture.</summary>
    /// <param name="v">The number.</param>
    /// <returns>Its text.</returns>
    public static string Number(double v)
    {
        double a = Math.Abs(v);
        string format = a >= 100 || a == Math.Floor(a) ? "0" : a >= 10 ? "0.#" : "0.##";
        return v.ToString(format, CultureInfo.InvariantCulture);
    }

    // The categorical offline outcome: each word with its count over seeds, most frequent first (ties by word).
    private static string Outcomes(IEnumerable<CompareRow> runs)
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (CompareRow r in runs)
        {
            counts[r.OfflineOutcome] = counts.GetValueOrDefault(r.OfflineOutcome) + 1;
        }

        return string.Join(" ", counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}×{kv.Value}"));
    }
}

/// <summary>One metric's row.</summary>
/// <param name="Column">The metric's column name in compare.csv.</param>
/// <param name="Header">What the table prints (with its unit).</param>
/// <param name="Cells">One cell per design.</param>
public sealed record CompareTableRow(string Column, string Header, IReadOnlyList<string> Cells);
