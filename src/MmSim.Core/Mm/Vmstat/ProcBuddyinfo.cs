using MmSim.Mm.PageAlloc;

namespace MmSim.Mm.Vmstat;

/// <summary>
/// /proc/buddyinfo: free blocks per order in each populated zone.
/// </summary>
/// <remarks>
/// Mirrors mm/vmstat.c: frag_show → walk_zones_in_node(assert_populated) → frag_show_print.
/// The per-migratetype split is /proc/pagetypeinfo (<see cref="ProcPagetypeinfo"/>); this file
/// only reads <see cref="Zone.NrFree"/>, which counts blocks on every list (ISOLATE, HIGHATOMIC and
/// CMA included). Cost: O(zones × orders).
/// </remarks>
public static class ProcBuddyinfo
{
    /// <summary>Writes /proc/buddyinfo (frag_show).</summary>
    /// <param name="m">Destination; lines end in '\n'.</param>
    /// <param name="pgdat">The node.</param>
    /// <remarks>mm/vmstat.c: frag_show_print: "Node %d, zone %8s " then "%6lu " per order.</remarks>
    public static void Show(TextWriter m, PgData pgdat)
    {
        ArgumentNullException.ThrowIfNull(m);
        ArgumentNullException.ThrowIfNull(pgdat);
        foreach (Zone zone in pgdat.Zones)
        {
            if (zone.IsPopulated)
            {
                FragShowPrint(m, zone);
            }
        }
    }

    /// <summary>The text of /proc/buddyinfo.</summary>
    /// <param name="pgdat">The node.</param>
    /// <returns>The file contents.</returns>
    public static string Render(PgData pgdat) => SeqPrintf.Render(pgdat, Show);

    // mm/vmstat.c: frag_show_print.
    private static void FragShowPrint(TextWriter m, Zone zone)
    {
        SeqPrintf.NodeZone(m, zone);
        for (int order = 0; order < MmConstants.NrPageOrders; order++)
        {
            SeqPrintf.Dec(m, zone.NrFree[order], 6);
            m.Write(' ');
        }

        m.Write('\n');
    }
}
