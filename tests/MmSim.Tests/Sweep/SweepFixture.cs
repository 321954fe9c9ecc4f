using MmSim.Runs.Sweep;
using MmSim.Scenario;

namespace MmSim.Tests.Sweep;

/// <summary>A temporary folder with a tiny FUSE scenario (a server that stalls and resumes, one writer, an offline
/// step; 600 ms simulated, a tenth of a second to run) and sweep files over it.</summary>
internal sealed class SweepFixture : IDisposable
{
    public const string Scenario = """
        version: 1
        name: tiny-fuse
        seed: 7
        duration: 600ms
        sampling_interval: 100ms
        kernel:
          writeback_wait_timeout: 100ms
        machine:
          memory_block_size: 16MiB
          zones:
            - name: DMA32
              size: 32MiB
              reserved: 2MiB
            - name: Movable
              size: 32MiB
        sysctl:
          dirty_ratio: 40
          dirty_background_ratio: 10
        mounts:
          - { name: root, fs: ext4 }
          - { name: fusefs, fs: fuse, max_ratio: 50 }
        workloads:
          - type: fuse_server
            mount: fusefs
            behaviour: stall
            stall_at: 200ms
            resume_at: 400ms
            backing_size: 4MiB
          - { type: filewrite, file: log, mount: fusefs, size: 4MiB, rate: 3000/s }
          - type: steps
            steps:
              - { at: 300ms, do: offline, block: 3, signal_after: 200ms }
        """;

    /// <summary>2 points × 2 designs × 2 seeds = 8 runs.</summary>
    public const string Sweep = """
        scenario: tiny.yaml
        designs: [linux-6.18, wait-timeout]
        seeds: 2
        grid:
          workloads[type=filewrite,file=log].size: [2MiB, 4MiB]
        metrics:
          - outcomes.waits.false_aborts
          - outcomes.steps[0].latency_ns
        """;

    public SweepFixture()
    {
        Directory.CreateDirectory(Root);
        File.WriteAllText(Path.Combine(Root, "tiny.yaml"), Scenario);
    }

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "mmsim-sweep-" + Guid.NewGuid().ToString("N"));

    public string Dir(string name) => Path.Combine(Root, name);

    /// <summary>Writes a sweep file next to the scenario and loads it (asserting it loads).</summary>
    public SweepDefinition Load(string text = Sweep, string name = "sweep.yaml")
    {
        string path = Write(text, name);
        SweepLoadResult r = SweepLoader.Load(path);
        Assert.True(r.Errors.Count == 0, string.Join("\n", r.Errors));
        return r.Sweep!;
    }

    public string Write(string text, string name = "sweep.yaml")
    {
        string path = Path.Combine(Root, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Runs <paramref name="indices"/> (all when null) into <paramref name="outDir"/> and writes its table.</summary>
    public static SweepRunResult Run(SweepDefinition sweep, string outDir, IReadOnlyList<int>? indices = null, int jobs = 2, Action<SweepProgress>? progress = null, CancellationToken cancel = default)
    {
        indices ??= [.. Enumerable.Range(0, sweep.Count)];
        IReadOnlyList<ScenarioError> problems = SweepRunner.LoadConfigs(sweep, indices, out ScenarioConfig?[,] configs);
        Assert.Empty(problems);
        SweepManifest manifest = SweepRunner.Prepare(sweep, outDir);
        SweepRunResult result = SweepRunner.Run(sweep, configs, indices, outDir, jobs, progress, cancel);
        SweepTable.Read([outDir], out _, out _).WriteFiles(outDir, manifest);
        return result;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
