namespace MmSim.Mm.PageAlloc;

/// <summary>Result of find_suitable_fallback.</summary>
/// <remarks>mm/internal.h: enum fallback_result (6.16+; 6.15 returned -1 / -2 / the type).</remarks>
internal enum FallbackResult
{
    /// <summary>FALLBACK_EMPTY: no fallback list at this order has pages.</summary>
    Empty,

    /// <summary>FALLBACK_NOCLAIM: the order is too small to claim a block.</summary>
    NoClaim,

    /// <summary>FALLBACK_FOUND.</summary>
    Found,
}

// Fallback to other migratetypes when the preferred lists are empty (6.15+): claim a whole block
// where enough of it is free or alike, else steal the smallest foreign page.
public sealed partial class PageAllocator
{
    /// <summary>The fallback order per migratetype (mm/page_alloc.c: fallbacks[MIGRATE_PCPTYPES][MIGRATE_PCPTYPES - 1]).</summary>
    internal static readonly MigrateType[][] Fallbacks =
    [
        [MigrateType.Reclaimable, MigrateType.Movable],   // UNMOVABLE
        [MigrateType.Reclaimable, MigrateType.Unmovable], // MOVABLE
        [MigrateType.Unmovable, MigrateType.Movable],     // RECLAIMABLE
    ];

    // mm/page_alloc.c: should_try_claim_block (6.12: can_steal_fallback).
    internal bool ShouldTryClaimBlock(int order, MigrateType startMt)
    {
        // Leaving this order check is intended: a whole pageblock can be taken at this order.
        if (order >= MmConstants.PageblockOrder)
        {
            return true;
        }

        return order >= MmConstants.PageblockOrder / 2 ||
               startMt == MigrateType.Reclaimable ||
               startMt == MigrateType.Unmovable ||
               Options.GroupByMobilityDisabled;
    }

    // mm/page_alloc.c: find_suitable_fallback (6.16+ form).
    internal FallbackResult FindSuitableFallback(Zone zone, int order, MigrateType mt, bool claimable, out MigrateType fallbackMt)
    {
        fallbackMt = MigrateType.Unmovable;
        if (claimable && !ShouldTryClaimBlock(order, mt))
        {
            return FallbackResult.NoClaim;
        }

        if (zone.NrFree[order] == 0)
        {
            return FallbackResult.Empty;
        }

        MigrateType[] candidates = Fallbacks[(int)mt];
        for (int i = 0; i < candidates.Length; i++)
        {
            if (!zone.FreeAreaEmpty(order, candidates[i]))
            {
                fallbackMt = candidates[i];
                return FallbackResult.Found;
            }
        }

        return FallbackResult.Empty;
    }

    // mm/page_alloc.c: __rmqueue_claim — largest foreign block first, claim it if enough of it is ours.
    private int RmqueueClaim(Zone zone, int order, MigrateType startMt, AllocFlags flags)
    {
        // Do not steal pages from freelists belonging to other pageblocks, i.e. orders below
        // pageblock_order, on the ALLOC_NOFRAGMENT pass.
        int minOrder = order;
        if (order < MmConstants.PageblockOrder && (flags & AllocFlags.NoFragment) != 0)
        {
            minOrder = MmConstants.PageblockOrder;
        }

        for (int current = MmConstants.MaxPageOrder; current >= minOrder; current--)
        {
            FallbackResult r = FindSuitableFallback(zone, current, startMt, claimable: true, out MigrateType fallbackMt);
            if (r == FallbackResult.Empty)
            {
                continue;
            }

            if (r == FallbackResult.NoClaim)
            {
                break;
            }

            int head = zone.FreeListHead(current, fallbackMt);
            int pfn = TryToClaimBlock(zone, head, current, order, startMt, fallbackMt, flags);
            if (pfn >= 0)
            {
                TraceExtfrag(pfn, order, current, startMt, fallbackMt);
                return pfn;
            }
        }

        return -1;
    }

    // mm/page_alloc.c: __rmqueue_steal — the smallest foreign page; the block keeps its type.
    private int RmqueueSteal(Zone zone, int order, MigrateType startMt)
    {
        for (int current = order; current < MmConstants.NrPageOrders; current++)
        {
            if (FindSuitableFallback(zone, current, startMt, claimable: false, out MigrateType fallbackMt) != FallbackResult.Found)
            {
                continue;
            }

            int pfn = zone.FreeListHead(current, fallbackMt);
            PageDelAndExpand(zone, pfn, order, current, fallbackMt);
            TraceExtfrag(pfn, order, current, startMt, fallbackMt);
            return pfn;
        }

        return -1;
    }

    // mm/page_alloc.c: try_to_claim_block.
    private int TryToClaimBlock(Zone zone, int pfn, int currentOrder, int order, MigrateType startMt, MigrateType blockMt, AllocFlags flags)
    {
        // Take ownership for orders >= pageblock_order.
        if (currentOrder >= MmConstants.PageblockOrder)
        {
            return TakeOwnership(zone, pfn, currentOrder, order, startMt, blockMt);
        }

        // Boost watermarks to increase reclaim pressure to reduce the likelihood of future
        // fallbacks. Wake kswapd now as the node may be balanced overall.
        if (BoostWatermark(zone) && (flags & AllocFlags.Kswapd) != 0)
        {
            zone.Flags |= ZoneFlags.BoostedWatermark;
        }

        // Moving the whole block can fail due to zone boundary conditions.
        if (!PrepMoveFreepagesBlock(zone, pfn, out int startPfn, out int freePages, out int movablePages))
        {
            return -1;
        }

        return ClaimWorthIt(startMt, blockMt, freePages, movablePages)
            ? ClaimBlock(zone, startPfn, order, startMt, blockMt)
            : -1;
    }

    // The whole-buddy case of try_to_claim_block and steal_suitable_fallback: a free block of
    // pageblock order or more changes type as a whole and is split on the new type's lists.
    private int TakeOwnership(Zone zone, int pfn, int currentOrder, int order, MigrateType startMt, MigrateType blockMt)
    {
        DelFromFreeList(zone, pfn, currentOrder, blockMt);
        ChangePageblockRange(pfn, currentOrder, startMt);
        long nrAdded = Expand(zone, pfn, order, currentOrder, startMt);
        AccountFreepages(zone, nrAdded, startMt);
        return pfn;
    }

    // Claiming a pageblock below pageblock order: move its free pages to the new type, retype the
    // block, and serve the request from the now-refilled preferred lists.
    private int ClaimBlock(Zone zone, int startPfn, int order, MigrateType startMt, MigrateType blockMt)
    {
        MoveFreepagesBlockRaw(zone, startPfn, blockMt, startMt);
        Node.SetPageblockMigratetype(startPfn, startMt);
        return RmqueueSmallest(zone, order, startMt);
    }

    /// <summary>
    /// The claim rule shared by try_to_claim_block and 6.12's steal_suitable_fallback: claim when
    /// free plus "alike" pages reach half a pageblock.
    /// </summary>
    private bool ClaimWorthIt(MigrateType startMt, MigrateType blockMt, int freePages, int movablePages)
    {
        int alikePages;
        if (startMt == MigrateType.Movable)
        {
            alikePages = movablePages;
        }
        else if (blockMt == MigrateType.Movable)
        {
            // An UNMOVABLE or RECLAIMABLE request falling back to a MOVABLE block counts every
            // non-movable page as compatible.
            alikePages = MmConstants.PageblockNrPages - (freePages + movablePages);
        }
        else
        {
            // UNMOVABLE vs RECLAIMABLE cannot be told apart: be conservative.
            alikePages = 0;
        }

        return freePages + alikePages >= (1 << (MmConstants.PageblockOrder - 1)) || Options.GroupByMobilityDisabled;
    }

    // The mm_page_alloc_extfrag tracepoint, also counted (the kernel's users count it with perf).
    private void TraceExtfrag(int pfn, int order, int fallbackOrder, MigrateType startMt, MigrateType fallbackMt)
    {
        bool changeOwnership = startMt == Node.PageblockMigratetype(pfn);
        ExtfragEvents++;
        if (fallbackOrder < MmConstants.PageblockOrder)
        {
            ExtfragFragmenting++;
        }

        Trace?.MmPageAllocExtfrag(pfn, order, fallbackOrder, startMt, fallbackMt, changeOwnership);
    }

    /// <summary>Number of mm_page_alloc_extfrag events (fallbacks to another migratetype).</summary>
    public long ExtfragEvents { get; private set; }

    /// <summary>Of <see cref="ExtfragEvents"/>, those with fallback_order &lt; pageblock_order (fragmenting=1).</summary>
    public long ExtfragFragmenting { get; private set; }
}
