using System.Diagnostics;
using MmSim.Mm.Compaction;
using MmSim.Mm.PageAlloc;

namespace MmSim.Mm.Vmstat;

/// <summary>
/// debugfs extfrag/unusable_index and extfrag/extfrag_index. The fragmentation index itself is
/// compaction's (<see cref="Fragmentation"/>); this file only adds the unusable free index and prints.
/// </summary>
/// <remarks>
/// Mirrors mm/vmstat.c: unusable_free_index, unusable_show_print, extfrag_show_print. Negative
/// fragmentation indices (e.g. −500) print as the kernel prints them (" 0.-500").
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
            int index = unusable ? UnusableFreeIndex(order, info) : Fragmentation.FragmentationIndex(order, info);

            // C division and remainder truncate toward zero, as C#'s do.
            SeqPrintf.Dec(m, index / 1000, unusable ? 0 : 2);
            m.Write('.');
            SeqPrintf.Dec(m, index % 1000, 3, zeroPad: true);
            m.Write(' ');
        }

        m.Write('\n');
    }
}
