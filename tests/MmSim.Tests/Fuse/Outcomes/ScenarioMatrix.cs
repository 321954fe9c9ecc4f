using MmSim.Kernel.Designs;
using MmSim.Runs;
using MmSim.Scenario;
using MmSim.Tests.Scenario;

namespace MmSim.Tests.Fuse.Outcomes;

/// <summary>Runs a shipped FUSE scenario under a design (as `--design` does), with text edits to the file, and returns its summary.</summary>
internal static class ScenarioMatrix
{
    /// <summary>Loads scenarios/<paramref name="file"/> with <paramref name="edits"/> applied (each old text must occur), under <paramref name="design"/>, and runs it.</summary>
    public static (RunSummary Summary, ScenarioRunner Runner) Run(string file, string design, ulong? seed = null, long checkEvery = 0, params (string Old, string New)[] edits)
    {
        string yaml = File.ReadAllText(Path.Combine(TestFiles.RepoRoot, "scenarios", file));
        foreach ((string old, string @new) in edits)
        {
            Assert.Contains(old, yaml, StringComparison.Ordinal);
            yaml = yaml.Replace(old, @new, StringComparison.Ordinal);
        }

        LoadResult r = ScenarioLoader.LoadFromString(yaml, file, Designs.Get(design));
        ScenarioConfig config = r.Config ?? throw new InvalidOperationException(string.Join("\n", r.Errors));
        var runner = new ScenarioRunner(config, new RunOptions { Seed = seed, CheckEvery = checkEvery });
        IReadOnlyList<WorkloadResult> results = runner.Run();
        return (RunSummary.From(file, runner, design, results), runner);
    }
}
