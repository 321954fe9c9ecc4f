using MmSim.Runs.Sweep;
using MmSim.Scenario;
using MmSim.Tests.Scenario;

namespace MmSim.Tests.Sweep;

/// <summary>Sweep files: grid and list expansion, the index order, and problems reported at FILE:LINE:COL with the field.</summary>
public sealed class SweepLoaderTests : IDisposable
{
    private readonly SweepFixture f = new();

    public void Dispose() => f.Dispose();

    [Fact]
    public void Grid_IsTheCartesianProduct_FirstParameterSlowest()
    {
        SweepDefinition s = f.Load("""
            scenario: tiny.yaml
            designs: [linux-6.18]
            grid:
              workloads[0].resume_at: [300ms, 500ms, 700ms]
              kernel.writeback_wait_timeout: [10ms, 1s]
            """);
        Assert.Equal(["workloads[0].resume_at", "kernel.writeback_wait_timeout"], s.Parameters.Select(p => p.Text));
        Assert.Equal(["workloads_0_resume_at", "kernel_writeback_wait_timeout"], s.Parameters.Select(p => p.ColumnName));
        string[] points = [.. s.Points.Select(p => string.Join(" ", p.Values.Select(v => v!.Text)))];
        Assert.Equal(["300ms 10ms", "300ms 1s", "500ms 10ms", "500ms 1s", "700ms 10ms", "700ms 1s"], points);
        Assert.Equal(6, s.Count);
    }

    [Fact]
    public void Index_IsPointsThenDesignsThenSeeds()
    {
        SweepDefinition s = f.Load("""
            scenario: tiny.yaml
            designs: [linux-6.18, wait-timeout, linux-6.15]
            seeds: 2
            grid:
              workloads[0].resume_at: [300ms, 500ms]
            """);
        Assert.Equal(12, s.Count);
        var order = Enumerable.Range(0, s.Count).Select(i => s.RunAt(i)).Select(r => $"{r.Point}/{r.Design.Name}/{r.SeedOffset}").ToArray();
        Assert.Equal(
            ["0/linux-6.18/0", "0/linux-6.18/1", "0/wait-timeout/0", "0/wait-timeout/1", "0/linux-6.15/0", "0/linux-6.15/1",
             "1/linux-6.18/0", "1/linux-6.18/1", "1/wait-timeout/0", "1/wait-timeout/1", "1/linux-6.15/0", "1/linux-6.15/1"],
            order);
    }

    [Fact]
    public void List_GivesItsPointsInOrder_AndLeavesUnsetParametersAsTheScenarioHasThem()
    {
        SweepDefinition s = f.Load("""
            scenario: tiny.yaml
            designs: [wait-timeout]
            list:
              - { kernel.writeback_wait_timeout: 10ms }
              - kernel.writeback_wait_timeout: 1s
                workloads[0].resume_at: 500ms
            """);
        Assert.Equal(2, s.Points.Count);
        Assert.Equal(["10ms", null], s.Points[0].Values.Select(v => v?.Text));
        Assert.Equal(["1s", "500ms"], s.Points[1].Values.Select(v => v?.Text));
        var errors = new List<ScenarioError>();
        ScenarioConfig first = SweepLoader.LoadPoint(s, 0, s.Designs[0], errors)!;
        ScenarioConfig second = SweepLoader.LoadPoint(s, 1, s.Designs[0], errors)!;
        Assert.Empty(errors);
        Assert.NotEqual(ScenarioWriter.WriteResolvedYaml(first), ScenarioWriter.WriteResolvedYaml(second));
        Assert.Contains("writeback_wait_timeout: 10ms", ScenarioWriter.WriteResolvedYaml(first), StringComparison.Ordinal);
        Assert.Contains("resume_at: 400ms", ScenarioWriter.WriteResolvedYaml(first), StringComparison.Ordinal);
        Assert.Contains("resume_at: 500ms", ScenarioWriter.WriteResolvedYaml(second), StringComparison.Ordinal);
    }

    [Fact]
    public void NoGridOrList_IsOnePoint_AndDesignsDefaultToAll()
    {
        SweepDefinition s = f.Load("scenario: tiny.yaml\nseeds: 3\n");
        Assert.Single(s.Points);
        Assert.Equal(MmSim.Kernel.Designs.Designs.All.Count * 3, s.Count);
    }

    [Fact]
    public void A_selector_that_matches_nothing_is_reported_at_the_selector()
    {
        string[] errors = Errors("""
            scenario: tiny.yaml
            designs: [linux-6.18]
            grid:
              workloads[7].resume_at: [1s]
              workloads[type=filewrite,file=nope].size: [1MiB]
            """);
        Assert.Equal(2, errors.Length);
        Assert.StartsWith("sweep.yaml:4:3: grid.workloads[7].resume_at: 'workloads' has 3 items; [7] is out of range", errors[0], StringComparison.Ordinal);
        Assert.StartsWith("sweep.yaml:5:3: grid.workloads[type=filewrite,file=nope].size: no item of 'workloads' has type=filewrite,file=nope", errors[1], StringComparison.Ordinal);
    }

    [Fact]
    public void A_selector_with_bad_syntax_is_reported_at_the_selector()
    {
        string[] errors = Errors("scenario: tiny.yaml\ngrid:\n  \"kernel..x\": [1]\n");
        Assert.StartsWith("sweep.yaml:3:3: grid.kernel..x: selector 'kernel..x': expected a field name at character 8", Assert.Single(errors), StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_the_scenario_refuses_is_reported_at_the_value_with_the_scenario_message()
    {
        string path = f.Write("""
            scenario: tiny.yaml
            designs: [linux-6.18]
            grid:
              workloads[0].resume_at: [300ms, banana]
            """);
        SweepDefinition s = SweepLoader.Load(path).Sweep!;
        IReadOnlyList<ScenarioError> errors = SweepRunner.LoadConfigs(s, [0, 1], out _);
        string e = Assert.Single(errors).ToString();
        Assert.StartsWith($"{path}:4:35: grid.workloads[0].resume_at[1]: point 1 with workloads[0].resume_at=banana, under linux-6.18: the scenario's workloads[0].resume_at: ", e, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_keys_designs_and_both_grid_and_list_are_each_reported()
    {
        string[] errors = Errors("""
            scenario: tiny.yaml
            designz: [x]
            designs: [linux-6.18, no-such-design]
            seeds: 0
            grid:
              kernel.writeback_wait_timeout: [1s]
            list:
              - { kernel.writeback_wait_timeout: 1s }
            """);
        Assert.Collection(errors,
            e => Assert.StartsWith("sweep.yaml:2:1: designz: unknown key 'designz'", e, StringComparison.Ordinal),
            e => Assert.StartsWith("sweep.yaml:3:23: designs[1]: ", e, StringComparison.Ordinal),
            e => Assert.StartsWith("sweep.yaml:4:8: seeds: the number of seeds", e, StringComparison.Ordinal),
            e => Assert.StartsWith("sweep.yaml:8:3: list: a sweep has a 'grid' or a 'list', not both", e, StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_scenario_file_is_reported_at_the_scenario_key()
    {
        string e = Assert.Single(Errors("scenario: nothere.yaml\n"));
        Assert.StartsWith("sweep.yaml:1:11: scenario: ", e, StringComparison.Ordinal);
        Assert.Contains("scenario file not found", e, StringComparison.Ordinal);
    }

    [Fact]
    public void A_column_name_taken_twice_is_reported()
    {
        string e = Assert.Single(Errors("scenario: tiny.yaml\ngrid:\n  seed: [1, 2]\n"));
        Assert.StartsWith("sweep.yaml:3:3: grid.seed: its column name 'seed' is already taken", e, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_shipped_scenario_reads_back_the_same_through_the_patcher_with_nothing_set()
    {
        // The patcher writes the scenario's YAML tree back out: with no values, every shipped scenario must load to
        // exactly what the loader gives for the file itself.
        string dir = Path.Combine(TestFiles.RepoRoot, "scenarios");
        string[] files = [.. Directory.GetFiles(dir, "*.yaml", SearchOption.AllDirectories).Where(p => !ShippedScenarioTests.IsSweep(p)).Order(StringComparer.Ordinal)];
        Assert.NotEmpty(files);
        foreach (string file in files)
        {
            LoadResult direct = ScenarioLoader.Load(file);
            if (!direct.Success)
            {
                continue;
            }

            LoadResult patched = ScenarioPatch.Load(File.ReadAllText(file), file, [], null, out string? text, out _);
            Assert.True(patched.Success, file + ": " + string.Join("\n", patched.Errors) + "\n" + text);
            Assert.Equal(ScenarioWriter.WriteResolvedYaml(direct.Config!), ScenarioWriter.WriteResolvedYaml(patched.Config!));
        }
    }

    private string[] Errors(string sweep)
    {
        f.Write(sweep);
        SweepLoadResult r = SweepLoader.LoadFromString(sweep, Path.Combine(f.Root, "sweep.yaml"));
        return [.. r.Errors.Select(e => e.ToString().Replace(f.Root + Path.DirectorySeparatorChar, string.Empty, StringComparison.Ordinal))];
    }
}
