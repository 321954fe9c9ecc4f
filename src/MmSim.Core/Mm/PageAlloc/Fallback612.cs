namespace MmSim.Mm.PageAlloc;

// The fallback algorithm of 6.10–6.14 and 6.12.0–6.12.28 (before "don't steal single pages from
// biggest buddy"): search from the largest order and, when the block cannot be claimed, still carve
// the request out of that largest foreign buddy.
public sealed partial class PageAllocator
{
    // mm/page_alloc.c (6.12): find_suitable_fallback(area, order, mt, only_stealable=false, &can_steal).
    private int FindSuitableFallback612(Zone zone, int order, MigrateType mt, out bool canSteal)
    {
        canSteal = false;
        if (zone.NrFree[order] == 0)
        {
            return -1;
        }

        MigrateType[] candidates = Fallbacks[(int)mt];
        for (int i = 0; i < candidates.Length; i++)
        {
            if (zone.FreeAreaEmpty(order, candidates[i]))
            {
                continue;
            }

            canSteal = ShouldTryClaimBlock(order, mt);
            return (int)candidates[i];
        }

        return -1;
    }

    // mm/page_alloc.c (6.12): __rmqueue_fallback.
    private int RmqueueFallback612(Zone zone, int order, MigrateType startMt, AllocFlags flags)
    {
        int minOrder = order;
        if (order < MmConstants.PageblockOrder && (flags & AllocFlags.NoFragment) != 0)
        {
            minOrder = MmConstants.PageblockOrder;
        }

        int current;
        int fallbackMt = -1;
        bool canSteal = false;
        for (current = MmConstants.MaxPageOrder; current >= minOrder; current--)
        {
            fallbackMt = FindSuitableFallback612(zone, current, startMt, out canSteal);
            if (fallbackMt >= 0)
            {
                break;
            }
        }

        if (fallbackMt < 0)
        {
            return -1;
        }

        // We cannot steal all free pages from the pageblock and the request is movable: better to
        // split the smallest available page than the largest.
        if (!canSteal && startMt == MigrateType.Movable && current > order)
        {
            for (current = order; current < MmConstants.NrPageOrders; current++)
            {
                fallbackMt = FindSuitableFallback612(zone, current, startMt, out canSteal);
                if (fallbackMt >= 0)
                {
                    break;
                }
            }
        }

        int head = zone.FreeListHead(current, (MigrateType)fallbackMt);
        int pfn = StealSuitableFallback(zone, head, current, order, startMt, flags, canSteal);
        TraceExtfrag(pfn, order, current, startMt, (MigrateType)fallbackMt);
        return pfn;
    }

    // mm/page_alloc.c (6.10–6.14): steal_suitable_fallback.
    private int StealSuitableFallback(Zone zone, int pfn, int currentOrder, int order, MigrateType startMt, AllocFlags flags, bool wholeBlock)
    {
        MigrateType blockMt = Node.PageblockMigratetype(pfn);

        // Highatomic blocks are never converted (prevents broken highatomic accounting).
        if (blockMt != MigrateType.HighAtomic)
        {
            if (currentOrder >= MmConstants.PageblockOrder)
            {
                return TakeOwnership(zone, pfn, currentOrder, order, startMt, blockMt);
            }

            if (BoostWatermark(zone) && (flags & AllocFlags.Kswapd) != 0)
            {
                zone.Flags |= ZoneFlags.BoostedWatermark;
            }

            if (wholeBlock &&
                PrepMoveFreepagesBlock(zone, pfn, out int startPfn, out int freePages, out int movablePages) &&
                ClaimWorthIt(startMt, blockMt, freePages, movablePages))
            {
                return ClaimBlock(zone, startPfn, order, startMt, blockMt);
            }
        }

        // single_page: carve the request out of the foreign buddy; the rest stays on its lists.
        PageDelAndExpand(zone, pfn, order, currentOrder, blockMt);
        return pfn;
    }
}
