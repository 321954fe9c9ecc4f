using MmSim.Runs.Sweep;
using MmSim.Scenario;
using MmSim.Tests.Scenario;

namespace MmSim.Tests.Sweep;

/// <summary>The example sweeps of scenarios/sweeps/ load, and every point loads under every design.</summary>
public class SweepShippedTests
{
    public static TheoryData<string> Sweeps() => [.. Files()];

    [Theory]
    [MemberData(nameof(Sweeps))]
    public void Every_run_of_the_example_sweep_loads(string file)
    {
        SweepLoadResult r = SweepLoader.Load(Path.Combine(TestFiles.RepoRoot, "scenarios", "sweeps", file));
        Assert.True(r.Errors.Count == 0, string.Join("\n", r.Errors));
        SweepDefinition sweep = r.Sweep!;
        IReadOnlyList<ScenarioError> problems = SweepRunner.LoadConfigs(sweep, [.. Enumerable.Range(0, sweep.Count)], out _);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.InRange(sweep.Count, 2, 40);
    }

    [Fact]
    public void The_examples_are_the_two_the_issue_asks_for() =>
        Assert.Equal(["stall-dirty.yaml", "wait-timeout.yaml"], Files());

    [Fact]
    public void The_cluster_examples_cover_their_sweep_exactly()
    {
        // docs/examples: the Job's completions and the array's range are the sweep's run count.
        string docs = Path.Combine(TestFiles.RepoRoot, "docs", "examples");
        string job = File.ReadAllText(Path.Combine(docs, "sweep-job.yaml"));
        Assert.Contains($"completions: {Count("wait-timeout.yaml")}\n", job, StringComparison.Ordinal);
        Assert.Contains("scenarios/sweeps/wait-timeout.yaml", job, StringComparison.Ordinal);
        string sbatch = File.ReadAllText(Path.Combine(docs, "sweep.sbatch"));
        Assert.Contains($"#SBATCH --array=0-{Count("stall-dirty.yaml") - 1}\n", sbatch, StringComparison.Ordinal);
        Assert.Contains("scenarios/sweeps/stall-dirty.yaml", sbatch, StringComparison.Ordinal);
    }

    private static int Count(string file) => SweepLoader.Load(Path.Combine(TestFiles.RepoRoot, "scenarios", "sweeps", file)).Sweep!.Count;

    private static string[] Files() =>
        [.. Directory.GetFiles(Path.Combine(TestFiles.RepoRoot, "scenarios", "sweeps"), "*.yaml").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];
}
