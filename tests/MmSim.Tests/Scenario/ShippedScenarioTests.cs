using MmSim.Mm;
using MmSim.Scenario;

namespace MmSim.Tests.Scenario;

public class ShippedScenarioTests
{
    public static IEnumerable<string> ScenarioFiles() =>
        Directory.EnumerateFiles(Path.Combine(TestFiles.RepoRoot, "scenarios"), "*.yaml", SearchOption.AllDirectories)
            .Where(p => !IsSweep(p)).Order(StringComparer.Ordinal);

    /// <summary>scenarios/sweeps/ holds sweep files (docs/sweeps.md), not scenarios; SweepShippedTests checks them.</summary>
    public static bool IsSweep(string path) =>
        Path.GetRelativePath(Path.Combine(TestFiles.RepoRoot, "scenarios"), path).StartsWith("sweeps" + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    public static TheoryData<string> Scenarios() => [.. ScenarioFiles().Select(p => Path.GetRelativePath(TestFiles.RepoRoot, p))];

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Validates(string relativePath)
    {
        IReadOnlyList<ScenarioError> errors = ScenarioLoader.Validate(Path.Combine(TestFiles.RepoRoot, relativePath));
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Fact]
    public void The_shipped_set_includes_the_examples() =>
        Assert.Equal(
            [Path.Combine("scenarios", "allocator-churn.yaml"), Path.Combine("scenarios", "examples", "ops-demo.yaml")],
            ScenarioFiles().Select(p => Path.GetRelativePath(TestFiles.RepoRoot, p)).Where(p => p.Contains("allocator-churn", StringComparison.Ordinal) || p.Contains("ops-demo", StringComparison.Ordinal)));

    [Fact]
    public void Allocator_churn_is_the_16GiB_machine_it_claims_to_be()
    {
        ScenarioConfig c = ScenarioLoader.LoadOrThrow(Path.Combine(TestFiles.RepoRoot, "scenarios", "allocator-churn.yaml"));
        Assert.Equal(16 * Units.GiB, c.Machine.TotalBytes);
        Assert.Equal(16 * Units.GiB / Units.PageSizeBytes, c.Machine.TotalPages);
        Assert.Equal([ZoneType.Dma, ZoneType.Dma32, ZoneType.Normal], c.Machine.Zones.Select(z => z.Type));
        CmaConfig cma = Assert.Single(c.Machine.Cma);
        Assert.Equal(256 * Units.MiB, cma.SizeBytes);
        Assert.Equal(c.Machine.Zone(ZoneType.Normal)!.EndPfn, cma.EndPfn);
        Assert.Equal(2_000_000, Assert.IsType<ChurnWorkloadConfig>(Assert.Single(c.Workloads)).Ops);
    }

    [Fact]
    public void The_ops_demo_script_parses()
    {
        ScenarioConfig c = ScenarioLoader.LoadOrThrow(Path.Combine(TestFiles.RepoRoot, "scenarios", "examples", "ops-demo.yaml"));
        OpScript script = Assert.IsType<OpsWorkloadConfig>(Assert.Single(c.Workloads)).Script;
        Assert.Equal(9, script.Entries.Count);
        Assert.Equal(["a", "b", "thp", "c", "d"], script.Ids);
    }
}
