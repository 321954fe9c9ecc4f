using MmSim.Kernel.Designs;
using MmSim.Runs;

namespace MmSim.Tests.Fuse.Outcomes;

/// <summary>
/// scenarios/fuse-stalled-server.yaml scaled down (a quarter of the memory, 16 MiB memory blocks, the stall at 0.5 s
/// and the steps after it, 2.5 s in all) over 110 seeds, the designs taken round-robin so each of the eleven runs ten
/// seeds: every kernel invariant and registered check (KernelChecker, through the run's check-every mechanism at 1:
/// at every 50 ms sample and at the end) holds, and the run ends where the steps put it.
/// </summary>
public class StalledServerInvariantTests
{
    private const int Seeds = 110;

    public static TheoryData<int> Batches() => [0, 1, 2, 3, 4];

    // Five batches of 22 runs, so xunit can spread them and a failure names a smaller set.
    [Theory]
    [MemberData(nameof(Batches))]
    public void Invariants_hold_over_seeds_under_every_design(int batch)
    {
        for (int i = batch; i < Seeds; i += 5)
        {
            string design = Designs.Names[i % Designs.Names.Count];
            (RunSummary s, ScenarioRunner r) = ScenarioMatrix.Run("fuse-stalled-server.yaml", design, (ulong)(1000 + i), checkEvery: 1, edits: Small);
            Assert.True(r.ChecksRun > 40, $"{design} seed {1000 + i}: {r.ChecksRun} checks");
            Assert.Equal(3, s.Outcomes!.Steps.Count);
            Assert.True(s.Writeback.Single(w => w.Mount == "fusefs").Written > 0, $"{design} seed {1000 + i}: nothing written back");
        }
    }

    private static readonly (string Old, string New)[] Small =
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
}
