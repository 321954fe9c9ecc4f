using MmSim.Mm;
using MmSim.Mm.PageAlloc;

namespace MmSim.Tests.KernelRules.Support;

/// <summary>Tiny machines for the kernel-rule tests.</summary>
internal static class RuleMachines
{
    /// <summary>First PFN of the Normal zone of <see cref="Normal"/> (after a 2-pageblock DMA32 zone).</summary>
    public const int NormalStart = 1024;

    /// <summary>Pages per pageblock.</summary>
    public const int Pb = MmConstants.PageblockNrPages;

    /// <summary>
    /// A Normal zone of <paramref name="pageblocks"/> pageblocks starting at PFN 1024, below it a DMA32
    /// zone of two pageblocks whose pages are all reserved (present, never managed). The preferred zone
    /// of GFP_KERNEL is then ZONE_NORMAL, so the fast path sets ALLOC_NOFRAGMENT as on x86-64.
    /// </summary>
    public static PageAllocator Normal(
        int pageblocks,
        bool pcp = false,
        FallbackAlgorithm fallback = FallbackAlgorithm.V6_15,
        int cmaPageblocks = 0,
        long normalReserved = 0,
        bool groupByMobilityDisabled = false)
    {
        var zones = new List<ZoneSpec>
        {
            new(ZoneType.Dma32, 2L * Pb, 0, 2L * Pb),
            new(ZoneType.Normal, (long)pageblocks * Pb, null, normalReserved),
        };
        var cma = cmaPageblocks > 0 ? new List<CmaSpec> { new("test", ZoneType.Normal, (long)cmaPageblocks * Pb) } : [];
        var options = new PageAllocOptions
        {
            PcpEnabled = pcp,
            Fallback = fallback,
            GroupByMobilityDisabled = groupByMobilityDisabled,
        };
        return MmInit.Boot(new MachineSpec(zones, cma), options);
    }

    /// <summary>The Normal zone.</summary>
    public static Zone NormalZone(this PageAllocator a) => a.Node.Zones[(int)ZoneType.Normal];

    /// <summary>PFN of pageblock <paramref name="k"/> of the Normal zone of <see cref="Normal"/>.</summary>
    public static int BlockPfn(int k) => NormalStart + (k * Pb);
}
