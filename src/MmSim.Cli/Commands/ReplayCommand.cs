using System.CommandLine;
using System.Globalization;
using MmSim.Runs;
using MmSim.Scenario;
using MmSim.Scenario.Import;
using Spectre.Console;

namespace MmSim.Cli.Commands;

/// <summary><c>mmsim replay SCRIPT.ops --machine SCENARIO [--buddyinfo FILE] [--pagetypeinfo FILE] [--csv FILE]</c>: runs an
/// op script on a machine and compares the end state with captured /proc files, per zone, order and migratetype.</summary>
internal static class ReplayCommand
{
    public static Command Create()
    {
        var script = new Argument<string>("script") { Description = "op script, e.g. from 'mmsim trace import'" };
        var machine = new Option<string>("--machine") { Description = "scenario whose machine and kernel to boot (e.g. from 'mmsim machine import'); its workloads are not run", Required = true };
        var buddyinfo = new Option<string?>("--buddyinfo") { Description = "/proc/buddyinfo captured when the trace ended" };
        var pagetypeinfo = new Option<string?>("--pagetypeinfo") { Description = "/proc/pagetypeinfo captured when the trace ended" };
        var csv = new Option<string?>("--csv") { Description = "also write the comparison as CSV to this file" };
        var all = new Option<bool>("--all") { Description = "list every compared number, not only the ones that differ" };
        var failOnDiff = new Option<bool>("--fail-on-diff") { Description = "exit 1 when any compared number differs" };
        var cmd = new Command("replay", """
            Run an op script alone on a scenario's machine and compare the end state with captured /proc/buddyinfo and
            /proc/pagetypeinfo: free blocks per zone, order and migratetype, and pageblocks per type; simulated, real
            and the difference. Exit 0 whether or not they differ (1 with --fail-on-diff), 2 on bad input.

            Examples:
              mmsim replay scenarios/examples/trace/small.buddy.ops --machine scenarios/examples/trace/small.yaml \
                --buddyinfo scenarios/examples/trace/proc/buddyinfo --pagetypeinfo scenarios/examples/trace/proc/pagetypeinfo
            """)
        {
            script, machine, buddyinfo, pagetypeinfo, csv, all, failOnDiff,
        };
        cmd.SetAction(parse => Run(
            parse.GetValue(script)!, parse.GetValue(machine)!, parse.GetValue(buddyinfo), parse.GetValue(pagetypeinfo),
            parse.GetValue(csv), parse.GetValue(all), parse.GetValue(failOnDiff)));
        return cmd;
    }

    private static int Run(string scriptPath, string machinePath, string? buddyPath, string? pagetypePath, string? csvPath, bool all, bool failOnDiff)
    {
        foreach (string? f in new[] { scriptPath, buddyPath, pagetypePath })
        {
            if (f is not null && !File.Exists(f))
            {
                Console.Error.WriteLine(Directory.Exists(f) ? $"mmsim: {f}: is a folder, not a file" : $"mmsim: {f}: no such file");
                return ExitCodes.BadInput;
            }
        }

        if (csvPath is not null && (csvPath.Trim().Length == 0 || csvPath.Contains('\0', StringComparison.Ordinal) || Directory.Exists(csvPath)))
        {
            Console.Error.WriteLine($"mmsim: --csv {csvPath}: give a file name for the comparison");
            return ExitCodes.BadInput;
        }

        ScenarioConfig? config = ScenarioFiles.LoadOrReport(machinePath);
        if (config is null)
        {
            return ExitCodes.BadInput;
        }

        var errors = new List<ScenarioError>();
        OpScript? ops = OpScript.ParseFile(scriptPath, scriptPath, errors);
        if (ops is null)
        {
            foreach (ScenarioError e in errors)
            {
                Console.Error.WriteLine(e.ToString());
            }

            return ExitCodes.BadInput;
        }

        // Read the captures before the run, so a bad file costs no simulation.
        var real = new List<(SnapshotKey, long)>();
        if (buddyPath is not null)
        {
            real.AddRange(ProcSnapshot.ParseBuddyinfo(File.ReadAllText(buddyPath), buddyPath));
        }

        if (pagetypePath is not null)
        {
            real.AddRange(ProcSnapshot.ParsePagetypeinfo(File.ReadAllText(pagetypePath), pagetypePath));
        }

        TraceReplayResult result = TraceReplay.Run(config, Path.GetFullPath(scriptPath), ops, new RunOptions());
        var simulated = new List<(SnapshotKey, long)>();
        if (buddyPath is not null || pagetypePath is null)
        {
            simulated.AddRange(ProcSnapshot.ParseBuddyinfo(result.Buddyinfo, "simulated buddyinfo"));
        }

        if (pagetypePath is not null || buddyPath is null)
        {
            simulated.AddRange(ProcSnapshot.ParsePagetypeinfo(result.Pagetypeinfo, "simulated pagetypeinfo"));
        }

        List<SnapshotDiffRow> rows = SnapshotDiff.Compare(simulated, real);
        int compared = rows.Count(r => r.Difference is not null);
        int differ = rows.Count(r => r.Difference is long d && d != 0);
        int oneSided = rows.Count - compared;
        var s = result.Stats;
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"replayed {ops.Entries.Count} operations of {scriptPath} on {machinePath}: {s.Allocs} allocations ({s.AllocFailures} failed), {s.Frees} frees ({s.FreesIgnored} ignored)"));
        if (real.Count == 0)
        {
            Console.Out.WriteLine("no --buddyinfo or --pagetypeinfo given: the simulated end state only");
        }

        var table = new Table().AddColumn("table").AddColumn("zone").AddColumn("type").AddColumn(new TableColumn("order").RightAligned())
            .AddColumn(new TableColumn("simulated").RightAligned()).AddColumn(new TableColumn("real").RightAligned()).AddColumn(new TableColumn("difference").RightAligned());
        foreach (SnapshotDiffRow r in rows.Where(r => all || real.Count == 0 || r.Difference is not 0))
        {
            table.AddRow(
                Markup.Escape(r.Key.Table), Markup.Escape(r.Key.Zone), Markup.Escape(r.Key.Type),
                r.Key.Order < 0 ? string.Empty : r.Key.Order.ToString(CultureInfo.InvariantCulture),
                Num(r.Simulated), Num(r.Real), r.Difference is long d ? d.ToString("+#;-#;0", CultureInfo.InvariantCulture) : "n/a");
        }

        if (table.Rows.Count > 0)
        {
            AnsiConsole.Write(table);
        }

        if (real.Count > 0)
        {
            string nap = oneSided == 0 ? string.Empty : $"; {oneSided} rows only one side has (n/a: a zone or migratetype the other does not print)";
            Console.Out.WriteLine(differ == 0
                ? $"identical: all {compared} compared numbers match{nap}"
                : $"{differ} of {compared} compared numbers differ{nap}");
        }

        if (csvPath is not null)
        {
            AtomicFile.WriteAllText(csvPath, SnapshotDiff.Csv(rows));
        }

        return failOnDiff && differ > 0 ? 1 : 0;
    }

    private static string Num(long? v) => v?.ToString(CultureInfo.InvariantCulture) ?? "n/a";
}
