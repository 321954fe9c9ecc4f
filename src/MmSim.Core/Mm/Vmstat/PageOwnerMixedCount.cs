using System.Diagnostics;
using MmSim.Mm.PageAlloc;

namespace MmSim.Mm.Vmstat;

/// <summary>
/// page_owner's count of "mixed" pageblocks: blocks holding an allocation whose migratetype differs
/// from the block's, the fragmentation that fallback stealing leaves behind.
/// </summary>
/// <remarks>
/// Mirrors mm/page_owner.c: pagetypeinfo_showmixedcount_print, printed by
/// <see cref="ProcPagetypeinfo"/>. page_owner records the gfp of every page of an allocation; mmsim
/// records <see cref="PageFrame.AllocMt"/> on the head page only, so the one place where the kernel
/// walk can land on a tail page (a block that starts in the second half of an allocated order-10
/// block) looks the head up instead.
/// </remarks>
public static class PageOwnerMixedCount
{
    private const int MaxOrderNrPages = 1 << MmConstants.MaxPageOrder;

    /// <summary>Counts the mixed pageblocks of a zone by the block's migratetype (a CMA block counts as Movable).</summary>
    /// <param name="pgdat">The node.</param>
    /// <param name="zone">The zone.</param>
    /// <param name="count">Receives one count per <see cref="MigrateType"/> (length ≥ MIGRATE_TYPES).</param>
    /// <remarks>mm/page_owner.c: pagetypeinfo_showmixedcount_print. Cost: O(pages of the zone) at worst;
    /// free and allocated blocks are skipped by their order.</remarks>
    public static void MixedBlockCounts(PgData pgdat, Zone zone, Span<long> count)
    {
        ArgumentNullException.ThrowIfNull(pgdat);
        ArgumentNullException.ThrowIfNull(zone);
        Debug.Assert(count.Length >= MigrateTypes.Count, "one slot per migratetype");
        count[..MigrateTypes.Count].Clear();
        long endPfn = zone.ZoneEndPfn;
        long pfn = zone.ZoneStartPfn;

        // Every step advances pfn by at least one page, so the walk ends within the zone's span.
        while (pfn < endPfn)
        {
            if (!pgdat.PfnValid(pfn))
            {
                pfn = AlignUp(pfn + 1, MaxOrderNrPages);
                continue;
            }

            long blockEndPfn = Math.Min(AlignUp(pfn + 1, MmConstants.PageblockNrPages), endPfn);
            MigrateType pageblockMt = pgdat.PageblockMigratetype((int)pfn);
            pfn = WalkBlock(pgdat, zone, pfn, blockEndPfn, pageblockMt, count);
        }
    }

    // The inner loop of pagetypeinfo_showmixedcount_print over one pageblock; returns where the
    // outer loop continues (past a skipped buddy or allocation, or the block end after a hit).
    private static long WalkBlock(PgData pgdat, Zone zone, long pfn, long blockEndPfn, MigrateType pageblockMt, Span<long> count)
    {
        PageFrame[] pages = pgdat.Pages;
        for (; pfn < blockEndPfn; pfn++)
        {
            ref PageFrame page = ref pages[pfn];
            if (pgdat.PageZone((int)pfn) != zone)
            {
                continue;
            }

            if (page.Has(PageFlags.Buddy))
            {
                pfn += (1L << page.Order) - 1;
                continue;
            }

            if (page.Has(PageFlags.Reserved))
            {
                continue;
            }

            int head = OwnerHead(pages, (int)pfn);
            if (head < 0)
            {
                continue;
            }

            MigrateType pageMt = (MigrateType)pages[head].AllocMt;
            if (pageMt != pageblockMt)
            {
                count[(int)(pageblockMt == MigrateType.Cma ? MigrateType.Movable : pageblockMt)]++;
                return blockEndPfn;
            }

            pfn += (1L << pages[head].Order) - 1;
        }

        return pfn;
    }

    // The page whose page_owner record covers pfn (PAGE_EXT_OWNER_ALLOCATED with a recorded gfp),
    // or -1. Only an order-10 allocation spans pageblocks, so a tail reached at a block start can
    // only belong to the order-10 head below it.
    private static int OwnerHead(PageFrame[] pages, int pfn)
    {
        if (IsOwned(pages[pfn]))
        {
            return pfn;
        }

        int head = pfn & ~(MaxOrderNrPages - 1);
        if (head != pfn && IsOwned(pages[head]) && pages[head].Order == MmConstants.MaxPageOrder)
        {
            return head;
        }

        return -1;
    }

    private static bool IsOwned(in PageFrame page) =>
        page.Has(PageFlags.Allocated) && page.AllocMt != MigrateTypes.None;

    private static long AlignUp(long pfn, int alignment) => (pfn + alignment - 1) & ~(long)(alignment - 1);
}
