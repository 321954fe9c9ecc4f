using MmSim.Runs;
using MmSim.Scenario;
using MmSim.Tests.Scenario;

namespace MmSim.Tests.Runs;

/// <summary>
/// Every shipped scenario, run twice with its seed, writes byte-identical result folders: the kernel
/// object, its coroutines and its side tables leave no trace of hash order or wall time in the results.
/// </summary>
public sealed class ShippedScenarioDeterminismTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "mmsim-shipped-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    public static TheoryData<string> ShippedScenarios()
    {
        var data = new TheoryData<string>();
        string dir = Path.Combine(TestFiles.RepoRoot, "scenarios");
        foreach (string file in Directory.GetFiles(dir, "*.yaml", SearchOption.AllDirectories).Where(f => !ShippedScenarioTests.IsSweep(f)).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(dir, file).Replace('\\', '/'));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ShippedScenarios))]
    public void Rerunning_a_shipped_scenario_gives_the_same_bytes(string scenario)
    {
        ScenarioConfig config = ScenarioLoader.Load(Path.Combine(TestFiles.RepoRoot, "scenarios", scenario)).Config
            ?? throw new InvalidOperationException($"{scenario} does not load");
        string a = Path.Combine(root, "a");
        string b = Path.Combine(root, "b");
        RunFolder.Execute(config, new RunOptions(), a);
        RunFolder.Execute(config, new RunOptions(), b);
        string[] files = [.. Directory.GetFiles(a, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(a, f))
            .Where(f => f != RunFolder.TimingFile)
            .Order(StringComparer.Ordinal)];
        Assert.Contains("summary.json", files);
        foreach (string f in files)
        {
            Assert.True(File.ReadAllBytes(Path.Combine(a, f)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(b, f))),
                $"{scenario}: {f} differs between two runs with one seed");
        }
    }
}
