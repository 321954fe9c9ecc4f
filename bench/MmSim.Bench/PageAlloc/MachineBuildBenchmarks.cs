using BenchmarkDotNet.Attributes;
using MmSim.Mm.PageAlloc;

namespace MmSim.Bench.PageAlloc;

/// <summary>
/// Building and booting a machine (memory map, boot freeing, watermarks). The memory diagnoser's
/// "Allocated" column divided by the page count is the bytes per simulated page.
/// </summary>
[MemoryDiagnoser]
public class MachineBuildBenchmarks
{
    /// <summary>Machine size.</summary>
    [Params(16, 64)]
    public int GiB { get; set; }

    /// <summary>Boots the machine.</summary>
    /// <returns>The allocator.</returns>
    [Benchmark]
    public PageAllocator Boot() => BenchMachines.Boot(GiB);

    /// <summary>Bytes of model state per simulated page, measured by the GC, printed once.</summary>
    [GlobalSetup]
    public void ReportBytesPerPage()
    {
        long before = GC.GetTotalMemory(forceFullCollection: true);
        PageAllocator alloc = BenchMachines.Boot(GiB);
        long after = GC.GetTotalMemory(forceFullCollection: true);
        double perPage = (after - before) / (double)alloc.Node.NodeSpannedPages;
        Console.WriteLine($"// bytes per page at {GiB} GiB: {perPage:F2}");
        GC.KeepAlive(alloc);
    }
}
