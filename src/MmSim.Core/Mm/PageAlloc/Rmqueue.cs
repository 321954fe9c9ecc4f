using System.Runtime.CompilerServices;
using MmSim.Mm.Stat;
using static MmSim.Mm.VmBug;

namespace MmSim.Mm.PageAlloc;

/// <summary>Where __rmqueue found pages last, so a pcp refill skips stages that already failed.</summary>
/// <remarks>mm/page_alloc.c: enum rmqueue_mode (6.15+).</remarks>
internal enum RmqueueMode
{
    Normal,
    Cma,
    Claim,
    Steal,
}

// Taking pages off the buddy free lists: the preferred type first, then CMA, then fallback.
public sealed partial class PageAllocator
{
    // mm/page_alloc.c: __rmqueue_smallest — the head of the first non-empty list at order ≥ request.
    internal int RmqueueSmallest(Zone zone, int order, MigrateType mt)
    {
        for (int current = order; current < MmConstants.NrPageOrders; current++)
        {
            int pfn = zone.FreeHead[Zone.ListIndex(current, mt)];
            if (pfn < 0)
            {
                continue;
            }

            PageDelAndExpand(zone, pfn, order, current, mt);
            return pfn;
        }

        return -1;
    }

    // mm/page_alloc.c: __rmqueue_cma_fallback.
    private int RmqueueCmaFallback(Zone zone, int order) => RmqueueSmallest(zone, order, MigrateType.Cma);

    // mm/page_alloc.c: __rmqueue (6.15+ with rmqueue_mode; 6.12 without).
    internal int Rmqueue(Zone zone, int order, MigrateType mt, AllocFlags flags, ref RmqueueMode mode)
    {
        // Balance movable allocations between regular and CMA areas by allocating from CMA when
        // over half of the zone's free memory is in the CMA area.
        if ((flags & AllocFlags.Cma) != 0 &&
            zone.VmStat[(int)ZoneStatItem.NrFreeCma] > zone.VmStat[(int)ZoneStatItem.NrFreePages] / 2)
        {
            int cmaPfn = RmqueueCmaFallback(zone, order);
            if (cmaPfn >= 0)
            {
                return cmaPfn;
            }
        }

        return Options.Fallback == FallbackAlgorithm.V6_12
            ? Rmqueue612(zone, order, mt, flags)
            : RmqueueByMode(zone, order, mt, flags, ref mode);
    }

    private int RmqueueByMode(Zone zone, int order, MigrateType mt, AllocFlags flags, ref RmqueueMode mode)
    {
        int pfn;
        if (mode == RmqueueMode.Normal)
        {
            pfn = RmqueueSmallest(zone, order, mt);
            if (pfn >= 0)
            {
                return pfn;
            }
        }

        if (mode <= RmqueueMode.Cma && (flags & AllocFlags.Cma) != 0)
        {
            pfn = RmqueueCmaFallback(zone, order);
            if (pfn >= 0)
            {
                mode = RmqueueMode.Cma;
                return pfn;
            }
        }

        if (mode <= RmqueueMode.Claim)
        {
            pfn = RmqueueClaim(zone, order, mt, flags);
            if (pfn >= 0)
            {
                // Replenished the preferred freelist: back to normal mode.
                mode = RmqueueMode.Normal;
                return pfn;
            }
        }

        if ((flags & AllocFlags.NoFragment) == 0)
        {
            pfn = RmqueueSteal(zone, order, mt);
            if (pfn >= 0)
            {
                mode = RmqueueMode.Steal;
                return pfn;
            }
        }

        return -1;
    }

    // 6.10–6.14: __rmqueue without mode caching.
    private int Rmqueue612(Zone zone, int order, MigrateType mt, AllocFlags flags)
    {
        int pfn = RmqueueSmallest(zone, order, mt);
        if (pfn >= 0)
        {
            return pfn;
        }

        if ((flags & AllocFlags.Cma) != 0)
        {
            pfn = RmqueueCmaFallback(zone, order);
        }

        return pfn >= 0 ? pfn : RmqueueFallback612(zone, order, mt, flags);
    }

    /// <summary>rmqueue_buddy: the non-pcp path, with the HIGHATOMIC reserve first when allowed.</summary>
    /// <remarks>mm/page_alloc.c: rmqueue_buddy.</remarks>
    internal int RmqueueBuddy(Zone zone, int order, AllocFlags flags, MigrateType mt)
    {
        int pfn = -1;
        if ((flags & AllocFlags.HighAtomic) != 0)
        {
            pfn = RmqueueSmallest(zone, order, MigrateType.HighAtomic);
        }

        if (pfn < 0)
        {
            RmqueueMode mode = RmqueueMode.Normal;
            pfn = Rmqueue(zone, order, mt, flags, ref mode);

            // If the allocation fails, allow OOM handling and order-0 (atomic) allocs access to
            // HIGHATOMIC reserves as failing now is worse than failing a high-order atomic
            // allocation in the future.
            if (pfn < 0 && (flags & (AllocFlags.Oom | AllocFlags.NonBlock)) != 0)
            {
                pfn = RmqueueSmallest(zone, order, MigrateType.HighAtomic);
            }

            if (pfn < 0)
            {
                return -1;
            }
        }

        CountPgalloc(zone, order);
        return pfn;
    }

    // __count_zid_vm_events(PGALLOC, zone, 1 << order).
    private void CountPgalloc(Zone zone, int order) =>
        Node.CountZidVmEvents(VmEventItem.PgallocDma, zone.Type, 1L << order);

    /// <summary>rmqueue: pcp for small orders (and THP), buddy otherwise; wakes kswapd for a boosted watermark.</summary>
    /// <remarks>mm/page_alloc.c: rmqueue.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int RmqueueZone(Zone zone, int order, AllocFlags flags, MigrateType mt)
    {
        int pfn = -1;
        if (pcpEnabled && PerCpuPages.AllowedOrder(order))
        {
            pfn = RmqueuePcplist(zone, order, mt, flags);
        }

        if (pfn < 0)
        {
            pfn = RmqueueBuddy(zone, order, flags, mt);
        }

        if ((flags & AllocFlags.Kswapd) != 0 && (zone.Flags & ZoneFlags.BoostedWatermark) != 0)
        {
            zone.Flags &= ~ZoneFlags.BoostedWatermark;
            WakeupKswapd?.Invoke(zone, GfpFlags.None, 0, zone.Type);
        }

        VmBugOnPage(pfn >= 0 && BadRange(zone, pfn), pages, pfn, "VM_BUG_ON_PAGE(page && bad_range(zone, page), page) in rmqueue");
        return pfn;
    }
}
