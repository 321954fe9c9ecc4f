// Taking a free buddy block off its list for a scanner that will hand it out itself (compaction's
// free scanner, isolate_freepages_range for alloc_contig_range), and giving back one it did not use.
// The block is then neither on a free list nor allocated: the scanner owns it until it hands it
// to a migration destination (post_alloc_hook) or puts it back here.
using static MmSim.Mm.VmBug;

namespace MmSim.Mm.PageAlloc;

public sealed partial class PageAllocator
{
    /// <summary>
    /// __isolate_free_page: removes the free block at <paramref name="pfn"/> of <paramref name="order"/>
    /// from its free list, unless that would take the zone below its min watermark (outside
    /// MIGRATE_ISOLATE blocks). A block of at least half a pageblock turns its mergeable pageblocks MOVABLE.
    /// </summary>
    /// <param name="pfn">Head of a free buddy block (PageBuddy, order <paramref name="order"/>).</param>
    /// <param name="order">Its buddy order.</param>
    /// <returns>Pages isolated (1 &lt;&lt; order), or 0 when the watermark refused.</returns>
    /// <remarks>mm/page_alloc.c: __isolate_free_page. The block's head keeps no PG_buddy and no
    /// PG_allocated; its order stays in the frame for the scanner.</remarks>
    public int IsolateFreePage(int pfn, int order)
    {
        Zone zone = Node.PageZone(pfn);
        MigrateType mt = Node.PageblockMigratetype(pfn);
        VmBugOnPage(!pages[pfn].Has(PageFlags.Buddy) || pages[pfn].Order != order, pages, pfn, "__isolate_free_page: not a free block of this order");
        if (mt != MigrateType.Isolate)
        {
            // Obey watermarks as if the page was being allocated: a raised order-0 watermark stands
            // in for the high-order check, since the high-order page is known to exist.
            long watermark = zone.Watermark[(int)WatermarkIndex.Min] + (1L << order);
            if (!ZoneWatermarkOk(zone, 0, watermark, 0, AllocFlags.Cma))
            {
                return 0;
            }
        }

        DelFromFreeList(zone, pfn, order, mt);

        // Set the pageblock if the isolated page is at least half of a pageblock; only normal
        // (mergeable) blocks change.
        if (order >= MmConstants.PageblockOrder - 1)
        {
            int end = pfn + (1 << order) - 1;
            for (int p = pfn; p < end; p += MmConstants.PageblockNrPages)
            {
                MigrateType blockMt = Node.PageblockMigratetype(p);
                if (MigrateTypes.IsMergeable(blockMt) && blockMt != MigrateType.Movable)
                {
                    MoveFreepagesBlock(zone, p, blockMt, MigrateType.Movable);
                }
            }
        }

        return 1 << order;
    }

    /// <summary>
    /// __putback_isolated_page: returns a block taken by <see cref="IsolateFreePage"/> (or split from
    /// one) to the tail of the free list of <paramref name="mt"/>, merging as any free does.
    /// </summary>
    /// <param name="pfn">Head of the isolated block.</param>
    /// <param name="order">Its order.</param>
    /// <param name="mt">Its pageblock's type.</param>
    /// <remarks>mm/page_alloc.c: __putback_isolated_page (FPI_SKIP_REPORT_NOTIFY | FPI_TO_TAIL).</remarks>
    public void PutbackIsolatedPage(int pfn, int order, MigrateType mt)
    {
        Zone zone = Node.PageZone(pfn);
        FreeOnePage(zone, pfn, order, mt, FreeFlags.ToTail);
    }
}
