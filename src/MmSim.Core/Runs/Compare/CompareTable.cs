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

        // Placeholder until the compare part lands: every metric, every cell "n/a".
        var rows = new List<CompareTableRow>();
        foreach (string c in CompareColumns.Names.Skip(2))
        {
            rows.Add(new CompareTableRow(c, c, [.. result.Designs.Select(_ => "n/a")]));
        }

        return new CompareTable($"{result.Scenario}: {result.Designs.Count} designs × {result.Seeds.Count} seeds", result.Designs, rows);
    }
}

/// <summary>One metric's row.</summary>
/// <param name="Column">The metric's column name in compare.csv.</param>
/// <param name="Header">What the table prints (with its unit).</param>
/// <param name="Cells">One cell per design.</param>
public sealed record CompareTableRow(string Column, string Header, IReadOnlyList<string> Cells);
