using MmSim.Mm.Stat;
using static MmSim.Mm.VmBug;

namespace MmSim.Mm.PageAlloc;

/// <summary>Flags for freeing (fpi_t).</summary>
/// <remarks>mm/internal.h: FPI_*.</remarks>
[Flags]
#pragma warning disable CA1711 // kernel naming
public enum FreeFlags
#pragma warning restore CA1711
{
    /// <summary>FPI_NONE.</summary>
    None = 0,

    /// <summary>FPI_TO_TAIL: place the merged block at the tail of its free list.</summary>
    ToTail = 1 << 1,
}

// Free-list primitives: the only code that links and unlinks buddy pages and moves the free
// counters, so that list membership and NR_FREE_PAGES* can never disagree.
public sealed partial class PageAllocator
{
    // mm/page_alloc.c: account_freepages — NR_FREE_PAGES, NR_FREE_CMA_PAGES, nr_free_highatomic.
    internal static void AccountFreepages(Zone zone, long nrPages, MigrateType mt)
    {
        if (mt == MigrateType.Isolate)
        {
            return;
        }

        zone.ModZonePageState(ZoneStatItem.NrFreePages, nrPages);
        if (mt == MigrateType.Cma)
        {
            zone.ModZonePageState(ZoneStatItem.NrFreeCma, nrPages);
        }
        else if (mt == MigrateType.HighAtomic)
        {
            zone.NrFreeHighatomic += nrPages;
        }
    }

    // mm/page_alloc.c: bad_range (CONFIG_DEBUG_VM): the page lies outside the zone's span
    // (page_outside_zone_boundaries) or belongs to another zone (page_zone(page) != zone). Only
    // called inside VmBug checks, so a Release build never evaluates it.
    private bool BadRange(Zone zone, int pfn) => !zone.SpansPfn(pfn) || Node.PageZone(pfn) != zone;

    // The page-state half of "is this page on a list already": a buddy head, a pcp page or an
    // allocated head. mmsim keeps state on head pages only, so any of these on a page that is about
    // to become a head means two blocks overlap (the kernel's PAGE_FLAGS_CHECK_AT_PREP / bad_page).
    private static bool PageInUse(in PageFrame page) =>
        (page.Flags & (uint)(PageFlags.Buddy | PageFlags.Pcp | PageFlags.Allocated)) != 0;

    // mm/page_alloc.c: __add_to_free_list, with set_buddy_order and __SetPageBuddy.
    internal void AddToFreeList(Zone zone, int pfn, int order, MigrateType mt, bool tail)
    {
        ref PageFrame page = ref pages[pfn];

        // __add_to_free_list: VM_WARN_ONCE(get_pageblock_migratetype(page) != migratetype, ...):
        // freelist hygiene, every free page sits on its block's type's list.
        VmWarnOnce(Node.PageblockMigratetype(pfn) != mt, "VM_WARN_ONCE(get_pageblock_migratetype(page) != migratetype) in __add_to_free_list",
            "page type is {0}, passed migratetype is {1}", Node.PageblockMigratetype(pfn), mt);

        // The page is not on any list yet ("Used for pages not on another list"): list_add on a
        // linked page would corrupt two lists at once.
        VmBugOnPage(PageInUse(page), pages, pfn, "__add_to_free_list: page already on a list (bad_page: PageBuddy set)");
        page.Flags = (uint)PageFlags.Buddy;
        page.Order = order;
        page.AllocMt = MigrateTypes.None;
        int list = Zone.ListIndex(order, mt);
        if (tail)
        {
            IntrusiveList.AddTail(pages, zone.FreeHead, zone.FreeTail, list, pfn);
        }
        else
        {
            IntrusiveList.AddHead(pages, zone.FreeHead, zone.FreeTail, list, pfn);
        }

        zone.NrFree[order]++;
        zone.NrFreeByType[list]++;
        if (order >= MmConstants.PageblockOrder && mt != MigrateType.Isolate)
        {
            zone.ModZonePageState(ZoneStatItem.NrFreePagesBlocks, 1L << order);
        }
    }

    // mm/page_alloc.c: __del_page_from_free_list (no NR_FREE_PAGES accounting).
    internal void DelFromFreeListNoAccount(Zone zone, int pfn, int order, MigrateType mt)
    {
        // __del_page_from_free_list: VM_WARN_ONCE(get_pageblock_migratetype(page) != migratetype, ...).
        VmWarnOnce(Node.PageblockMigratetype(pfn) != mt, "VM_WARN_ONCE(get_pageblock_migratetype(page) != migratetype) in __del_page_from_free_list",
            "page type is {0}, passed migratetype is {1}", Node.PageblockMigratetype(pfn), mt);

        // The caller names a free buddy head of this order (__ClearPageBuddy and the nr_free
        // decrement below assume it): otherwise the list and the counters part ways.
        VmBugOnPage(!pages[pfn].Has(PageFlags.Buddy) || pages[pfn].Order != order, pages, pfn, "__del_page_from_free_list: page is not PageBuddy of this order");
        int list = Zone.ListIndex(order, mt);
        IntrusiveList.Remove(pages, zone.FreeHead, zone.FreeTail, list, pfn);
        pages[pfn].Flags = PageFrame.Empty.Flags;
        zone.NrFree[order]--;
        zone.NrFreeByType[list]--;
        if (order >= MmConstants.PageblockOrder && mt != MigrateType.Isolate)
        {
            zone.ModZonePageState(ZoneStatItem.NrFreePagesBlocks, -(1L << order));
        }
    }

    // mm/page_alloc.c: del_page_from_free_list.
    internal void DelFromFreeList(Zone zone, int pfn, int order, MigrateType mt)
    {
        DelFromFreeListNoAccount(zone, pfn, order, mt);
        AccountFreepages(zone, -(1L << order), mt);
    }

    // mm/page_alloc.c: move_to_free_list — to the tail of the new type's list.
    internal void MoveToFreeList(Zone zone, int pfn, int order, MigrateType oldMt, MigrateType newMt)
    {
        // move_to_free_list: "Free page moving can fail, so it happens before the type update":
        // VM_WARN_ONCE(get_pageblock_migratetype(page) != old_mt, ...).
        VmWarnOnce(Node.PageblockMigratetype(pfn) != oldMt, "VM_WARN_ONCE(get_pageblock_migratetype(page) != old_mt) in move_to_free_list",
            "page type is {0}, passed migratetype is {1}", Node.PageblockMigratetype(pfn), oldMt);
        VmBugOnPage(!pages[pfn].Has(PageFlags.Buddy) || pages[pfn].Order != order, pages, pfn, "move_to_free_list: page is not PageBuddy of this order");
        int oldList = Zone.ListIndex(order, oldMt);
        int newList = Zone.ListIndex(order, newMt);
        IntrusiveList.Remove(pages, zone.FreeHead, zone.FreeTail, oldList, pfn);
        IntrusiveList.AddTail(pages, zone.FreeHead, zone.FreeTail, newList, pfn);
        zone.NrFreeByType[oldList]--;
        zone.NrFreeByType[newList]++;
        long nr = 1L << order;
        AccountFreepages(zone, -nr, oldMt);
        AccountFreepages(zone, nr, newMt);
        bool oldIso = oldMt == MigrateType.Isolate;
        if (order >= MmConstants.PageblockOrder && oldIso != (newMt == MigrateType.Isolate))
        {
            zone.ModZonePageState(ZoneStatItem.NrFreePagesBlocks, oldIso ? nr : -nr);
        }
    }

    // mm/page_alloc.c: expand — the upper halves go to the head of the list.
    internal long Expand(Zone zone, int pfn, int low, int high, MigrateType mt)
    {
        // The split target: a block of order high is cut down to the requested order low, never up
        // (mmsim's own check; the kernel's unsigned loop would silently add nothing).
        VmBugOn(low < 0 || low > high || high > MmConstants.MaxPageOrder, "expand: 0 <= low <= high <= MAX_PAGE_ORDER");
        long size = 1L << high;
        long nrAdded = 0;
        while (high > low)
        {
            high--;
            size >>= 1;

            // expand: VM_BUG_ON_PAGE(bad_range(zone, &page[size]), &page[size]).
            VmBugOnPage(BadRange(zone, pfn + (int)size), pages, pfn + (int)size, "VM_BUG_ON_PAGE(bad_range(zone, &page[size])) in expand");
            AddToFreeList(zone, pfn + (int)size, high, mt, tail: false);
            nrAdded += size;
        }

        return nrAdded;
    }

    // mm/page_alloc.c: page_del_and_expand.
    internal void PageDelAndExpand(Zone zone, int pfn, int low, int high, MigrateType mt)
    {
        long nrPages = 1L << high;
        DelFromFreeListNoAccount(zone, pfn, high, mt);
        nrPages -= Expand(zone, pfn, low, high, mt);
        AccountFreepages(zone, -nrPages, mt);
    }
}
