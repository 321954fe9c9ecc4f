using System.Diagnostics;
using MmSim.Mm.PageAlloc;

namespace MmSim.Mm.Compaction;

/// <summary>
/// Free-memory summary of one zone for one requested order (struct contig_page_info).
/// </summary>
/// <param name="FreePages">Free base pages in the zone.</param>
/// <param name="FreeBlocksTotal">Free blocks of any order.</param>
/// <param name="FreeBlocksSuitable">Free blocks of the requested order that the free blocks at or above it could supply.</param>
/// <remarks>mm/vmstat.c: struct contig_page_info, fill_contig_page_info.</remarks>
public readonly record struct ContigPageInfo(long FreePages, long FreeBlocksTotal, long FreeBlocksSuitable)
{
    /// <summary>fill_contig_page_info: sums <see cref="Zone.NrFree"/> (every migratetype list, ISOLATE included).</summary>
    /// <param name="zone">The zone.</param>
    /// <param name="suitableOrder">The order a request would need.</param>
    /// <returns>The summary.</returns>
    /// <remarks>mm/vmstat.c: fill_contig_page_info. Cost: O(orders).</remarks>
    public static ContigPageInfo Fill(Zone zone, int suitableOrder)
    {
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentOutOfRangeException.ThrowIfNegative(suitableOrder);
        long total = 0, free = 0, suitable = 0;
        for (int order = 0; order < MmConstants.NrPageOrders; order++)
        {
            long blocks = zone.NrFree[order];
            Debug.Assert(blocks >= 0, "negative nr_free");
            total += blocks;
            free += blocks << order;
            if (order >= suitableOrder)
            {
                suitable += blocks << (order - suitableOrder);
            }
        }

        return new ContigPageInfo(free, total, suitable);
    }
}

/// <summary>
/// The external-fragmentation index compaction_suitable uses to tell "too fragmented" (compact)
/// from "too little memory" (reclaim), and the per-zone score proactive compaction uses.
/// </summary>
/// <remarks>
/// The kernel defines these in mm/vmstat.c (fill_contig_page_info, __fragmentation_index,
/// fragmentation_index, declared in include/linux/compaction.h) and mm/compaction.c
/// (extfrag_for_order); mmsim keeps them with compaction, their user, so that compaction does not
/// depend on the debugfs renderer (Mm/Vmstat/DebugfsExtfrag.cs prints them). All integer arithmetic
/// as in the kernel, including its unsigned division that lets
/// <see cref="FragmentationIndex(int, in ContigPageInfo)"/> go below 0 (e.g. −500) when a zone has
/// fewer free blocks than 1000/2^order can cover.
/// </remarks>
public static class Fragmentation
{
    /// <summary>__fragmentation_index: 0 = a failure would be for lack of memory, 1000 = for fragmentation, −1000 = would succeed.</summary>
    /// <param name="order">The order.</param>
    /// <param name="info">The zone's free summary for that order.</param>
    /// <returns>The index in thousandths.</returns>
    /// <remarks>mm/vmstat.c: __fragmentation_index.</remarks>
    public static int FragmentationIndex(int order, in ContigPageInfo info)
    {
        if ((uint)order > MmConstants.MaxPageOrder)
        {
            return 0;
        }

        if (info.FreeBlocksTotal == 0)
        {
            return 0;
        }

        // Fragmentation index only makes sense when a request would fail.
        if (info.FreeBlocksSuitable != 0)
        {
            return -1000;
        }

        // 1000 - div_u64(1000 + div_u64(free_pages * 1000, requested), free_blocks_total), in u64
        // and truncated to int by the return: the same as signed arithmetic at these magnitudes.
        long requested = 1L << order;
        long q = (1000 + (info.FreePages * 1000 / requested)) / info.FreeBlocksTotal;
        return (int)(1000 - q);
    }

    /// <summary>fragmentation_index(zone, order), as compaction_suitable and extfrag_index use it.</summary>
    /// <param name="zone">The zone.</param>
    /// <param name="order">The order.</param>
    /// <returns>The index in thousandths.</returns>
    /// <remarks>mm/vmstat.c: fragmentation_index. Cost: O(orders).</remarks>
    public static int FragmentationIndex(Zone zone, int order)
    {
        var info = ContigPageInfo.Fill(zone, order);
        return FragmentationIndex(order, info);
    }

    /// <summary>extfrag_for_order: percent of free memory not in blocks of at least this order (the proactive compaction score of a zone at pageblock order).</summary>
    /// <param name="zone">The zone.</param>
    /// <param name="order">The order.</param>
    /// <returns>0..100; 0 when nothing is free.</returns>
    /// <remarks>mm/compaction.c: extfrag_for_order. Cost: O(orders).</remarks>
    public static int ExtfragForOrder(Zone zone, int order)
    {
        var info = ContigPageInfo.Fill(zone, order);
        if (info.FreePages == 0)
        {
            return 0;
        }

        return (int)((info.FreePages - (info.FreeBlocksSuitable << order)) * 100 / info.FreePages);
    }
}
