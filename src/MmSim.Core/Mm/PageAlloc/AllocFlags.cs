namespace MmSim.Mm.PageAlloc;

/// <summary>Internal allocator flags (alloc_flags).</summary>
/// <remarks>mm/internal.h: ALLOC_* (values as in 6.18; the low two bits select the watermark).</remarks>
[Flags]
#pragma warning disable CA1711 // kernel naming
public enum AllocFlags
#pragma warning restore CA1711
{
    /// <summary>ALLOC_WMARK_MIN.</summary>
    WmarkMin = 0,

    /// <summary>ALLOC_WMARK_LOW.</summary>
    WmarkLow = 1,

    /// <summary>ALLOC_WMARK_HIGH.</summary>
    WmarkHigh = 2,

    /// <summary>ALLOC_WMARK_MASK.</summary>
    WmarkMask = 3,

    /// <summary>ALLOC_NO_WATERMARKS.</summary>
    NoWatermarks = 0x04,

    /// <summary>ALLOC_OOM.</summary>
    Oom = 0x08,

    /// <summary>ALLOC_NON_BLOCK: the caller cannot direct-reclaim.</summary>
    NonBlock = 0x10,

    /// <summary>ALLOC_MIN_RESERVE (= __GFP_HIGH).</summary>
    MinReserve = 0x20,

    /// <summary>ALLOC_CPUSET.</summary>
    Cpuset = 0x40,

    /// <summary>ALLOC_CMA: may use CMA pageblocks.</summary>
    Cma = 0x80,

    /// <summary>ALLOC_NOFRAGMENT: no fallback below pageblock order on this pass.</summary>
    NoFragment = 0x100,

    /// <summary>ALLOC_HIGHATOMIC: may use and grow the highatomic reserve.</summary>
    HighAtomic = 0x200,

    /// <summary>ALLOC_TRYLOCK.</summary>
    TryLock = 0x400,

    /// <summary>ALLOC_KSWAPD (= __GFP_KSWAPD_RECLAIM): allowed to wake kswapd.</summary>
    Kswapd = 0x800,

    /// <summary>ALLOC_RESERVES: any of the reserve-access flags.</summary>
    Reserves = NonBlock | MinReserve | HighAtomic | Oom,
}

/// <summary>Which fallback algorithm the buddy allocator uses.</summary>
public enum FallbackAlgorithm
{
    /// <summary>6.15+ (and 6.12.29+, 6.14.y stable): __rmqueue_claim then __rmqueue_steal (steal the smallest).</summary>
    V6_15,

    /// <summary>6.10–6.14 and 6.12.0–6.12.28: __rmqueue_fallback + steal_suitable_fallback (carve from the largest).</summary>
    V6_12,
}

/// <summary>Allocator configuration: the sysctls and build switches the page allocator reads.</summary>
public sealed record PageAllocOptions
{
    /// <summary>Fallback algorithm (release switch).</summary>
    public FallbackAlgorithm Fallback { get; init; } = FallbackAlgorithm.V6_15;

    /// <summary>Per-cpu page lists on (the kernel's behaviour) or off (buddy core alone).</summary>
    public bool PcpEnabled { get; init; } = true;

    /// <summary>vm.min_free_kbytes, or null for the kernel's boot-time value.</summary>
    public long? MinFreeKbytes { get; init; }

    /// <summary>Transparent hugepages enabled (khugepaged raises min_free_kbytes: set_recommended_min_free_kbytes).</summary>
    public bool ThpEnabled { get; init; } = true;

    /// <summary>vm.watermark_boost_factor.</summary>
    public int WatermarkBoostFactor { get; init; } = 15000;

    /// <summary>vm.watermark_scale_factor.</summary>
    public int WatermarkScaleFactor { get; init; } = 10;

    /// <summary>vm.lowmem_reserve_ratio for DMA, DMA32, Normal, Movable, Device.</summary>
    public IReadOnlyList<int> LowmemReserveRatio { get; init; } = [256, 256, 32, 0, 0];

    /// <summary>vm.defrag_mode (6.15+).</summary>
    public bool DefragMode { get; init; }

    /// <summary>vm.percpu_pagelist_high_fraction (0 = auto from the low watermark).</summary>
    public int PercpuPagelistHighFraction { get; init; }

    /// <summary>page_group_by_mobility_disabled (set by the kernel only on tiny machines).</summary>
    public bool GroupByMobilityDisabled { get; init; }

    /// <summary>Separate isolate bit (6.17+) rather than overwriting the block type.</summary>
    public bool IsolateBit { get; init; } = true;
}
