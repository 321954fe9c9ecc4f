using MmSim.Kernel.Designs;
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
    /// <param name="path">The scenario file.</param>
    /// <param name="design">A design from the command line replacing the file's <c>kernel.design</c>; null: the file's.</param>
    /// <returns>The config, or null after printing the errors.</returns>
    public static ScenarioConfig? LoadOrReport(string path, Design? design = null)
    {
        LoadResult result = ScenarioLoader.Load(path, design);
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
