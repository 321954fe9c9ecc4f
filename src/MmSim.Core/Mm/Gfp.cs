namespace MmSim.Mm;

/// <summary>Allocation flags (gfp_t) with the 6.18 bit values.</summary>
/// <remarks>include/linux/gfp_types.h.</remarks>
[Flags]
#pragma warning disable CA1711 // "Flags" is the kernel's own word for these.
public enum GfpFlags : uint
#pragma warning restore CA1711
{
    /// <summary>No flags (GFP_NOWAIT without kswapd wake-up).</summary>
    None = 0,

    /// <summary>__GFP_DMA.</summary>
    Dma = 0x01,

    /// <summary>__GFP_HIGHMEM.</summary>
    HighMem = 0x02,

    /// <summary>__GFP_DMA32.</summary>
    Dma32 = 0x04,

    /// <summary>__GFP_MOVABLE.</summary>
    Movable = 0x08,

    /// <summary>__GFP_RECLAIMABLE.</summary>
    Reclaimable = 0x10,

    /// <summary>__GFP_HIGH: may use part of the min reserve.</summary>
    High = 0x20,

    /// <summary>__GFP_IO.</summary>
    Io = 0x40,

    /// <summary>__GFP_FS.</summary>
    Fs = 0x80,

    /// <summary>__GFP_ZERO.</summary>
    Zero = 0x100,

    /// <summary>__GFP_DIRECT_RECLAIM.</summary>
    DirectReclaim = 0x400,

    /// <summary>__GFP_KSWAPD_RECLAIM.</summary>
    KswapdReclaim = 0x800,

    /// <summary>__GFP_WRITE.</summary>
    Write = 0x1000,

    /// <summary>__GFP_NOWARN.</summary>
    NoWarn = 0x2000,

    /// <summary>__GFP_RETRY_MAYFAIL.</summary>
    RetryMayFail = 0x4000,

    /// <summary>__GFP_NOFAIL.</summary>
    NoFail = 0x8000,

    /// <summary>__GFP_NORETRY.</summary>
    NoRetry = 0x10000,

    /// <summary>__GFP_MEMALLOC.</summary>
    MemAlloc = 0x20000,

    /// <summary>__GFP_COMP: compound page.</summary>
    Comp = 0x40000,

    /// <summary>__GFP_NOMEMALLOC.</summary>
    NoMemAlloc = 0x80000,

    /// <summary>__GFP_HARDWALL.</summary>
    HardWall = 0x100000,

    /// <summary>__GFP_THISNODE.</summary>
    ThisNode = 0x200000,

    /// <summary>__GFP_ACCOUNT: charge to the memcg.</summary>
    Account = 0x400000,

    /// <summary>__GFP_ZEROTAGS.</summary>
    ZeroTags = 0x800000,

    /// <summary>__GFP_RECLAIM.</summary>
    Reclaim = DirectReclaim | KswapdReclaim,

    /// <summary>GFP_ATOMIC.</summary>
    Atomic = High | KswapdReclaim,

    /// <summary>GFP_KERNEL.</summary>
    Kernel = Reclaim | Io | Fs,

    /// <summary>GFP_KERNEL_ACCOUNT.</summary>
    KernelAccount = Kernel | Account,

    /// <summary>GFP_NOWAIT.</summary>
    NoWait = KswapdReclaim | NoWarn,

    /// <summary>GFP_NOIO.</summary>
    NoIo = Reclaim,

    /// <summary>GFP_NOFS.</summary>
    NoFs = Reclaim | Io,

    /// <summary>GFP_USER.</summary>
    User = Reclaim | Io | Fs | HardWall,

    /// <summary>GFP_HIGHUSER.</summary>
    HighUser = User | HighMem,

    /// <summary>GFP_HIGHUSER_MOVABLE: anonymous and page-cache memory.</summary>
    HighUserMovable = HighUser | Movable,

    /// <summary>GFP_TRANSHUGE_LIGHT: THP without direct reclaim.</summary>
    TransHugeLight = (HighUserMovable | Comp | NoMemAlloc | NoWarn) & ~Reclaim,

    /// <summary>GFP_TRANSHUGE.</summary>
    TransHuge = TransHugeLight | DirectReclaim,
}

/// <summary>gfp_t helpers: migratetype and zone selection.</summary>
public static class Gfp
{
    /// <summary>GFP_MOVABLE_MASK.</summary>
    public const GfpFlags MovableMask = GfpFlags.Reclaimable | GfpFlags.Movable;

    /// <summary>Converts gfp flags to the allocation's migratetype.</summary>
    /// <param name="gfp">The allocation flags.</param>
    /// <param name="groupByMobilityDisabled">page_group_by_mobility_disabled.</param>
    /// <returns>Unmovable, Movable, Reclaimable (or HighAtomic when both bits are set, which the kernel warns about).</returns>
    /// <remarks>include/linux/gfp.h: gfp_migratetype.</remarks>
    public static MigrateType Migratetype(GfpFlags gfp, bool groupByMobilityDisabled = false)
    {
        if (groupByMobilityDisabled)
        {
            return MigrateType.Unmovable;
        }

        // GFP_MOVABLE_SHIFT is 3: __GFP_MOVABLE (0x08) → 1, __GFP_RECLAIMABLE (0x10) → 2.
        return (MigrateType)(((uint)(gfp & MovableMask)) >> 3);
    }

    /// <summary>The highest zone an allocation may use.</summary>
    /// <param name="gfp">The allocation flags.</param>
    /// <returns>The preferred (highest) zone type.</returns>
    /// <remarks>include/linux/gfp.h: gfp_zone / GFP_ZONE_TABLE on x86-64 (no ZONE_HIGHMEM: __GFP_HIGHMEM alone means NORMAL).</remarks>
    public static ZoneType Zone(GfpFlags gfp)
    {
        if ((gfp & GfpFlags.Dma) != 0)
        {
            return ZoneType.Dma;
        }

        if ((gfp & GfpFlags.Dma32) != 0)
        {
            return ZoneType.Dma32;
        }

        const GfpFlags movableHighmem = GfpFlags.Movable | GfpFlags.HighMem;
        return (gfp & movableHighmem) == movableHighmem ? ZoneType.Movable : ZoneType.Normal;
    }
}
