using System.Diagnostics;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;

namespace MmSim.Mm.Compaction;

/// <summary>
/// Whether compaction of a zone is worth running, and how fragmented a zone and node are: the
/// checks kcompactd's wake-up, kcompactd_do_work and (later) direct compaction share.
/// </summary>
/// <remarks>mm/compaction.c: compaction_suit_allocation_order, compaction_suitable, __compaction_suitable,
/// fragmentation_score_zone/_weighted/_node, fragmentation_score_wmark.</remarks>
public static class CompactionSuitable
{
    /// <summary>COMPACTION_HPAGE_ORDER on x86-64 with THP: the order proactive compaction scores.</summary>
    public const int CompactionHpageOrder = MmConstants.PageblockOrder;

    /// <summary>compact_gap: free pages compaction needs as migration targets, twice the request.</summary>
    /// <param name="order">The order.</param>
    /// <returns>2 &lt;&lt; order pages.</returns>
    public static long CompactGap(int order)
    {
        Debug.Assert(order >= 0 && order <= MmConstants.MaxPageOrder, "order in range");
        return 2L << order;
    }

    /// <summary>
    /// compaction_suit_allocation_order: SUCCESS if the request already fits, SKIPPED if compaction is
    /// unlikely to help (too little free memory, or fragmentation is not the problem), else CONTINUE.
    /// </summary>
    /// <param name="zone">The zone.</param>
    /// <param name="order">Requested order, ≥ 1.</param>
    /// <param name="highestZoneidx">The request's highest zone (lowmem reserve index).</param>
    /// <param name="allocFlags">The request's watermark (and CMA) flags.</param>
    /// <param name="async">MIGRATE_ASYNC direct compaction (the non-CMA free-memory check).</param>
    /// <param name="kcompactd">Called for kcompactd: with defrag_mode, free memory counts whole free pageblocks only.</param>
    /// <param name="defragMode">vm.defrag_mode.</param>
    /// <param name="extfragThreshold">vm.extfrag_threshold.</param>
    /// <returns><see cref="CompactResult.Success"/>, <see cref="CompactResult.Skipped"/> or <see cref="CompactResult.Continue"/>.</returns>
    /// <remarks>Cost: O(orders × types).</remarks>
    public static CompactResult CompactionSuitAllocationOrder(
        Zone zone, int order, int highestZoneidx, AllocFlags allocFlags, bool async, bool kcompactd, bool defragMode, int extfragThreshold)
    {
        ArgumentNullException.ThrowIfNull(zone);
        Debug.Assert(order > 0, "compaction serves high orders");
        ZoneStatItem freeItem = kcompactd && defragMode ? ZoneStatItem.NrFreePagesBlocks : ZoneStatItem.NrFreePages;
        long freePages = zone.ZonePageState(freeItem);
        long watermark = zone.WmarkPages((WatermarkIndex)(int)(allocFlags & AllocFlags.WmarkMask));
        if (PageAllocator.ZoneWatermarkOkCore(zone, order, watermark, (ZoneType)highestZoneidx, allocFlags, freePages))
        {
            return CompactResult.Success;
        }

        // For unmovable costly requests (no ALLOC_CMA), free CMA pages are no use as targets.
        if (order > MmConstants.PageAllocCostlyOrder && async && (allocFlags & AllocFlags.Cma) == 0 &&
            !PageAllocator.ZoneWatermarkOkCore(zone, 0, watermark + CompactGap(order), (ZoneType)highestZoneidx, 0,
                zone.ZonePageState(ZoneStatItem.NrFreePages)))
        {
            return CompactResult.Skipped;
        }

        return CompactionSuitableFor(zone, order, watermark, highestZoneidx, extfragThreshold)
            ? CompactResult.Continue
            : CompactResult.Skipped;
    }

    /// <summary>
    /// compaction_suitable: enough order-0 free pages above <paramref name="watermark"/> to serve as migration
    /// targets, and, for costly orders, a fragmentation index above <paramref name="extfragThreshold"/>
    /// (a low index means the failure is lack of memory: reclaim, not compaction).
    /// </summary>
    /// <param name="zone">The zone.</param>
    /// <param name="order">The order.</param>
    /// <param name="watermark">The request's watermark in pages.</param>
    /// <param name="highestZoneidx">The request's highest zone.</param>
    /// <param name="extfragThreshold">vm.extfrag_threshold (0..1000).</param>
    /// <returns>True when compaction may help.</returns>
    public static bool CompactionSuitableFor(Zone zone, int order, long watermark, int highestZoneidx, int extfragThreshold)
    {
        ArgumentNullException.ThrowIfNull(zone);
        if (!CompactionSuitableCore(zone, order, watermark, highestZoneidx, zone.ZonePageState(ZoneStatItem.NrFreePages)))
        {
            return false;
        }

        if (order <= MmConstants.PageAllocCostlyOrder)
        {
            return true;
        }

        int fragindex = Fragmentation.FragmentationIndex(zone, order);
        return !(fragindex >= 0 && fragindex <= extfragThreshold);
    }

    /// <summary>
    /// __compaction_suitable: the order-0 watermark check against <paramref name="watermark"/> plus
    /// compact_gap(order), plus (low − min) for costly orders, counting free CMA pages (ALLOC_CMA).
    /// </summary>
    /// <param name="zone">The zone.</param>
    /// <param name="order">The order.</param>
    /// <param name="watermark">Base watermark in pages.</param>
    /// <param name="highestZoneidx">The request's highest zone.</param>
    /// <param name="freePages">Free pages to test.</param>
    /// <returns>True when the check passes.</returns>
    public static bool CompactionSuitableCore(Zone zone, int order, long watermark, int highestZoneidx, long freePages)
    {
        ArgumentNullException.ThrowIfNull(zone);
        if (order > MmConstants.PageAllocCostlyOrder)
        {
            watermark += zone.Watermark[(int)WatermarkIndex.Low] - zone.Watermark[(int)WatermarkIndex.Min];
        }

        watermark += CompactGap(order);
        return PageAllocator.ZoneWatermarkOkCore(zone, 0, watermark, (ZoneType)highestZoneidx, AllocFlags.Cma, freePages);
    }

    /// <summary>fragmentation_score_zone: extfrag_for_order at COMPACTION_HPAGE_ORDER, 0..100.</summary>
    /// <param name="zone">The zone.</param>
    /// <returns>Percent of free memory in blocks smaller than a pageblock.</returns>
    public static int FragmentationScoreZone(Zone zone) => Fragmentation.ExtfragForOrder(zone, CompactionHpageOrder);

    /// <summary>
    /// fragmentation_score_node: Σ present_pages(z) × score(z) / (node_present_pages + 1), so small zones
    /// such as DMA barely count.
    /// </summary>
    /// <param name="pgdat">The node.</param>
    /// <returns>0..100.</returns>
    /// <remarks>Cost: O(zones × orders).</remarks>
    public static int FragmentationScoreNode(PgData pgdat)
    {
        ArgumentNullException.ThrowIfNull(pgdat);
        long nodePresentPages = 0;
        foreach (Zone zone in pgdat.Zones)
        {
            nodePresentPages += zone.PresentPages;
        }

        long score = 0;
        foreach (Zone zone in pgdat.Zones)
        {
            if (zone.PresentPages != 0)
            {
                score += zone.PresentPages * FragmentationScoreZone(zone) / (nodePresentPages + 1);
            }
        }

        Debug.Assert(score >= 0 && score <= 100, "a percentage");
        return (int)score;
    }

    /// <summary>fragmentation_score_wmark: the node score at which proactive compaction stops (low) or starts (high).</summary>
    /// <param name="proactiveness">vm.compaction_proactiveness (1..100).</param>
    /// <param name="low">True for the low mark.</param>
    /// <param name="before616">Releases before 6.16: low = max(100 − p, 5), high = low + 10.</param>
    /// <returns>The mark, 0..100.</returns>
    /// <remarks>6.16+: low = 100 − p and high = low + min(10, low / 2); both capped at 100.</remarks>
    public static int FragmentationScoreWmark(int proactiveness, bool low, bool before616)
    {
        Debug.Assert(proactiveness >= 0 && proactiveness <= 100, "sysctl range");
        int wmarkLow = before616 ? Math.Max(100 - proactiveness, 5) : 100 - proactiveness;
        int leeway = before616 ? 10 : Math.Min(10, wmarkLow / 2);
        return low ? wmarkLow : Math.Min(wmarkLow + leeway, 100);
    }
}
