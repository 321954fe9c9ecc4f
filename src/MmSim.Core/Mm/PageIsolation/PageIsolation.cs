// mm/page_isolation.c: marking a PFN range MIGRATE_ISOLATE so that nothing allocates from it while
// alloc_contig_range, cma_alloc or memory offlining empties it, checking first that nothing in it is
// unmovable, and testing at the end that every page came back free. The free-list moves and the
// large-buddy split are the buddy allocator's (Mm/PageAlloc/PageblockIsolate.cs); the callers are
// Mm/Contig (alloc_contig_range), Mm/Cma and Mm/MemoryHotplug.
using MmSim.Mm.Migrate;
using MmSim.Mm.PageAlloc;

namespace MmSim.Mm.PageIsolation;

/// <summary>
/// Page isolation for one node. Release behaviour follows <see cref="PageAllocOptions.IsolateBit"/>:
/// 6.17+ sets PB_migrate_isolate and keeps the block's type; up to 6.16 the type is overwritten with
/// MIGRATE_ISOLATE and undoing it writes the caller's migratetype.
/// </summary>
/// <remarks>mm/page_isolation.c. Every method runs under the zone lock in the kernel: none sleeps.</remarks>
public sealed class PageIsolation
{
    private readonly PageAllocator alloc;
    private readonly PgData node;
    private readonly PageFrame[] pages;

    /// <summary>Creates isolation over the allocator's node.</summary>
    /// <param name="alloc">The buddy allocator.</param>
    public PageIsolation(PageAllocator alloc)
    {
        ArgumentNullException.ThrowIfNull(alloc);
        this.alloc = alloc;
        node = alloc.Node;
        pages = node.Pages;
    }

    /// <summary>Receiver of page_isolation:test_pages_isolated, or null.</summary>
    public IPageIsolationTrace? Trace { get; set; }

    /// <summary>The page the last failed MEM_OFFLINE isolation reported (dump_page(unmovable, "unmovable page")), or −1.</summary>
    public int LastUnmovablePfn { get; private set; } = -1;

    /// <summary>
    /// page_is_unmovable: whether the page at <paramref name="pfn"/> keeps its block from being
    /// isolated, and how far the caller may step past it.
    /// </summary>
    /// <param name="zone">The page's zone.</param>
    /// <param name="pfn">The page.</param>
    /// <param name="mode">Who isolates.</param>
    /// <param name="step">Pages to step over (a free buddy or a whole movable folio), else 1.</param>
    /// <returns>True when the page is unmovable.</returns>
    /// <remarks>mm/page_isolation.c: page_is_unmovable. mmsim keeps state on head pages: an allocated
    /// head of order &gt; 0 stands for PageCompound (THP, hugetlb); a page with no state is a tail or a
    /// pcp page, whose refcount is 0.</remarks>
    public bool PageIsUnmovable(Zone zone, int pfn, PbIsolateMode mode, out int step)
    {
        ArgumentNullException.ThrowIfNull(zone);
        step = 1;
        ref PageFrame page = ref pages[pfn];

        // Bootmem allocations and holes are PG_reserved, even inside ZONE_MOVABLE.
        if (page.Has(PageFlags.Reserved))
        {
            return true;
        }

        // With reserved pages ruled out, the rest of ZONE_MOVABLE is assumed movable.
        if (zone.Type == ZoneType.Movable)
        {
            return false;
        }

        if (page.Has(PageFlags.Allocated) && (page.Order > 0 || page.OwnerKind == OwnerKind.Hugetlb))
        {
            // Hugetlb folios are movable off the LRU (x86 supports their migration); other compound
            // pages only on the LRU. Tails are not scanned one by one.
            if (page.OwnerKind != OwnerKind.Hugetlb && !page.Has(PageFlags.Lru))
            {
                return true;
            }

            int nr = 1 << page.Order;
            step = (pfn | (nr - 1)) + 1 - pfn;
            return false;
        }

        // A zero refcount: free, on a pcp list, or a tail (compound tails keep _refcount at 0).
        if (!page.Has(PageFlags.Allocated))
        {
            if (page.Has(PageFlags.Buddy))
            {
                step = 1 << page.Order;
            }

            return false;
        }

        // MEM_OFFLINE lets HWPoison and PageOffline pages through; mmsim has neither.
        return !page.Has(PageFlags.Lru) && !page.Has(PageFlags.MovableOps);
    }

    /// <summary>
    /// has_unmovable_pages: the first unmovable page of <c>[start, end)</c>, one pageblock's part, or
    /// −1. A CMA block is unmovable except for a CMA allocation.
    /// </summary>
    /// <param name="start">First PFN.</param>
    /// <param name="end">One past the last PFN (same pageblock).</param>
    /// <param name="mode">Who isolates.</param>
    /// <returns>The unmovable PFN, or −1.</returns>
    /// <remarks>mm/page_isolation.c: has_unmovable_pages. Cost: O(pages of the block).</remarks>
    public int HasUnmovablePages(int start, int end, PbIsolateMode mode)
    {
        Zone zone = node.PageZone(start);
        if (node.PageblockMigratetype(start) == MigrateType.Cma)
        {
            // CMA allocations really need to isolate CMA pageblocks even when they are not movable in
            // fact, so they count as movable here.
            return mode == PbIsolateMode.CmaAlloc ? -1 : start;
        }

        while (start < end)
        {
            if (PageIsUnmovable(zone, start, mode, out int step))
            {
                return start;
            }

            start += step;
        }

        return -1;
    }

    /// <summary>
    /// start_isolate_page_range: isolates every pageblock that <c>[start, end)</c> touches, the first
    /// and last one first (a page may straddle the range's ends), undoing everything on failure.
    /// </summary>
    /// <param name="start">First PFN.</param>
    /// <param name="end">One past the last PFN.</param>
    /// <param name="mode">Who isolates.</param>
    /// <param name="migratetype">Before 6.17: the type an undone block gets back (MOVABLE, or CMA for cma_alloc).</param>
    /// <returns>0, or -EBUSY.</returns>
    /// <remarks>mm/page_isolation.c: start_isolate_page_range.</remarks>
    public int StartIsolatePageRange(int start, int end, PbIsolateMode mode, MigrateType migratetype)
    {
        LastUnmovablePfn = -1;
        int isolateStart = start & ~(MmConstants.PageblockNrPages - 1);
        int isolateEnd = AlignUp(end);
        int ret = IsolateSinglePageblock(isolateStart, mode, isolateBefore: false, skipIsolation: false, migratetype);
        if (ret != 0)
        {
            return ret;
        }

        bool skipIsolation = isolateStart == isolateEnd - MmConstants.PageblockNrPages;
        ret = IsolateSinglePageblock(isolateEnd, mode, isolateBefore: true, skipIsolation, migratetype);
        if (ret != 0)
        {
            UnsetMigratetypeIsolate(isolateStart, migratetype);
            return ret;
        }

        // The blocks at both ends are isolated already.
        for (int pfn = isolateStart + MmConstants.PageblockNrPages; pfn < isolateEnd - MmConstants.PageblockNrPages; pfn += MmConstants.PageblockNrPages)
        {
            if (Online(pfn) && SetMigratetypeIsolate(pfn, mode, start, end, migratetype) != 0)
            {
                UndoIsolatePageRange(isolateStart, pfn, migratetype);
                UnsetMigratetypeIsolate(isolateEnd - MmConstants.PageblockNrPages, migratetype);
                return -Errno.EBUSY;
            }
        }

        return 0;
    }

    /// <summary>undo_isolate_page_range: unisolates every isolated pageblock that <c>[start, end)</c> touches.</summary>
    /// <param name="start">First PFN.</param>
    /// <param name="end">One past the last PFN.</param>
    /// <param name="migratetype">Before 6.17: the type the blocks get.</param>
    /// <remarks>mm/page_isolation.c: undo_isolate_page_range.</remarks>
    public void UndoIsolatePageRange(int start, int end, MigrateType migratetype)
    {
        int isolateEnd = AlignUp(end);
        for (int pfn = start & ~(MmConstants.PageblockNrPages - 1); pfn < isolateEnd; pfn += MmConstants.PageblockNrPages)
        {
            if (Online(pfn) && node.PageblockIsolated(pfn))
            {
                UnsetMigratetypeIsolate(pfn, migratetype);
            }
        }
    }

    /// <summary>
    /// test_pages_isolated: 0 when every pageblock of <c>[start, end)</c> is isolated and every page
    /// is a free buddy page, else -EBUSY.
    /// </summary>
    /// <param name="start">First PFN.</param>
    /// <param name="end">One past the last PFN (one zone).</param>
    /// <param name="mode">Who tests.</param>
    /// <returns>0, or -EBUSY.</returns>
    /// <remarks>mm/page_isolation.c: test_pages_isolated, __test_page_isolated_in_pageblock. Pages on a pcp
    /// list are not PageBuddy: the callers drain first.</remarks>
    public int TestPagesIsolated(int start, int end, PbIsolateMode mode)
    {
        _ = mode;
        int p = start;
        while (p < end && (!Online(p) || node.PageblockIsolated(p)))
        {
            p += MmConstants.PageblockNrPages;
        }

        if (p < end)
        {
            Trace?.TestPagesIsolated(start, end, p);
            return -Errno.EBUSY;
        }

        p = start;
        while (p < end && pages[p].Has(PageFlags.Buddy))
        {
            p += 1 << pages[p].Order;
        }

        Trace?.TestPagesIsolated(start, end, p);
        return p < end ? -Errno.EBUSY : 0;
    }

    // mm/page_isolation.c: set_migratetype_isolate.
    private int SetMigratetypeIsolate(int pfn, PbIsolateMode mode, int start, int end, MigrateType migratetype)
    {
        // Someone else isolated it first: overlapping ranges are refused, not shared.
        if (node.PageblockIsolated(pfn))
        {
            return -Errno.EBUSY;
        }

        int blockStart = pfn & ~(MmConstants.PageblockNrPages - 1);
        int checkStart = Math.Max(blockStart, start);
        int checkEnd = Math.Min(blockStart + MmConstants.PageblockNrPages, end);
        int unmovable = HasUnmovablePages(checkStart, checkEnd, mode);
        if (unmovable < 0)
        {
            Zone zone = node.PageZone(blockStart);
            if (!alloc.MoveFreepagesBlockIsolate(zone, blockStart, isolate: true, migratetype))
            {
                return -Errno.EBUSY;
            }

            zone.NrIsolatePageblock++;
            return 0;
        }

        if (mode == PbIsolateMode.MemOffline)
        {
            // dump_page(unmovable, "unmovable page").
            LastUnmovablePfn = unmovable;
        }

        return -Errno.EBUSY;
    }

    // mm/page_isolation.c: unset_migratetype_isolate.
    private void UnsetMigratetypeIsolate(int pfn, MigrateType migratetype)
    {
        if (!node.PageblockIsolated(pfn))
        {
            return;
        }

        Zone zone = node.PageZone(pfn);
        bool isolatedPage = false;
        int order = 0;
        ref PageFrame page = ref pages[pfn];

        // A free page of pageblock order or more in an isolated block was kept from merging with its
        // buddy (freepage counting): isolating and freeing it again lets it merge.
        if (page.Has(PageFlags.Buddy) && page.Order >= MmConstants.PageblockOrder && page.Order < MmConstants.MaxPageOrder)
        {
            order = page.Order;
            int buddyPfn = pfn ^ (1 << order);
            ref PageFrame buddy = ref pages[buddyPfn];
            if (zone.SpansPfn(buddyPfn) && buddy.Has(PageFlags.Buddy) && buddy.Order == order && !node.PageblockIsolated(buddyPfn))
            {
                isolatedPage = alloc.IsolateFreePage(pfn, order) != 0;
            }
        }

        if (!isolatedPage)
        {
            bool moved = alloc.MoveFreepagesBlockIsolate(zone, pfn, isolate: false, migratetype);
            VmBug.VmWarnOn(!moved, "WARN_ON_ONCE(!pageblock_unisolate_and_move_free_pages(zone, page)) in unset_migratetype_isolate");
        }
        else
        {
            if (alloc.Options.IsolateBit)
            {
                node.TogglePageblockIsolate(pfn, false);
            }
            else
            {
                node.SetPageblockMigratetype(pfn, migratetype);
            }

            alloc.PutbackIsolatedPage(pfn, order, node.PageblockMigratetype(pfn));
        }

        zone.NrIsolatePageblock--;
    }

    // mm/page_isolation.c: isolate_single_pageblock — isolates the block before or after a boundary,
    // then fails if an in-use compound page (not hugetlb) crosses the boundary.
    private int IsolateSinglePageblock(int boundary, PbIsolateMode mode, bool isolateBefore, bool skipIsolation, MigrateType migratetype)
    {
        int isolatePageblock = isolateBefore ? boundary - MmConstants.PageblockNrPages : boundary;
        Zone zone = node.PageZone(isolatePageblock);
        int startPfn = Math.Max(isolatePageblock & ~((1 << MmConstants.MaxPageOrder) - 1), zone.ZoneStartPfn);
        if (!skipIsolation)
        {
            int ret = SetMigratetypeIsolate(isolatePageblock, mode, isolatePageblock, isolatePageblock + MmConstants.PageblockNrPages, migratetype);
            if (ret != 0)
            {
                return ret;
            }
        }

        // Nothing can cross the boundary when the other side is not online memory.
        if (!Online(isolateBefore ? boundary : boundary - 1))
        {
            return 0;
        }

        for (int pfn = startPfn; pfn < boundary;)
        {
            ref PageFrame page = ref pages[pfn];
            int nr = 1 << page.Order;
            if (page.Has(PageFlags.Buddy) || (page.Has(PageFlags.Allocated) && page.Order > 0))
            {
                // Free buddies across the boundary were split when the block was isolated; a compound
                // page across it fails unless it is hugetlb (gigantic pages are freed as order-0 chunks).
                bool crosses = pfn + nr > boundary;
                if (crosses && (page.Has(PageFlags.Buddy) || page.OwnerKind != OwnerKind.Hugetlb))
                {
                    if (!skipIsolation)
                    {
                        UnsetMigratetypeIsolate(isolatePageblock, migratetype);
                    }

                    return -Errno.EBUSY;
                }

                pfn += nr;
                continue;
            }

            pfn++;
        }

        return 0;
    }

    // pfn_to_online_page: valid, in a zone, and in an online section.
    private bool Online(int pfn) => node.PfnValid(pfn) && node.PageblockOnline(pfn);

    private static int AlignUp(int pfn) => (pfn + MmConstants.PageblockNrPages - 1) & ~(MmConstants.PageblockNrPages - 1);
}
