using BenchmarkDotNet.Attributes;
using MmSim.Bench.PageAlloc;
using MmSim.Mm;
using MmSim.Mm.PageAlloc;

namespace MmSim.Bench.Floor;

/// <summary>
/// The order-0 alloc+free pair on the full model (GFP_KERNEL, pcp on and off) against the bare
/// buddy floor, in one run, at 16 GiB with memory half full of scattered pages. Read the Ratio
/// column: it is the cost of mobility grouping, counters and per-cpu lists over a bare buddy.
/// </summary>
[MemoryDiagnoser]
public class FloorBenchmarks
{
    private const int Pairs = 1024;
    private BareBuddy bare = null!;
    private PageAllocator withPcp = null!;
    private PageAllocator withoutPcp = null!;

    /// <summary>Builds and half-fills all three allocators the same way.</summary>
    [GlobalSetup]
    public void Setup()
    {
        int pages = (int)(16 * BenchMachines.PagesPerGiB);
        bare = new BareBuddy(pages);
        var held = new int[pages / 2];
        for (int i = 0; i < held.Length; i++)
        {
            held[i] = bare.Alloc(0);
        }

        for (int i = 0; i < held.Length; i += 2)
        {
            bare.Free(held[i], 0);
        }

        withPcp = HalfFilled(true);
        withoutPcp = HalfFilled(false);
    }

    private static PageAllocator HalfFilled(bool pcp)
    {
        PageAllocator a = BenchMachines.Boot(16, pcp);
        var held = new int[(int)(8 * BenchMachines.PagesPerGiB)];
        for (int i = 0; i < held.Length; i++)
        {
            held[i] = a.AllocPages(GfpFlags.HighUserMovable, 0, OwnerKind.Anon);
        }

        for (int i = 0; i < held.Length; i += 2)
        {
            a.FreePages(held[i], 0);
        }

        return a;
    }

    /// <summary>Bare buddy: the floor.</summary>
    /// <returns>Last PFN.</returns>
    [Benchmark(Baseline = true, OperationsPerInvoke = Pairs)]
    public int BareBuddyPair()
    {
        int pfn = 0;
        for (int i = 0; i < Pairs; i++)
        {
            pfn = bare.Alloc(0);
            bare.Free(pfn, 0);
        }

        return pfn;
    }

    /// <summary>Full model, pcp on (the kernel's default).</summary>
    /// <returns>Last PFN.</returns>
    [Benchmark(OperationsPerInvoke = Pairs)]
    public int ModelPairPcp()
    {
        int pfn = 0;
        for (int i = 0; i < Pairs; i++)
        {
            pfn = withPcp.AllocPages(GfpFlags.Kernel, 0);
            withPcp.FreePages(pfn, 0);
        }

        return pfn;
    }

    /// <summary>Full model, pcp off (buddy core with migratetypes and counters).</summary>
    /// <returns>Last PFN.</returns>
    [Benchmark(OperationsPerInvoke = Pairs)]
    public int ModelPairBuddy()
    {
        int pfn = 0;
        for (int i = 0; i < Pairs; i++)
        {
            pfn = withoutPcp.AllocPages(GfpFlags.Kernel, 0);
            withoutPcp.FreePages(pfn, 0);
        }

        return pfn;
    }
}
