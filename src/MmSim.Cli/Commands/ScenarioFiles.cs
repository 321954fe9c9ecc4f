using MmSim.Scenario;

namespace MmSim.Cli.Commands;

/// <summary>Finding and loading scenario files for the commands.</summary>
internal static class ScenarioFiles
{
    /// <summary>The shipped default scenario, relative to the repository root.</summary>
    public const string DefaultScenario = "scenarios/default.yaml";

    /// <summary>Resolves the default scenario from the current folder or, failing that, above the program's folder.</summary>
    public static string FindDefault()
    {
        if (File.Exists(DefaultScenario))
        {
            return DefaultScenario;
        }

        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d != null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, DefaultScenario);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return DefaultScenario;
    }

    /// <summary>Loads a scenario or prints every problem, one line each.</summary>
    /// <returns>The config, or null after printing the errors.</returns>
    public static ScenarioConfig? LoadOrReport(string path)
    {
        LoadResult result = ScenarioLoader.Load(path);
        if (result.Errors.Count == 0 && result.Config != null)
        {
            return result.Config;
        }

        foreach (ScenarioError e in result.Errors)
        {
            Console.Error.WriteLine(e.ToString());
        }

        return null;
    }
}
