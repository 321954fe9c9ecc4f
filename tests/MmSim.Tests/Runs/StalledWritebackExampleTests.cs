using System.Text.Json;
using MmSim.Runs;
using MmSim.Scenario;
using MmSim.Tests.Scenario;

namespace MmSim.Tests.Runs;

/// <summary>
/// The shipped stalled-writeback example shows what its header promises: with one never-ending
/// writeback in each place, memory offlining stands hung, cma_alloc and compact_memory never return,
/// and the hung-task report of each names the writeback's owner.
/// </summary>
public sealed class StalledWritebackExampleTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "mmsim-stalled-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Offline_cma_alloc_and_compact_memory_all_stay_blocked_on_the_stalled_writeback()
    {
        ScenarioConfig config = ScenarioLoader.Load(Path.Combine(TestFiles.RepoRoot, "scenarios", "examples", "stalled-writeback.yaml")).Config
            ?? throw new InvalidOperationException("the example does not load");
        RunFolder.Execute(config, new RunOptions(), root);
        using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "summary.json")));
        var outcomes = new List<(string Do, string Outcome)>();
        foreach (JsonElement w in summary.RootElement.GetProperty("workloads").EnumerateArray())
        {
            foreach (JsonElement s in w.GetProperty("steps").EnumerateArray())
            {
                outcomes.Add((s.GetProperty("do").GetString()!, s.GetProperty("outcome").GetString()!));
            }
        }

        Assert.Equal(
            [("writeback", "ok"), ("offline", "hung"), ("writeback", "ok"), ("cma_alloc", "running"), ("writeback", "ok"), ("compact", "running")],
            outcomes);
        string text = summary.RootElement.ToString();
        JsonElement hung = summary.RootElement.GetProperty("hung_tasks");
        Assert.Equal(3, hung.GetArrayLength());
        Assert.All(hung.EnumerateArray(), h => Assert.Contains("folio_wait_writeback", h.GetProperty("wait_site").GetString()!, StringComparison.Ordinal));
        Assert.Equal(3, CountOf(text, "released by fuse-server"));
    }

    private static int CountOf(string text, string what)
    {
        int n = 0;
        for (int i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + 1, StringComparison.Ordinal))
        {
            n++;
        }

        return n;
    }
}
