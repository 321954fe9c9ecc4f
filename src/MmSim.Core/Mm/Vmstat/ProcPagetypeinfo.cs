using System.Diagnostics;
using MmSim.Mm.PageAlloc;

namespace MmSim.Mm.Vmstat;

/// <summary>
/// /proc/pagetypeinfo: free blocks per order and migratetype, pageblocks per migratetype, and
/// (with page_owner) the number of mixed pageblocks.
/// </summary>
/// <remarks>
/// Mirrors mm/vmstat.c: pagetypeinfo_show (pagetypeinfo_showfree, pagetypeinfo_showblockcount,
/// pagetypeinfo_showmixedcount); the mixed count itself is mm/page_owner.c, see
/// <see cref="PageOwnerMixedCount"/>. mmsim models CONFIG_CMA and CONFIG_MEMORY_ISOLATION, so every
/// zone has six type rows and the block tables six columns, CMA included. (The 6.18 sample in
/// shared/reference has no CMA row because that kernel was built without CONFIG_CMA; the layout of
/// each row is the same.)
/// </remarks>
public static class ProcPagetypeinfo
{
    /// <summary>pagetypeinfo_showfree_print stops walking a free list at this many entries and prints "&gt;100000".</summary>
    public const int FreeCountMax = 100000;

    /// <summary>
    /// Writes /proc/pagetypeinfo from the current state without changing it. The kernel drains the
    /// per-cpu lists before the mixed-block table; a caller that wants that side effect uses
    /// <see cref="Show(TextWriter, PageAllocator, bool)"/>.
    /// </summary>
    /// <param name="m">Destination; lines end in '\n'.</param>
    /// <param name="pgdat">The node.</param>
    /// <param name="pageOwner">page_owner=on: print the "Number of mixed blocks" table.</param>
    /// <remarks>mm/vmstat.c: pagetypeinfo_show. Cost: O(zones × orders × types) plus O(pageblocks),
    /// plus O(pages) for the mixed table.</remarks>
    public static void Show(TextWriter m, PgData pgdat, bool pageOwner)
    {
        ArgumentNullException.ThrowIfNull(m);
        ArgumentNullException.ThrowIfNull(pgdat);
        if (!ShowHeadAndTables(m, pgdat))
        {
            return;
        }

        if (pageOwner)
        {
            ShowMixedCount(m, pgdat);
        }
    }

    /// <summary>
    /// Writes /proc/pagetypeinfo the way reading the real file does: the free and block tables
    /// first, then, with page_owner, drain_all_pages and the mixed-block table.
    /// </summary>
    /// <param name="m">Destination.</param>
    /// <param name="allocator">The node's allocator; its per-cpu lists are drained when <paramref name="pageOwner"/>.</param>
    /// <param name="pageOwner">page_owner=on.</param>
    /// <remarks>
    /// mm/vmstat.c: pagetypeinfo_showmixedcount calls drain_all_pages(NULL). Draining does not change
    /// the mixed counts (pcp pages are neither buddy nor owned, so the walk skips them either way),
    /// but it does change the free lists that later reads and allocations see.
    /// </remarks>
    public static void Show(TextWriter m, PageAllocator allocator, bool pageOwner)
    {
        ArgumentNullException.ThrowIfNull(m);
        ArgumentNullException.ThrowIfNull(allocator);
        if (!ShowHeadAndTables(m, allocator.Node))
        {
            return;
        }

        if (pageOwner)
        {
            allocator.DrainAllPages();
            ShowMixedCount(m, allocator.Node);
        }
    }

    /// <summary>The text of /proc/pagetypeinfo (pure: no drain).</summary>
    /// <param name="pgdat">The node.</param>
    /// <param name="pageOwner">page_owner=on.</param>
    /// <returns>The file contents.</returns>
    public static string Render(PgData pgdat, bool pageOwner = false) =>
        SeqPrintf.Render(pgdat, (w, p) => Show(w, p, pageOwner));

    /// <summary>Pageblocks of each migratetype in a zone (get_pageblock_migratetype per block; isolated blocks count as Isolate).</summary>
    /// <param name="pgdat">The node.</param>
    /// <param name="zone">The zone.</param>
    /// <param name="count">Receives one count per <see cref="MigrateType"/> (length ≥ MIGRATE_TYPES).</param>
    /// <remarks>mm/vmstat.c: pagetypeinfo_showblockcount_print. Cost: O(pageblocks of the zone).</remarks>
    public static void BlockCounts(PgData pgdat, Zone zone, Span<long> count)
    {
        ArgumentNullException.ThrowIfNull(pgdat);
        ArgumentNullException.ThrowIfNull(zone);
        Debug.Assert(count.Length >= MigrateTypes.Count, "one slot per migratetype");
        count[..MigrateTypes.Count].Clear();

        // The kernel steps from zone_start_pfn, not from an aligned PFN: a zone starting inside a pageblock (DMA at
        // PFN 1) counts the block it starts in; blocks without a memory map or of another zone are left out.
        for (int pfn = zone.ZoneStartPfn; pfn < zone.ZoneEndPfn; pfn += MmConstants.PageblockNrPages)
        {
            if (!pgdat.PfnValid(pfn) || pgdat.PageZone(pfn) != zone)
            {
                continue;
            }

            count[(int)pgdat.PageblockMigratetype(pfn)]++;
        }
    }

    private static bool ShowHeadAndTables(TextWriter m, PgData pgdat)
    {
        // Memoryless nodes print nothing.
        if (!SeqPrintf.NodeHasMemory(pgdat))
        {
            return false;
        }

        m.Write("Page block order: ");
        SeqPrintf.Dec(m, MmConstants.PageblockOrder);
        m.Write("\nPages per block:  ");
        SeqPrintf.Dec(m, MmConstants.PageblockNrPages);
        m.Write("\n\n");
        ShowFree(m, pgdat);
        ShowBlockCount(m, pgdat);
        return true;
    }

    // mm/vmstat.c: pagetypeinfo_showfree.
    private static void ShowFree(TextWriter m, PgData pgdat)
    {
        SeqPrintf.Str(m, "Free pages count per migrate type at order", -43);
        m.Write(' ');
        for (int order = 0; order < MmConstants.NrPageOrders; order++)
        {
            SeqPrintf.Dec(m, order, 6);
            m.Write(' ');
        }

        m.Write('\n');
        foreach (Zone zone in pgdat.Zones)
        {
            if (zone.IsPopulated)
            {
                ShowFreePrint(m, zone);
            }
        }
    }

    // mm/vmstat.c: pagetypeinfo_showfree_print. The kernel counts list entries and stops at
    // 100000; NrFreeByType is that list length, so capping it gives the same number.
    private static void ShowFreePrint(TextWriter m, Zone zone)
    {
        for (int mt = 0; mt < MigrateTypes.Count; mt++)
        {
            m.Write("Node ");
            SeqPrintf.Dec(m, SeqPrintf.NodeId, 4);
            m.Write(", zone ");
            SeqPrintf.Str(m, zone.Name, 8);
            m.Write(", type ");
            SeqPrintf.Str(m, MigrateTypes.Names[mt], 12);
            m.Write(' ');
            for (int order = 0; order < MmConstants.NrPageOrders; order++)
            {
                long freecount = zone.NrFreeByType[(order * MigrateTypes.Count) + mt];
                Debug.Assert(freecount >= 0, "negative free list length");
                Debug.Assert((freecount == 0) == zone.FreeAreaEmpty(order, (MigrateType)mt), "list length disagrees with the list");

                // "if (++freecount >= 100000) { overflow = true; break; }"
                bool overflow = freecount >= FreeCountMax;
                if (overflow)
                {
                    m.Write('>');
                    freecount = FreeCountMax;
                }

                SeqPrintf.Dec(m, freecount, 6);
                m.Write(' ');
            }

            m.Write('\n');
        }
    }

    // mm/vmstat.c: pagetypeinfo_showblockcount.
    private static void ShowBlockCount(TextWriter m, PgData pgdat)
    {
        m.Write('\n');
        SeqPrintf.Str(m, "Number of blocks type ", -23);
        ShowTypeColumns(m);
        Span<long> count = stackalloc long[MigrateTypes.Count];
        foreach (Zone zone in pgdat.Zones)
        {
            if (zone.IsPopulated)
            {
                BlockCounts(pgdat, zone, count);
                ShowCountRow(m, zone, count);
            }
        }
    }

    // mm/vmstat.c: pagetypeinfo_showmixedcount (CONFIG_PAGE_OWNER, page_owner=on).
    private static void ShowMixedCount(TextWriter m, PgData pgdat)
    {
        m.Write('\n');
        SeqPrintf.Str(m, "Number of mixed blocks ", -23);
        ShowTypeColumns(m);
        Span<long> count = stackalloc long[MigrateTypes.Count];
        foreach (Zone zone in pgdat.Zones)
        {
            if (zone.IsPopulated)
            {
                PageOwnerMixedCount.MixedBlockCounts(pgdat, zone, count);
                ShowCountRow(m, zone, count);
            }
        }
    }

    private static void ShowTypeColumns(TextWriter m)
    {
        for (int mt = 0; mt < MigrateTypes.Count; mt++)
        {
            SeqPrintf.Str(m, MigrateTypes.Names[mt], 12);
            m.Write(' ');
        }

        m.Write('\n');
    }

    // "Node %d, zone %8s " then "%12lu " per migratetype.
    private static void ShowCountRow(TextWriter m, Zone zone, ReadOnlySpan<long> count)
    {
        SeqPrintf.NodeZone(m, zone);
        for (int mt = 0; mt < MigrateTypes.Count; mt++)
        {
            SeqPrintf.Dec(m, count[mt], 12);
            m.Write(' ');
        }

        m.Write('\n');
    }
}
