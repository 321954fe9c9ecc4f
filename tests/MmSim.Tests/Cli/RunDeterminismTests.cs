using MmSim.Cli.Commands;
using MmSim.Runs;
using MmSim.Scenario;

namespace MmSim.Tests.Cli;

public class RunDeterminismTests
{
    private const string Scenario = """
        version: 1
        name: det
        kernel:
          trace: true
        machine:
          zones:
            - name: DMA32
              size: 64MiB
              reserved: 1MiB
            - name: Normal
              size: 192MiB
          cma:
            - name: cma
              size: 16MiB
        workloads:
          - type: churn
            ops: 40000
            fill: 85%
        """;

    private static Dictionary<string, byte[]> RunInto(string dir, ulong seed)
    {
        ScenarioConfig config = ScenarioLoader.LoadFromString(Scenario, "det.yaml").Config!;
        RunCommand.Execute(config, new RunOptions { Seed = seed }, dir);
        return Directory.GetFiles(dir, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) != "timing.json")
            .ToDictionary(f => Path.GetRelativePath(dir, f), File.ReadAllBytes);
    }

    [Fact]
    public void Same_scenario_and_seed_give_byte_identical_result_files()
    {
        string root = Directory.CreateTempSubdirectory("mmsim-det").FullName;
        var a = RunInto(Path.Combine(root, "a"), 7);
        var b = RunInto(Path.Combine(root, "b"), 7);
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        Assert.Contains("proc/buddyinfo", a.Keys);
        Assert.Contains("trace.txt", a.Keys);
        foreach (string f in a.Keys)
        {
            Assert.True(a[f].AsSpan().SequenceEqual(b[f]), $"{f} differs between two runs with the same seed");
        }

        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public void A_different_seed_gives_different_results()
    {
        string root = Directory.CreateTempSubdirectory("mmsim-det").FullName;
        var a = RunInto(Path.Combine(root, "a"), 7);
        var b = RunInto(Path.Combine(root, "b"), 8);
        Assert.False(a["proc/pagetypeinfo"].AsSpan().SequenceEqual(b["proc/pagetypeinfo"]));
        Assert.False(a["trace.txt"].AsSpan().SequenceEqual(b["trace.txt"]));
        Directory.Delete(root, recursive: true);
    }
}
