using static MmSim.Mm.VmBug;

namespace MmSim.Mm.PageAlloc;

// Buddy-level replay (`mmsim trace import --level buddy`, op-script verbs alloc_pfn, free_pfn and claim_pfn): the
// buddy's own traffic named by PFN, so that a trace's mm_page_alloc_zone_locked, mm_page_pcpu_drain and
// mm_page_alloc_extfrag lines can be applied to the free lists exactly as the kernel applied them.
public sealed partial class PageAllocator
{
    /// <summary>
    /// Takes the 2^<paramref name="order"/> block at <paramref name="pfn"/> off the buddy free lists: the free block that
    /// holds it leaves its list and the rest is split onto that list as expand() splits (for a block at the head of a
    /// free block, which is what __rmqueue_smallest and __rmqueue_steal hand out, the two are the same).
    /// </summary>
    /// <param name="pfn">First PFN; a multiple of 2^order.</param>
    /// <param name="order">Order (0..MAX_PAGE_ORDER).</param>
    /// <param name="owner">Who the block is recorded for.</param>
    /// <returns>False, and nothing changed, when the PFN is in no zone or the block is not wholly free in the buddy.</returns>
    /// <remarks>mm/page_alloc.c: take_page_off_buddy and break_down_buddy_pages, accounted as rmqueue accounts.</remarks>
    public bool TakeBlockAtPfn(int pfn, int order, OwnerKind owner = OwnerKind.Script)
    {
        if ((uint)order > MmConstants.MaxPageOrder || (pfn & ((1 << order) - 1)) != 0 || !Node.PfnValid(pfn))
        {
            return false;
        }

        Zone zone = Node.PageZone(pfn);
        for (int o = order; o < MmConstants.NrPageOrders; o++)
        {
            int head = pfn & ~((1 << o) - 1);
            if (!zone.SpansPfn(head) || Node.PageZone(head) != zone)
            {
                return false;
            }

            ref PageFrame page = ref pages[head];
            if (!page.Has(PageFlags.Buddy))
            {
                continue;
            }

            if (page.Order < o)
            {
                // A smaller free block sits here: part of the wanted block is in use.
                return false;
            }

            int headOrder = page.Order;
            MigrateType mt = Node.PageblockMigratetype(head);
            DelFromFreeListNoAccount(zone, head, headOrder, mt);
            BreakDown(zone, pfn, order, head, headOrder, mt);
            AccountFreepages(zone, -(1L << order), mt);
            CountPgalloc(zone, order);
            PrepNewPage(pfn, order, mt, owner, 0);
            return true;
        }

        return false;
    }

    /// <summary>
    /// Returns a block taken by <see cref="TakeBlockAtPfn"/> to the buddy as __free_one_page does: merged with its free
    /// buddies, on the list of its pageblock's migratetype (blocks above pageblock order one pageblock at a time). A
    /// block inside a larger taken block is split off it first (split_page: a real trace frees a split folio piece by
    /// piece).
    /// </summary>
    /// <param name="pfn">First PFN.</param>
    /// <param name="order">Order of the block freed.</param>
    /// <returns>False, and nothing changed, when no block taken by <see cref="TakeBlockAtPfn"/> holds it.</returns>
    /// <remarks>mm/page_alloc.c: free_pcppages_bulk / free_one_page → __free_one_page.</remarks>
    public bool FreeBlockAtPfn(int pfn, int order)
    {
        if ((uint)order > MmConstants.MaxPageOrder || (pfn & ((1 << order) - 1)) != 0 || !Node.PfnValid(pfn))
        {
            return false;
        }

        for (int o = order; o < MmConstants.NrPageOrders; o++)
        {
            int head = pfn & ~((1 << o) - 1);
            if (!Node.PfnValid(head))
            {
                return false;
            }

            ref PageFrame h = ref pages[head];
            if (!h.Has(PageFlags.Allocated) || h.Order != o)
            {
                continue;
            }

            if (h.OwnerKind != OwnerKind.Script || h.Has(PageFlags.Lru))
            {
                return false;
            }

            if (o > order)
            {
                SplitTakenBlock(head, o, order);
            }

            ref PageFrame page = ref pages[pfn];
            FreeTailPagesCheck(pfn, order);
            page.Flags = 0;
            page.AllocMt = MigrateTypes.None;
            page.Owner = 0;
            FreeOnePageCounted(Node.PageZone(pfn), pfn, order, FreeFlags.None);
            return true;
        }

        return false;
    }

    // mm/page_alloc.c: split_page — every piece an allocated block of the smaller order, owned as the whole was.
    private void SplitTakenBlock(int pfn, int order, int newOrder)
    {
        ref PageFrame head = ref pages[pfn];
        for (int p = pfn; p < pfn + (1 << order); p += 1 << newOrder)
        {
            ref PageFrame piece = ref pages[p];
            piece.Flags = head.Flags;
            piece.Order = newOrder;
            piece.AllocMt = head.AllocMt;
            piece.OwnerKind = head.OwnerKind;
            piece.Owner = head.Owner;
        }
    }

    /// <summary>
    /// Gives the pageblocks of the 2^max(order, pageblock_order)-aligned range around <paramref name="pfn"/> to
    /// <paramref name="mt"/>, moving their free pages to its lists: what try_to_claim_block did when the trace's
    /// mm_page_alloc_extfrag says change_ownership=1.
    /// </summary>
    /// <param name="pfn">Any PFN of the claimed block.</param>
    /// <param name="order">The fallback order (the free block's order).</param>
    /// <param name="mt">The new migratetype.</param>
    /// <returns>False, and nothing changed, when a pageblock of the range is in no zone or straddles a zone edge.</returns>
    /// <remarks>mm/page_alloc.c: try_to_claim_block (move_freepages_block, or change_pageblock_range for a whole
    /// free block of pageblock order or more).</remarks>
    public bool ClaimBlockAtPfn(int pfn, int order, MigrateType mt)
    {
        if ((uint)order > MmConstants.MaxPageOrder || !Node.PfnValid(pfn) || (int)mt >= MigrateTypes.Count)
        {
            return false;
        }

        int span = Math.Max(order, MmConstants.PageblockOrder);
        int start = pfn & ~((1 << span) - 1);
        Zone zone = Node.PageZone(pfn);
        for (int p = start; p < start + (1 << span); p += MmConstants.PageblockNrPages)
        {
            if (!Node.PfnValid(p) || Node.PageZone(p) != zone || !BlockInZone(zone, p, out _))
            {
                return false;
            }
        }

        for (int p = start; p < start + (1 << span); p += MmConstants.PageblockNrPages)
        {
            MigrateType old = Node.PageblockMigratetype(p);
            if (old != mt)
            {
                MoveFreepagesBlock(zone, p, old, mt);
            }
        }

        return true;
    }

    // mm/page_alloc.c: break_down_buddy_pages — halve the free block at head down to the target, putting the half
    // without the target on the list each time.
    private void BreakDown(Zone zone, int target, int low, int head, int high, MigrateType mt)
    {
        int page = head;
        while (high > low)
        {
            high--;
            int size = 1 << high;
            int other;
            if (target >= page + size)
            {
                other = page;
                page += size;
            }
            else
            {
                other = page + size;
            }

            AddToFreeList(zone, other, high, mt, tail: false);
        }
    }
}
