using MmSim.Mm.Stat;

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

    // mm/page_alloc.c: __add_to_free_list, with set_buddy_order and __SetPageBuddy.
    internal void AddToFreeList(Zone zone, int pfn, int order, MigrateType mt, bool tail)
    {
        ref PageFrame page = ref pages[pfn];
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
        long size = 1L << high;
        long nrAdded = 0;
        while (high > low)
        {
            high--;
            size >>= 1;
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
