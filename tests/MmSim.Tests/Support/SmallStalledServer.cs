using MmSim.Tests.Scenario;

namespace MmSim.Tests.Support;

/// <summary>
/// scenarios/default.yaml (the stalled FUSE server) scaled down for tests: a quarter of the memory, 16 MiB memory
/// blocks, the stall at 0.5 s and the steps after it, 2.5 s in all. Every design still meets the stuck folios.
/// </summary>
internal static class SmallStalledServer
{
    /// <summary>The text edits from the shipped file (each old text occurs once).</summary>
    public static readonly (string Old, string New)[] Edits =
    [
        ("duration: 12s\nsampling_interval: 500ms", "duration: 2500ms\nsampling_interval: 50ms"),
        ("machine:\n  zones:", "machine:\n  memory_block_size: 16MiB\n  zones:"),
        ("size: 256MiB\n      reserved: 2MiB", "size: 64MiB\n      reserved: 2MiB"),
        ("name: Normal\n      size: 128MiB", "name: Normal\n      size: 64MiB"),
        ("name: Movable\n      size: 128MiB", "name: Movable\n      size: 32MiB"),
        ("{ name: cma0, size: 64MiB, zone: Normal }", "{ name: cma0, size: 16MiB, zone: Normal }"),
        ("stall_at: 2s", "stall_at: 500ms"),
        ("size: 48MiB, writers: 2", "size: 12MiB, writers: 2"),
        ("{ type: anon, size: 64MiB", "{ type: anon, size: 16MiB"),
        ("{ name: cache, size: 32MiB }", "{ name: cache, size: 8MiB }"),
        ("{ at: 3s, do: compact }", "{ at: 800ms, do: compact }"),
        ("{ at: 4s, do: cma_alloc, id: c1, area: cma0, pages: 16384 }", "{ at: 1s, do: cma_alloc, id: c1, area: cma0, pages: 4096 }"),
        ("{ at: 5s, do: offline, block: 3, signal_after: 4s }", "{ at: 1200ms, do: offline, block: 8, signal_after: 1s }"),
    ];

    /// <summary>The scaled-down scenario's text.</summary>
    /// <returns>YAML.</returns>
    public static string Yaml()
    {
        string yaml = File.ReadAllText(Path.Combine(TestFiles.RepoRoot, "scenarios", "default.yaml"));
        foreach ((string old, string @new) in Edits)
        {
            Assert.Contains(old, yaml, StringComparison.Ordinal);
            yaml = yaml.Replace(old, @new, StringComparison.Ordinal);
        }

        return yaml;
    }
}
