using MmSim.Runs.Compare;
using Spectre.Console;

namespace MmSim.Cli.Commands;

/// <summary>Prints a comparison to the console: the table (split by designs to fit a terminal; whole when plain) and
/// the verdicts. <c>compare</c> and <c>show</c> print the same.</summary>
internal static class CompareOutput
{
    // Room a design column needs before Spectre starts wrapping its cells ("123.4 ± 56.7 (2/3)").
    private const int DesignColumnWidth = 20;
    private const int MetricColumnWidth = 32;

    public static void Print(CompareResult result, IReadOnlyList<Verdict> verdicts)
    {
        CompareTable table = CompareTable.Build(result);
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(table.Title)}[/]");
        int perTable = CliConsole.Plain ? table.Designs.Count : Math.Max(1, (AnsiConsole.Profile.Width - MetricColumnWidth) / DesignColumnWidth);
        for (int first = 0; first < table.Designs.Count; first += perTable)
        {
            int count = Math.Min(perTable, table.Designs.Count - first);
            var t = new Table().AddColumn("metric");
            for (int d = first; d < first + count; d++)
            {
                t.AddColumn(new TableColumn(Markup.Escape(table.Designs[d])).RightAligned());
            }

            foreach (CompareTableRow row in table.Rows)
            {
                t.AddRow([Markup.Escape(row.Header), .. row.Cells.Skip(first).Take(count).Select(Markup.Escape)]);
            }

            AnsiConsole.Write(t);
        }

        AnsiConsole.MarkupLine("[bold]verdicts[/] (computed from the rows above):");
        foreach (Verdict v in verdicts)
        {
            AnsiConsole.MarkupLine($"- {Markup.Escape(v.Question)}");
            AnsiConsole.MarkupLine($"  {Markup.Escape(v.Answer)}");
        }
    }
}
