using MmSim.Mm;
using MmSim.Mm.PageAlloc;

namespace MmSim.Tests.Support;

/// <summary>Small machines for kernel-rule tests.</summary>
internal static class TestMachines
{
    public const long MiB = 1024 * 1024 / MmConstants.PageSize;
    public const long GiB = 1024 * MiB;

    /// <summary>A machine with the usual x86-64 zone shape: DMA 16 MiB, DMA32 up to 4 GiB or less, Normal the rest.</summary>
    public static PageAllocator Standard(long totalPages, PageAllocOptions? options = null, long cmaPages = 0)
    {
        long dma = 16 * MiB;
        long dma32 = Math.Min(totalPages - dma, 4 * GiB - dma);
        long normal = totalPages - dma - dma32;
        var zones = new List<ZoneSpec> { new(ZoneType.Dma, dma, null, MiB), new(ZoneType.Dma32, dma32) };
        if (normal > 0)
        {
            zones.Add(new ZoneSpec(ZoneType.Normal, normal));
        }

        var cma = cmaPages > 0 ? new List<CmaSpec> { new("reserved", normal > 0 ? ZoneType.Normal : ZoneType.Dma32, cmaPages) } : [];
        return MmInit.Boot(new MachineSpec(zones, cma), options ?? new PageAllocOptions());
    }

    /// <summary>A single Normal zone of <paramref name="pageblocks"/> pageblocks (plus a tiny DMA32 so ALLOC_NOFRAGMENT applies as on x86-64).</summary>
    public static PageAllocator NormalOnly(int pageblocks, PageAllocOptions? options = null)
    {
        var zones = new List<ZoneSpec>
        {
            new(ZoneType.Dma32, MmConstants.PageblockNrPages * 2L, null, MmConstants.PageblockNrPages * 2L),
            new(ZoneType.Normal, (long)pageblocks * MmConstants.PageblockNrPages),
        };
        return MmInit.Boot(new MachineSpec(zones, []), options ?? new PageAllocOptions());
    }
}
