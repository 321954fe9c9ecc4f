using System.CommandLine;
using System.Text;
using MmSim.Kernel.Designs;
using Spectre.Console;

namespace MmSim.Cli.Commands;

/// <summary><c>mmsim designs</c>: the table of designs (name, the release or patch it stands for, what it changes).</summary>
internal static class DesignsCommand
{
    private static readonly string[] Headers = ["design", "stands for", "what it changes", "switches (vs " + Designs.ProposalBaseName + ")"];

    public static Command Create()
    {
        var cmd = new Command("designs", """
            List the designs (named sets of kernel switches) that scenarios, --design and compare select.

            Examples:
              mmsim designs
              mmsim compare --designs linux-6.15,linux-6.18
            """);
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

    private static string[] Row(Design d) => [d.Name, d.StandsFor, d.Change, Switches(d)];

    // The release, then only what differs from linux-6.16 (resolved), so the proposals read as "6.16 plus …".
    private static string Switches(Design d)
    {
        IEnumerable<string> set = Designs.ChangesFromProposalBase(d)
            .Where(c => c.Switch.Name != "release")
            .Select(c => $"{c.Switch.Name}={c.Value}");
        return string.Join(" ", set.Prepend($"release={d.Switches.Release}"));
    }

    private static string Footer() =>
        $"default: {Designs.DefaultName}. Select one with 'kernel.design' in a scenario, 'mmsim run --design NAME' or 'mmsim compare --designs A,B'; "
        + "switches a scenario sets override its design (docs/designs.md).";
}
