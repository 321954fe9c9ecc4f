using BenchmarkDotNet.Attributes;
using MmSim.Mm;
using MmSim.Mm.PageAlloc;
using MmSim.Sim;
using MmSim.Workloads;

namespace MmSim.Bench.PageAlloc;

/// <summary>
/// The churn workload (mixed orders 0–3 and 9, movable/unmovable/reclaimable, 70 % fill) on a
/// 16 GiB machine: cost per allocator operation including fallbacks and merges.
/// </summary>
[MemoryDiagnoser]
public class MixedWorkloadBenchmarks
{
    private ChurnWorkload churn = null!;

    /// <summary>Boots and fills the machine to the churn's steady state.</summary>
    [GlobalSetup]
    public void Setup()
    {
        PageAllocator alloc = BenchMachines.Boot(16);
        churn = new ChurnWorkload(alloc, new Prng(1), 7000,
            [(0, 80), (1, 8), (2, 4), (3, 4), (9, 4)],
            [(GfpFlags.HighUserMovable, 60), (GfpFlags.Kernel, 25), (GfpFlags.Kernel | GfpFlags.Reclaimable, 15)]);
        for (int i = 0; i < 4_000_000; i++)
        {
            churn.Step();
        }
    }

    /// <summary>1024 churn operations.</summary>
    /// <returns>Held pages.</returns>
    [Benchmark(OperationsPerInvoke = 1024)]
    public long ChurnStep()
    {
        for (int i = 0; i < 1024; i++)
        {
            churn.Step();
        }

        return churn.HeldPages;
    }
}
