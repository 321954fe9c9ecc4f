using System.CommandLine;
using System.Text;
using MmSim.Kernel.Designs;
using Spectre.Console;

namespace MmSim.Cli.Commands;

/// <summary><c>mmsim designs</c>: the table of designs (name, the release or patch it stands for, what it changes).</summary>
internal static class DesignsCommand
{
    private static readonly string[] Headers = ["design", "stands for", "what it changes", "switches"];

    public static Command Create()
    {
        var cmd = new Command("designs", "List the designs (named sets of kernel switches) that scenarios, --design and compare select.");
        cmd.SetAction(_ =>
        {
            // A table with box drawing for a person at a terminal; aligned plain text for pipes and files.
            if (Console.IsOutputRedirected)
            {
                Console.Out.Write(Plain());
            }
            else
            {
                PrintTable();
            }

            return 0;
        });
        return cmd;
    }

    /// <summary>The table as aligned plain text, one design a line, then the default and how to select.</summary>
    public static string Plain()
    {
        List<string[]> rows = [Headers, .. Designs.All.Select(Row)];
        int[] widths = [.. Enumerable.Range(0, Headers.Length - 1).Select(c => rows.Max(r => r[c].Length))];
        var b = new StringBuilder();
        foreach (string[] row in rows)
        {
            for (int c = 0; c < widths.Length; c++)
            {
                b.Append(row[c].PadRight(widths[c] + 2));
            }

            b.Append(row[^1]).Append('\n');
        }

        return b.Append(Footer()).Append('\n').ToString();
    }

    private static void PrintTable()
    {
        var table = new Table().AddColumns(Headers);
        foreach (Design d in Designs.All)
        {
            table.AddRow([.. Row(d).Select(Markup.Escape)]);
        }

        AnsiConsole.Write(table);
        AnsiConsole.WriteLine(Footer());
    }

    private static string[] Row(Design d) => [d.Name, d.StandsFor, d.Change, Switches(d.Switches)];

    // Only what the design sets differently from the switch defaults, so the column stays short.
    private static string Switches(KernelSwitches s)
    {
        var defaults = new KernelSwitches { Release = s.Release };
        IEnumerable<string> set = KernelSwitches.All
            .Where(sw => sw.Name == "release" || sw.Text(s) != sw.Text(defaults))
            .Select(sw => $"{sw.Name}={sw.Text(s)}");
        return string.Join(" ", set);
    }

    private static string Footer() =>
        $"default: {Designs.DefaultName}. Select one with 'kernel.design' in a scenario, 'mmsim run --design NAME' or 'mmsim compare --designs A,B'; "
        + "switches a scenario sets override its design (docs/designs.md).";
}
