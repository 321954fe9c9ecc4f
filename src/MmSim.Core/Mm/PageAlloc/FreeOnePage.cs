using MmSim.Mm.Stat;
using static MmSim.Mm.VmBug;

namespace MmSim.Mm.PageAlloc;

// Returning pages to the buddy lists: merging with free buddies, the merge rule at pageblock
// order for non-mergeable types, and where on the list the merged block goes.
public sealed partial class PageAllocator
{
    // mm/page_alloc.c: find_buddy_page_pfn / page_is_buddy — the buddy must be a free head of
    // the same order in the same zone.
    private int FindBuddyPagePfn(Zone zone, int pfn, int order)
    {
        int buddyPfn = pfn ^ (1 << order);
        if (!zone.SpansPfn(buddyPfn))
        {
            return -1;
        }

        ref PageFrame buddy = ref pages[buddyPfn];
        return buddy.Has(PageFlags.Buddy) && buddy.Order == order ? buddyPfn : -1;
    }

    // mm/page_alloc.c: buddy_merge_likely — if the next-higher buddy is free, put this block at
    // the tail so it is less likely to be allocated before its buddy is freed.
    private bool BuddyMergeLikely(Zone zone, int pfn, int buddyPfn, int order)
    {
        if (order >= MmConstants.MaxPageOrder - 1)
        {
            return false;
        }

        int higherPfn = buddyPfn & pfn;
        return FindBuddyPagePfn(zone, higherPfn, order + 1) >= 0;
    }

    /// <summary>
    /// __free_one_page: merges the block with its free buddies and adds it to the free list of
    /// <paramref name="mt"/>, the block's current type.
    /// </summary>
    /// <remarks>mm/page_alloc.c: __free_one_page (no guard pages, no shuffle, no page reporting).</remarks>
    internal void FreeOnePage(Zone zone, int pfn, int order, MigrateType mt, FreeFlags fpi)
    {
        // __free_one_page opens with its debug-VM checks, in the kernel's order.
        VmBugOn(zone.SpannedPages == 0, "VM_BUG_ON(!zone_is_initialized(zone)) in __free_one_page");
        VmBugOnPage(PageInUse(pages[pfn]), pages, pfn, "VM_BUG_ON_PAGE(page->flags & PAGE_FLAGS_CHECK_AT_PREP, page) in __free_one_page");
        VmBugOn((uint)mt >= MigrateTypes.Count, "VM_BUG_ON(migratetype == -1) in __free_one_page");
        VmBugOn((uint)order > MmConstants.MaxPageOrder, "__free_one_page: order <= MAX_PAGE_ORDER");
        VmBugOnPage((pfn & ((1 << order) - 1)) != 0, pages, pfn, "VM_BUG_ON_PAGE(pfn & ((1 << order) - 1), page) in __free_one_page");
        VmBugOnPage(BadRange(zone, pfn), pages, pfn, "VM_BUG_ON_PAGE(bad_range(zone, page), page) in __free_one_page");
        AccountFreepages(zone, 1L << order, mt);
        int buddyPfn = pfn ^ (1 << order);

        // capc = task_capc(zone): read once, before the merge loop, as the kernel does (nothing in the
        // loop can change it); most frees have none and skip the per-order check.
        bool capc = CaptureHook != null && TaskCapcHook != null && TaskCapcHook(zone);
        while (order < MmConstants.MaxPageOrder)
        {
            if (capc && CaptureHook!(zone, pfn, order, mt))
            {
                AccountFreepages(zone, -(1L << order), mt);
                return;
            }

            buddyPfn = pfn ^ (1 << order);
            if (FindBuddyPagePfn(zone, pfn, order) < 0)
            {
                break;
            }

            MigrateType buddyMt = mt;
            if (order >= MmConstants.PageblockOrder)
            {
                // Prevent merges between free pages of blocks without fallbacks (HIGHATOMIC, CMA,
                // ISOLATE) and normal blocks: isolation, CMA and highatomic accounting depend on it.
                buddyMt = Node.PageblockMigratetype(buddyPfn);
                if (mt != buddyMt && (!MigrateTypes.IsMergeable(mt) || !MigrateTypes.IsMergeable(buddyMt)))
                {
                    break;
                }
            }

            DelFromFreeListNoAccount(zone, buddyPfn, order, buddyMt);
            if (buddyMt != mt)
            {
                // Match the buddy's type so a later expand() puts the halves on the right lists.
                Node.SetPageblockMigratetype(buddyPfn, mt);
            }

            pfn &= buddyPfn;
            order++;
        }

        bool toTail = (fpi & FreeFlags.ToTail) != 0 || BuddyMergeLikely(zone, pfn, buddyPfn, order);
        AddToFreeList(zone, pfn, order, mt, toTail);
    }

    /// <summary>
    /// Called at each merge step with (zone, pfn, order, mt); returning true hands the page to a
    /// direct compactor (compaction_capture). Unset until compaction is modelled.
    /// </summary>
    internal Func<Zone, int, int, MigrateType, bool>? CaptureHook { get; set; }

    /// <summary>
    /// task_capc: whether the running task compacts <c>zone</c> for an allocation and has captured
    /// nothing yet; evaluated once per free, before <see cref="CaptureHook"/> is tried at each order.
    /// </summary>
    internal Func<Zone, bool>? TaskCapcHook { get; set; }

    // mm/page_alloc.c: split_large_buddy — frees blocks above pageblock order one pageblock at a
    // time, each with its own block's type.
    private void SplitLargeBuddy(Zone zone, int pfn, int order, FreeFlags fpi)
    {
        VmWarnOn((pfn & ((1 << order) - 1)) != 0, "VM_WARN_ON_ONCE(!IS_ALIGNED(pfn, 1 << order)) in split_large_buddy");

        // "Caller removed page from freelist, buddy info cleared!"
        VmWarnOnPage(pages[pfn].Has(PageFlags.Buddy), pages, pfn, "VM_WARN_ON_ONCE(PageBuddy(page)) in split_large_buddy");
        int end = pfn + (1 << order);
        if (order > MmConstants.PageblockOrder)
        {
            order = MmConstants.PageblockOrder;
        }

        do
        {
            MigrateType mt = Node.PageblockMigratetype(pfn);
            FreeOnePage(zone, pfn, order, mt, fpi);
            pfn += 1 << order;
        }
        while (pfn != end);
    }

    // mm/page_alloc.c: free_one_page — the buddy path with PGFREE counted.
    internal void FreeOnePageCounted(Zone zone, int pfn, int order, FreeFlags fpi)
    {
        SplitLargeBuddy(zone, pfn, order, fpi);
        CountVmEvents(VmEventItem.Pgfree, 1L << order);
    }
}
