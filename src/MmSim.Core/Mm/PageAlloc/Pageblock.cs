using static MmSim.Mm.VmBug;

namespace MmSim.Mm.PageAlloc;

// Pageblock type changes and the free-page moves that go with them (freelist hygiene, 6.10+:
// every free page sits on the list of its block's current type).
public sealed partial class PageAllocator
{
    // mm/page_alloc.c: change_pageblock_range.
    internal void ChangePageblockRange(int pfn, int startOrder, MigrateType mt)
    {
        int nrPageblocks = 1 << (startOrder - MmConstants.PageblockOrder);
        for (int i = 0; i < nrPageblocks; i++)
        {
            Node.SetPageblockMigratetype(pfn + (i << MmConstants.PageblockOrder), mt);
        }
    }

    /// <summary>
    /// prep_move_freepages_block: refuses blocks that straddle the zone edge; optionally counts
    /// free (PageBuddy) and movable (LRU or movable_ops) pages.
    /// </summary>
    /// <remarks>
    /// mm/page_alloc.c: prep_move_freepages_block. The kernel tests PageLRU on every PFN and a
    /// compound folio's tail pages report the head's flag; mmsim keeps state on head pages only, so
    /// an allocated LRU head counts all 2^order pages and the walk skips the block.
    /// </remarks>
    internal bool PrepMoveFreepagesBlock(Zone zone, int pfn, out int startPfn, out int numFree, out int numMovable)
    {
        numFree = 0;
        numMovable = 0;
        if (!BlockInZone(zone, pfn, out startPfn))
        {
            return false;
        }

        int start = startPfn;
        int end = start + MmConstants.PageblockNrPages;

        for (int p = start; p < end;)
        {
            ref PageFrame page = ref pages[p];
            if (page.Has(PageFlags.Buddy))
            {
                int nr = 1 << page.Order;
                numFree += nr;
                p += nr;
                continue;
            }

            if (page.Has(PageFlags.Allocated))
            {
                int nr = Math.Min(1 << page.Order, end - p);
                if (page.Has(PageFlags.Lru) || page.Has(PageFlags.MovableOps))
                {
                    numMovable += nr;
                }

                p += nr;
                continue;
            }

            p++;
        }

        return true;
    }

    // The zone check of prep_move_freepages_block: the caller only holds this zone's lock, so a
    // block straddling into another zone is left alone.
    private static bool BlockInZone(Zone zone, int pfn, out int startPfn)
    {
        startPfn = pfn & ~(MmConstants.PageblockNrPages - 1);
        return zone.SpansPfn(startPfn) && zone.SpansPfn(startPfn + MmConstants.PageblockNrPages - 1);
    }

    // mm/page_alloc.c: __move_freepages_block — moves every buddy in the block to new_mt's lists.
    internal int MoveFreepagesBlockRaw(Zone zone, int startPfn, MigrateType oldMt, MigrateType newMt)
    {
        VmWarnOn((startPfn & (MmConstants.PageblockNrPages - 1)) != 0, "VM_WARN_ON(start_pfn & (pageblock_nr_pages - 1)) in __move_freepages_block");
        int end = startPfn + MmConstants.PageblockNrPages;
        int moved = 0;
        for (int p = startPfn; p < end;)
        {
            ref PageFrame page = ref pages[p];
            if (!page.Has(PageFlags.Buddy))
            {
                p++;
                continue;
            }

            // "Make sure we are not inadvertently changing nodes" (one node here) and zones.
            VmBugOnPage(Node.PageZone(p) != zone, pages, p, "VM_BUG_ON_PAGE(page_zone(page) != zone, page) in __move_freepages_block");
            int order = page.Order;
            MoveToFreeList(zone, p, order, oldMt, newMt);
            p += 1 << order;
            moved += 1 << order;
        }

        return moved;
    }

    // mm/page_alloc.c: move_freepages_block — returns -1 when the block straddles the zone.
    internal int MoveFreepagesBlock(Zone zone, int pfn, MigrateType oldMt, MigrateType newMt)
    {
        // prep_move_freepages_block with num_free == NULL: only the zone check, no counting walk.
        if (!BlockInZone(zone, pfn, out int start))
        {
            return -1;
        }

        int moved = MoveFreepagesBlockRaw(zone, start, oldMt, newMt);
        Node.SetPageblockMigratetype(start, newMt);
        return moved;
    }
}
