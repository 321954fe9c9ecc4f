using MmSim.Kernel.Designs;
using MmSim.Runs;
using MmSim.Tests.Support;

namespace MmSim.Tests.Fuse.Outcomes;

/// <summary>
/// scenarios/default.yaml (the stalled FUSE server) scaled down (a quarter of the memory, 16 MiB memory blocks, the stall at 0.5 s
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
            (RunSummary s, ScenarioRunner r) = ScenarioMatrix.Run("default.yaml", design, (ulong)(1000 + i), checkEvery: 1, edits: SmallStalledServer.Edits);
            Assert.True(r.ChecksRun > 40, $"{design} seed {1000 + i}: {r.ChecksRun} checks");
            Assert.Equal(3, s.Outcomes!.Steps.Count);
            Assert.True(s.Writeback.Single(w => w.Mount == "fusefs").Written > 0, $"{design} seed {1000 + i}: nothing written back");
        }
    }
}
