// The allocator's side of compaction's private free lists: a free block the free scanner isolated
// becomes a migration target without passing through the allocator's counters (compaction_alloc's
// post_alloc_hook: no pgalloc, no mm_page_alloc line), an unused target goes back to the scanner
// (compaction_free's free_pages_prepare), and the scanners rotate the free lists they search
// (move_freelist_head / move_freelist_tail) in O(1).
namespace MmSim.Mm.PageAlloc;

public sealed partial class PageAllocator
{
    /// <summary>
    /// post_alloc_hook + set_page_refcounted (+ prep_compound_page) for a block taken from a scanner's
    /// isolated list: the head becomes an allocated block of <paramref name="order"/> with a MOVABLE
    /// page_owner gfp (__GFP_MOVABLE), uncounted in pgalloc.
    /// </summary>
    /// <param name="pfn">First PFN of an isolated free block (an empty frame).</param>
    /// <param name="order">The order handed out.</param>
    /// <remarks>mm/compaction.c: compaction_alloc_noprof, mark_allocated_noprof.</remarks>
    public void PostAllocHookIsolated(int pfn, int order) => PrepNewPage(pfn, order, MigrateType.Movable, OwnerKind.Kernel, 0);

    /// <summary>free_pages_prepare for a migration target that was not used: it goes back to the scanner's list, not to the buddy.</summary>
    /// <param name="pfn">First PFN of the target.</param>
    /// <param name="order">Its order.</param>
    /// <remarks>mm/compaction.c: compaction_free.</remarks>
    public void FreePagesPrepareIsolated(int pfn, int order) => FreePagesPrepare(ref pages[pfn], pfn, order);

    /// <summary>move_freelist_head: rotates the free list so that <paramref name="pfn"/> is first (the entries before it go to the tail, in order).</summary>
    /// <param name="zone">The zone.</param>
    /// <param name="order">The list's order.</param>
    /// <param name="mt">The list's type.</param>
    /// <param name="pfn">A block on that list.</param>
    /// <remarks>mm/compaction.c: move_freelist_head (list_cut_before + list_splice_tail). O(1).</remarks>
    public void MoveFreelistHead(Zone zone, int order, MigrateType mt, int pfn)
    {
        ArgumentNullException.ThrowIfNull(zone);
        int before = pages[pfn].Prev;
        if (before < 0)
        {
            return;
        }

        RotateFreeList(zone, Zone.ListIndex(order, mt), newHead: pfn, newTail: before);
    }

    /// <summary>move_freelist_tail: rotates the free list so that <paramref name="pfn"/> is last (it and the entries before it go to the tail).</summary>
    /// <param name="zone">The zone.</param>
    /// <param name="order">The list's order.</param>
    /// <param name="mt">The list's type.</param>
    /// <param name="pfn">A block on that list.</param>
    /// <remarks>mm/compaction.c: move_freelist_tail (list_cut_position + list_splice_tail). O(1).</remarks>
    public void MoveFreelistTail(Zone zone, int order, MigrateType mt, int pfn)
    {
        ArgumentNullException.ThrowIfNull(zone);
        int after = pages[pfn].Next;
        if (after < 0)
        {
            return;
        }

        RotateFreeList(zone, Zone.ListIndex(order, mt), newHead: after, newTail: pfn);
    }

    // Both list moves are one rotation: close the list into a ring, then open it between two
    // neighbours (newTail, newHead), so no entry is unlinked and re-added one by one.
    private void RotateFreeList(Zone zone, int list, int newHead, int newTail)
    {
        int oldHead = zone.FreeHead[list], oldTail = zone.FreeTail[list];
        pages[oldTail].Next = oldHead;
        pages[oldHead].Prev = oldTail;
        pages[newTail].Next = -1;
        pages[newHead].Prev = -1;
        zone.FreeHead[list] = newHead;
        zone.FreeTail[list] = newTail;
    }

    /// <summary>find_suitable_fallback(area, order, migratetype, true) == FALLBACK_FOUND: __compact_finished's "an allocation could claim a block".</summary>
    /// <param name="zone">The zone.</param>
    /// <param name="order">The order.</param>
    /// <param name="mt">The request's migratetype.</param>
    /// <returns>True when a claimable fallback exists at that order.</returns>
    public bool CanClaimFallback(Zone zone, int order, MigrateType mt) =>
        FindSuitableFallback(zone, order, mt, claimable: true, out _) == FallbackResult.Found;
}
