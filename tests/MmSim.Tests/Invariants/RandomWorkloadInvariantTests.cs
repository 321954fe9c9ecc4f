using MmSim.Mm;
using MmSim.Mm.DebugVm;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;
using MmSim.Sim;
using MmSim.Tests.Support;
using MmSim.Workloads;

namespace MmSim.Tests.Invariants;

/// <summary>
/// The invariant checker after every operation of random workloads over 200 seeds, covering both
/// fallback algorithms, pcp on and off, CMA, and every gfp type including GFP_ATOMIC (highatomic).
/// A failure names the seed and the operation, so it replays exactly.
/// </summary>
public class RandomWorkloadInvariantTests
{
    public static TheoryData<int> Seeds() => SeedRange.UpTo(200);

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Every_operation_leaves_the_buddy_state_consistent(int seed)
    {
        var prng = new Prng((ulong)seed);
        var options = new PageAllocOptions
        {
            Fallback = (seed & 1) == 0 ? FallbackAlgorithm.V6_15 : FallbackAlgorithm.V6_12,
            PcpEnabled = (seed & 2) == 0,
        };

        // Small enough to check the whole node after each operation: DMA32 8 MiB + Normal 24 MiB,
        // with a 4 MiB CMA area on every third seed.
        var cma = seed % 3 == 0 ? new List<CmaSpec> { new("cma", ZoneType.Normal, 1024) } : [];
        var spec = new MachineSpec([new ZoneSpec(ZoneType.Dma32, 2048, null, 256), new ZoneSpec(ZoneType.Normal, 6144)], cma);
        PageAllocator alloc = MmInit.Boot(spec, options);
        int fill = 5000 + (int)prng.NextBelow(4900);
        var churn = new ChurnWorkload(alloc, prng.Split(1), fill,
            [(0, 60), (1, 10), (2, 8), (3, 8), (4, 3), (5, 2), (8, 2), (9, 5), (10, 2)],
            [(GfpFlags.HighUserMovable, 45), (GfpFlags.Kernel, 25), (GfpFlags.Kernel | GfpFlags.Reclaimable, 15), (GfpFlags.Atomic, 10), (GfpFlags.NoWait, 5)]);
        var tally = new Plenty.Order0Tally();
        for (int op = 1; op <= 1500; op++)
        {
            bool plentiful = Plenty.ForOrder0(alloc);
            long requests = churn.Stats.Allocs, attempts = churn.Stats.AllocsByOrder[0], failures = churn.Stats.AllocFailuresByOrder[0];
            churn.Step();
            tally.Add(plentiful, churn.Stats.Allocs - requests, churn.Stats.AllocsByOrder[0] - attempts, churn.Stats.AllocFailuresByOrder[0] - failures);
            FreeAreaChecker.Verify(alloc, $"seed {seed} operation {op}");
        }

        // An allocator that fails every request would pass every check above (nothing changes):
        // the churn must also have been served. Order 0 has weight 60 of 100 in the table above.
        tally.AssertAllSucceeded(order0SharePercent: 60);

        churn.FreeAll();
        alloc.DrainAllPages();
        FreeAreaChecker.Verify(alloc, $"seed {seed} after freeing everything");

        // Everything came back: free pages equal managed pages in every zone.
        foreach (Zone z in alloc.Node.Zones)
        {
            Assert.Equal(z.ManagedPages, z.VmStat[(int)ZoneStatItem.NrFreePages] + IsolatedFree(z));
        }
    }

    private static long IsolatedFree(Zone z)
    {
        long n = 0;
        for (int o = 0; o < MmConstants.NrPageOrders; o++)
        {
            n += z.NrFreeByType[(o * MigrateTypes.Count) + (int)MigrateType.Isolate] << o;
        }

        return n;
    }
}
