using System.Diagnostics;
using MmSim.Mm.PageAlloc;

namespace MmSim.Mm.Vmstat;

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
/// The external-fragmentation indices: debugfs extfrag/unusable_index and extfrag/extfrag_index,
/// and the per-zone scores compaction uses.
/// </summary>
/// <remarks>
/// Mirrors mm/vmstat.c: unusable_free_index, __fragmentation_index, fragmentation_index,
/// unusable_show_print, extfrag_show_print, and mm/compaction.c: extfrag_for_order. All integer
/// arithmetic as in the kernel, including its unsigned division that lets
/// <see cref="FragmentationIndex(int, in ContigPageInfo)"/> go below 0 (e.g. −500) when a zone
/// has fewer free blocks than 1000/2^order can cover; such values print as the kernel prints them
/// (" 0.-500").
/// </remarks>
public static class DebugfsExtfrag
{
    /// <summary>unusable_free_index: thousandths of free memory unusable for an allocation of this order.</summary>
    /// <param name="order">The order.</param>
    /// <param name="info">The zone's free summary for that order.</param>
    /// <returns>0..1000; 1000 when nothing is free.</returns>
    /// <remarks>mm/vmstat.c: unusable_free_index.</remarks>
    public static int UnusableFreeIndex(int order, in ContigPageInfo info)
    {
        // No free memory is interpreted as all free memory being unusable.
        if (info.FreePages == 0)
        {
            return 1000;
        }

        long index = (info.FreePages - (info.FreeBlocksSuitable << order)) * 1000 / info.FreePages;
        Debug.Assert(index is >= 0 and <= 1000, "unusable index out of range");
        return (int)index;
    }

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

    /// <summary>The unusable free space index of a zone for an order.</summary>
    /// <param name="zone">The zone.</param>
    /// <param name="order">The order.</param>
    /// <returns>0..1000.</returns>
    /// <remarks>mm/vmstat.c: fill_contig_page_info + unusable_free_index. Cost: O(orders).</remarks>
    public static int UnusableIndex(Zone zone, int order)
    {
        var info = ContigPageInfo.Fill(zone, order);
        return UnusableFreeIndex(order, info);
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

    /// <summary>Writes debugfs extfrag/unusable_index.</summary>
    /// <param name="m">Destination; lines end in '\n'.</param>
    /// <param name="pgdat">The node.</param>
    /// <remarks>mm/vmstat.c: unusable_show → unusable_show_print: "%d.%03d " per order, populated zones only.</remarks>
    public static void ShowUnusable(TextWriter m, PgData pgdat)
    {
        ArgumentNullException.ThrowIfNull(m);
        ArgumentNullException.ThrowIfNull(pgdat);
        if (!SeqPrintf.NodeHasMemory(pgdat))
        {
            return;
        }

        foreach (Zone zone in pgdat.Zones)
        {
            if (zone.IsPopulated)
            {
                ShowIndexRow(m, zone, unusable: true);
            }
        }
    }

    /// <summary>Writes debugfs extfrag/extfrag_index.</summary>
    /// <param name="m">Destination; lines end in '\n'.</param>
    /// <param name="pgdat">The node.</param>
    /// <remarks>mm/vmstat.c: extfrag_show → extfrag_show_print: "%2d.%03d " per order, so −1000 prints "-1.000".</remarks>
    public static void ShowExtfrag(TextWriter m, PgData pgdat)
    {
        ArgumentNullException.ThrowIfNull(m);
        ArgumentNullException.ThrowIfNull(pgdat);
        foreach (Zone zone in pgdat.Zones)
        {
            if (zone.IsPopulated)
            {
                ShowIndexRow(m, zone, unusable: false);
            }
        }
    }

    /// <summary>The text of extfrag/unusable_index.</summary>
    /// <param name="pgdat">The node.</param>
    /// <returns>The file contents.</returns>
    public static string RenderUnusable(PgData pgdat) => SeqPrintf.Render(pgdat, ShowUnusable);

    /// <summary>The text of extfrag/extfrag_index.</summary>
    /// <param name="pgdat">The node.</param>
    /// <returns>The file contents.</returns>
    public static string RenderExtfrag(PgData pgdat) => SeqPrintf.Render(pgdat, ShowExtfrag);

    private static void ShowIndexRow(TextWriter m, Zone zone, bool unusable)
    {
        SeqPrintf.NodeZone(m, zone);
        for (int order = 0; order < MmConstants.NrPageOrders; order++)
        {
            var info = ContigPageInfo.Fill(zone, order);
            int index = unusable ? UnusableFreeIndex(order, info) : FragmentationIndex(order, info);

            // C division and remainder truncate toward zero, as C#'s do.
            SeqPrintf.Dec(m, index / 1000, unusable ? 0 : 2);
            m.Write('.');
            SeqPrintf.Dec(m, index % 1000, 3, zeroPad: true);
            m.Write(' ');
        }

        m.Write('\n');
    }
}
