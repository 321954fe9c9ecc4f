using System.CommandLine;
using System.Text.Json;
using MmSim.Runs;
using MmSim.Runs.Compare;
using MmSim.Scenario;

namespace MmSim.Cli.Commands;

/// <summary><c>mmsim show DIR</c>: the summary of a finished run or comparison, re-rendered from its files (nothing is
/// rerun): a comparison's table and verdicts from compare.json, a run's summary from summary.json.</summary>
internal static class ShowCommand
{
    public static Command Create()
    {
        var dir = new Argument<string>("dir") { Description = "a comparison's folder (compare.json) or a run's (summary.json)" };
        var cmd = new Command("show", """
            Print the summary of a finished run or comparison again, from its files.

            Examples:
              mmsim show out/compare-fuse-stalled-server         # table and verdicts of a comparison
              mmsim show out/compare-fuse-stalled-server/linux-6.18/seed1   # one run of it
            """)
        {
            dir,
        };
        cmd.SetAction(parse => Show(parse.GetValue(dir)!));
        return cmd;
    }

    private static int Show(string dir)
    {
        if (!Directory.Exists(dir))
        {
            Console.Error.WriteLine($"mmsim: {dir}: no such folder");
            return ExitCodes.BadInput;
        }

        if (CompareFiles.Read(dir) is CompareResult result)
        {
            CompareOutput.Print(result, Verdicts.Derive(result));
            return 0;
        }

        string summaryPath = Path.Combine(dir, "summary.json");
        if (!File.Exists(summaryPath))
        {
            Console.Error.WriteLine($"mmsim: {dir}: neither a comparison (compare.json) nor a run (summary.json)");
            return ExitCodes.BadInput;
        }

        RunSummary summary;
        try
        {
            summary = JsonSerializer.Deserialize<RunSummary>(File.ReadAllText(summaryPath), RunOutput.JsonRead) ?? throw new JsonException("empty");
        }
        catch (JsonException e)
        {
            Console.Error.WriteLine($"mmsim: {summaryPath}: not a summary written by mmsim ({e.Message})");
            return ExitCodes.BadInput;
        }

        RunCommand.Print(summary, DesignOf(dir), dir);
        return 0;
    }

    // The design is in the resolved configuration the run wrote first.
    private static string DesignOf(string dir)
    {
        string resolved = Path.Combine(dir, "config.resolved.yaml");
        return File.Exists(resolved) && ScenarioLoader.Load(resolved).Config is ScenarioConfig c ? c.Kernel.Design : "unknown (no config.resolved.yaml)";
    }
}
