using MmSim.Mm;
using MmSim.Mm.PageAlloc;

namespace MmSim.Bench.PageAlloc;

/// <summary>x86-64-shaped machines for benchmarks: DMA 16 MiB (1 MiB reserved), DMA32 to 4 GiB, Normal the rest.</summary>
internal static class BenchMachines
{
    public const long PagesPerGiB = 1L << 18;

    public static MachineSpec Spec(int gib)
    {
        long total = gib * PagesPerGiB;
        long dma = 4096, dma32 = Math.Min(total, 4 * PagesPerGiB) - dma;
        var zones = new List<ZoneSpec> { new(ZoneType.Dma, dma, null, 256), new(ZoneType.Dma32, dma32) };
        if (total > 4 * PagesPerGiB)
        {
            zones.Add(new ZoneSpec(ZoneType.Normal, total - (4 * PagesPerGiB)));
        }

        return new MachineSpec(zones, []);
    }

    public static PageAllocator Boot(int gib, bool pcp = true) =>
        MmInit.Boot(Spec(gib), new PageAllocOptions { PcpEnabled = pcp });
}
