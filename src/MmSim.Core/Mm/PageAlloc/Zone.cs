using MmSim.Mm.Stat;

namespace MmSim.Mm.PageAlloc;

/// <summary>Index into <see cref="Zone.Watermark"/>.</summary>
/// <remarks>include/linux/mmzone.h: enum zone_watermarks.</remarks>
public enum WatermarkIndex
{
    /// <summary>WMARK_MIN.</summary>
    Min = 0,

    /// <summary>WMARK_LOW.</summary>
    Low = 1,

    /// <summary>WMARK_HIGH.</summary>
    High = 2,

    /// <summary>WMARK_PROMO.</summary>
    Promo = 3,
}

/// <summary>Zone state bits.</summary>
/// <remarks>include/linux/mmzone.h: enum zone_flags.</remarks>
[Flags]
#pragma warning disable CA1711 // kernel naming
public enum ZoneFlags
#pragma warning restore CA1711
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary>ZONE_BOOSTED_WATERMARK: a fallback boosted the watermark; rmqueue wakes kswapd.</summary>
    BoostedWatermark = 1,

    /// <summary>ZONE_RECLAIM_ACTIVE: kswapd is reclaiming in this zone (shrinks pcp high).</summary>
    ReclaimActive = 2,

    /// <summary>ZONE_BELOW_HIGH: free pages fell below the high watermark (shrinks pcp high).</summary>
    BelowHigh = 4,
}

/// <summary>
/// One memory zone of the (single) node: its span, its buddy free areas, watermarks, per-cpu
/// pages and zone counters.
/// </summary>
/// <remarks>
/// include/linux/mmzone.h: struct zone and struct free_area. The free lists are intrusive lists over
/// PFNs: list index <c>order * MIGRATE_TYPES + migratetype</c>.
/// </remarks>
public sealed class Zone
{
    /// <summary>Creates an empty zone; <see cref="MmInit"/> fills it.</summary>
    /// <param name="type">Zone index.</param>
    /// <param name="startPfn">zone_start_pfn.</param>
    /// <param name="spannedPages">spanned_pages.</param>
    public Zone(ZoneType type, int startPfn, int spannedPages)
    {
        Type = type;
        ZoneStartPfn = startPfn;
        SpannedPages = spannedPages;
        Array.Fill(FreeHead, -1);
        Array.Fill(FreeTail, -1);
    }

    /// <summary>Zone index (zone_idx).</summary>
    public ZoneType Type { get; }

    /// <summary>Name as printed in /proc ("DMA", "DMA32", "Normal", "Movable").</summary>
    public string Name => ZoneTypes.Names[(int)Type];

    /// <summary>zone_start_pfn.</summary>
    public int ZoneStartPfn { get; }

    /// <summary>spanned_pages: the PFN range the zone covers, holes included.</summary>
    public int SpannedPages { get; }

    /// <summary>One past the last PFN (zone_end_pfn).</summary>
    public int ZoneEndPfn => ZoneStartPfn + SpannedPages;

    /// <summary>present_pages: physical pages in the span.</summary>
    public long PresentPages { get; internal set; }

    /// <summary>managed_pages: pages given to the buddy allocator (present minus reserved, plus CMA once freed).</summary>
    public long ManagedPages { get; internal set; }

    /// <summary>cma_pages: pages of CMA areas in this zone.</summary>
    public long CmaPages { get; internal set; }

    /// <summary>populated_zone: the zone has managed pages... the kernel tests present pages.</summary>
    public bool IsPopulated => PresentPages > 0;

    /// <summary>zone_spans_pfn.</summary>
    /// <param name="pfn">Page frame number.</param>
    /// <returns>True when the PFN lies inside the zone's span.</returns>
    public bool SpansPfn(long pfn) => pfn >= ZoneStartPfn && pfn < ZoneEndPfn;

    /// <summary>Head PFN of each free list (-1 when empty), index order*MIGRATE_TYPES+mt.</summary>
    internal int[] FreeHead { get; } = new int[MmConstants.NrPageOrders * MigrateTypes.Count];

    /// <summary>Tail PFN of each free list (-1 when empty).</summary>
    internal int[] FreeTail { get; } = new int[MmConstants.NrPageOrders * MigrateTypes.Count];

    /// <summary>free_area[order].nr_free: free blocks per order, all types.</summary>
    public long[] NrFree { get; } = new long[MmConstants.NrPageOrders];

    /// <summary>Free blocks per list (order*MIGRATE_TYPES+mt): what pagetypeinfo counts by walking the list.</summary>
    public long[] NrFreeByType { get; } = new long[MmConstants.NrPageOrders * MigrateTypes.Count];

    /// <summary>vm_stat: the zone's counters, indexed by <see cref="ZoneStatItem"/>.</summary>
    /// <remarks>Read with <see cref="ZonePageState"/>, change with <see cref="ModZonePageState"/>; the raw
    /// array is for checkers that want the exact (unclamped) value.</remarks>
    public long[] VmStat { get; } = new long[(int)ZoneStatItem.NrVmZoneStatItems];

    /// <summary>vm_numa_event: the zone's NUMA allocation events, indexed by <see cref="NumaStatItem"/>.</summary>
    public long[] VmNumaEvent { get; } = new long[(int)NumaStatItem.NrVmNumaEventItems];

    /// <summary>nr_free_highatomic: free pages on HIGHATOMIC lists.</summary>
    public long NrFreeHighatomic { get; internal set; }

    /// <summary>nr_reserved_highatomic: pages in HIGHATOMIC pageblocks.</summary>
    public long NrReservedHighatomic { get; internal set; }

    /// <summary>_watermark[]: MIN, LOW, HIGH, PROMO without the boost.</summary>
    public long[] Watermark { get; } = new long[4];

    /// <summary>watermark_boost.</summary>
    public long WatermarkBoost { get; internal set; }

    /// <summary>lowmem_reserve[] against each higher zone index (5 entries: ZONE_DEVICE is the last, always empty).</summary>
    public long[] LowmemReserve { get; } = new long[ZoneTypes.Count + 1];

    /// <summary>nr_isolate_pageblock: pageblocks of the zone isolated now (start_isolate_page_range).</summary>
    public long NrIsolatePageblock { get; internal set; }

    /// <summary>Zone flags (ZONE_BOOSTED_WATERMARK, ZONE_BELOW_HIGH, ZONE_RECLAIM_ACTIVE).</summary>
    public ZoneFlags Flags { get; internal set; }

    /// <summary>The (one simulated CPU's) per-cpu pageset.</summary>
    public PerCpuPages Pcp { get; } = new();

    /// <summary>wmark_pages(z, i): a watermark including the boost.</summary>
    /// <param name="index">Which watermark.</param>
    /// <returns>Pages.</returns>
    public long WmarkPages(WatermarkIndex index) => Watermark[(int)index] + WatermarkBoost;

    /// <summary>List index for free_area[order].free_list[mt].</summary>
    /// <param name="order">Order.</param>
    /// <param name="mt">Migratetype.</param>
    /// <returns>Index into <see cref="FreeHead"/>.</returns>
    internal static int ListIndex(int order, MigrateType mt) => (order * MigrateTypes.Count) + (int)mt;

    /// <summary>free_area_empty.</summary>
    /// <param name="order">Order.</param>
    /// <param name="mt">Migratetype.</param>
    /// <returns>True when free_area[order].free_list[mt] is empty.</returns>
    public bool FreeAreaEmpty(int order, MigrateType mt) => FreeHead[ListIndex(order, mt)] < 0;

    /// <summary>get_page_from_free_area: the head of a free list, or -1.</summary>
    /// <param name="order">Order.</param>
    /// <param name="mt">Migratetype.</param>
    /// <returns>Head PFN or -1.</returns>
    public int FreeListHead(int order, MigrateType mt) => FreeHead[ListIndex(order, mt)];

    /// <summary>The tail of a free list, or -1.</summary>
    /// <param name="order">Order.</param>
    /// <param name="mt">Migratetype.</param>
    /// <returns>Tail PFN or -1.</returns>
    public int FreeListTail(int order, MigrateType mt) => FreeTail[ListIndex(order, mt)];

    /// <summary>zone_page_state: a zone counter, clamped at 0 as the kernel clamps transient per-cpu drift.</summary>
    /// <param name="item">The item.</param>
    /// <returns>The value, ≥ 0.</returns>
    /// <remarks>include/linux/vmstat.h: zone_page_state. Cost: O(1).</remarks>
    public long ZonePageState(ZoneStatItem item) => Math.Max(0, VmStat[(int)item]);

    /// <summary>__mod_zone_page_state: adds to a zone counter.</summary>
    /// <param name="item">The item.</param>
    /// <param name="delta">Amount (negative to subtract).</param>
    /// <remarks>mm/vmstat.c: __mod_zone_page_state (mmsim has no per-cpu deltas to fold). Cost: O(1).</remarks>
    public void ModZonePageState(ZoneStatItem item, long delta) => VmStat[(int)item] += delta;

    /// <summary>zone_numa_event_state: a NUMA event counter of this zone.</summary>
    /// <param name="item">The item.</param>
    /// <returns>The value.</returns>
    /// <remarks>include/linux/vmstat.h: zone_numa_event_state. Cost: O(1).</remarks>
    public long ZoneNumaEventState(NumaStatItem item) => VmNumaEvent[(int)item];
}
