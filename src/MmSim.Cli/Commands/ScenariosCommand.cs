using System.CommandLine;
using MmSim.Scenario;
using Spectre.Console;

namespace MmSim.Cli.Commands;

/// <summary><c>mmsim scenarios</c>: the shipped scenarios, one line each (file and description).</summary>
internal static class ScenariosCommand
{
    public static Command Create()
    {
        var cmd = new Command("scenarios", """
            List the shipped scenarios (scenarios/ beside the default one), one line each.

            Examples:
              mmsim scenarios
              mmsim compare scenarios/fuse-healthy.yaml
            """);
        cmd.SetAction(_ =>
        {
            string? root = Path.GetDirectoryName(ScenarioFiles.FindDefault());
            if (string.IsNullOrEmpty(root) || !Directory.Exists(root))
            {
                Console.Error.WriteLine($"mmsim: the shipped scenarios are not here ({ScenarioFiles.DefaultScenario} not found from {Environment.CurrentDirectory})");
                return ExitCodes.BadInput;
            }

            var lines = new List<(string File, string Text)>();
            // scenarios/sweeps/ holds sweep files (docs/sweeps.md), not scenarios.
            string sweeps = Path.Combine(root, "sweeps") + Path.DirectorySeparatorChar;
            foreach (string file in Directory.GetFiles(root, "*.yaml", SearchOption.AllDirectories).Where(f => !f.StartsWith(sweeps, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
            {
                LoadResult r = ScenarioLoader.Load(file);
                string text = r.Config is ScenarioConfig c && r.Errors.Count == 0
                    ? c.Description
                    : $"(not a valid scenario: {r.Errors.Count} problems; mmsim validate {file})";
                lines.Add((Path.GetRelativePath(Environment.CurrentDirectory, file), text));
            }

            int width = lines.Max(l => l.File.Length);
            foreach ((string file, string text) in lines)
            {
                AnsiConsole.Console.WriteLine($"{file.PadRight(width)}  {text}");
            }

            return 0;
        });
        return cmd;
    }
}
