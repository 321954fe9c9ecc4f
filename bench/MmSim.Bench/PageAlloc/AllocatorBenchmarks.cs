using BenchmarkDotNet.Attributes;
using MmSim.Mm;
using MmSim.Mm.PageAlloc;

namespace MmSim.Bench.PageAlloc;

/// <summary>
/// The page allocator's hot paths with full bookkeeping (migratetypes, counters, pcp):
/// an order-0 GFP_KERNEL allocation and its free, on machines of 1, 16 and 64 GiB, with memory
/// half full of scattered order-0 pages so the lists are realistic.
/// </summary>
[MemoryDiagnoser]
public class AllocatorBenchmarks
{
    private PageAllocator alloc = null!;
    private int[] held = [];

    /// <summary>Machine size.</summary>
    [Params(1, 16, 64)]
    public int GiB { get; set; }

    /// <summary>Per-cpu lists on (kernel default) or off (buddy core alone).</summary>
    [Params(true, false)]
    public bool Pcp { get; set; }

    /// <summary>Boots and half-fills the machine.</summary>
    [GlobalSetup]
    public void Setup()
    {
        alloc = BenchMachines.Boot(GiB, Pcp);
        long target = GiB * BenchMachines.PagesPerGiB / 2;
        held = new int[target];
        for (long i = 0; i < target; i++)
        {
            held[i] = alloc.AllocPages(GfpFlags.HighUserMovable, 0, OwnerKind.Anon);
        }

        // Free every other page: holes everywhere, as after a long run.
        for (long i = 0; i < target; i += 2)
        {
            alloc.FreePages(held[i], 0);
        }
    }

    /// <summary>One order-0 GFP_KERNEL allocation followed by its free.</summary>
    /// <returns>The PFN, so the JIT cannot drop the work.</returns>
    [Benchmark(OperationsPerInvoke = 1024)]
    public int Order0Pair()
    {
        int pfn = 0;
        for (int i = 0; i < 1024; i++)
        {
            pfn = alloc.AllocPages(GfpFlags.Kernel, 0);
            alloc.FreePages(pfn, 0);
        }

        return pfn;
    }
}
