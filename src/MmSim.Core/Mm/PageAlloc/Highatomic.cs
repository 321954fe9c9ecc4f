using static MmSim.Mm.VmBug;

namespace MmSim.Mm.PageAlloc;

// The highatomic reserve: pageblocks set aside for high-order atomic allocations.
public sealed partial class PageAllocator
{
    /// <summary>
    /// reserve_highatomic_pageblock: after a successful ALLOC_HIGHATOMIC allocation, converts the
    /// page's mergeable block to HIGHATOMIC, up to about 1% of the zone.
    /// </summary>
    /// <remarks>mm/page_alloc.c: reserve_highatomic_pageblock (6.18: called from get_page_from_freelist).</remarks>
    internal void ReserveHighatomicPageblock(int pfn, int order, Zone zone)
    {
        // Minimum one pageblock, maximum roughly 1% of the zone; none if 1% is below a pageblock.
        long onePercent = zone.ManagedPages / 100;
        if (onePercent < MmConstants.PageblockNrPages)
        {
            return;
        }

        long maxManaged = (onePercent + MmConstants.PageblockNrPages - 1) & ~(long)(MmConstants.PageblockNrPages - 1);
        if (zone.NrReservedHighatomic >= maxManaged)
        {
            return;
        }

        MigrateType mt = Node.PageblockMigratetype(pfn);

        // Only reserve normal pageblocks (i.e., they can merge with others).
        if (!MigrateTypes.IsMergeable(mt))
        {
            return;
        }

        if (order < MmConstants.PageblockOrder)
        {
            if (MoveFreepagesBlock(zone, pfn, mt, MigrateType.HighAtomic) == -1)
            {
                return;
            }

            zone.NrReservedHighatomic += MmConstants.PageblockNrPages;
        }
        else
        {
            ChangePageblockRange(pfn, order, MigrateType.HighAtomic);
            zone.NrReservedHighatomic += 1L << order;
        }
    }

    /// <summary>
    /// unreserve_highatomic_pageblock: gives HIGHATOMIC blocks back to the request's type when
    /// reclaim made no progress; keeps one block unless <paramref name="force"/>.
    /// </summary>
    /// <param name="preferred">Zone to start from (the request's preferred zone).</param>
    /// <param name="migratetype">The failing request's migratetype.</param>
    /// <param name="force">Unreserve even the last block (before OOM).</param>
    /// <returns>True when a block was converted.</returns>
    /// <remarks>mm/page_alloc.c: unreserve_highatomic_pageblock (one node, so every zone at or below the preferred one).</remarks>
    public bool UnreserveHighatomicPageblock(Zone preferred, MigrateType migratetype, bool force)
    {
        ArgumentNullException.ThrowIfNull(preferred);
        for (int z = (int)preferred.Type; z >= 0; z--)
        {
            Zone zone = Node.Zones[z];

            // Preserve at least one pageblock unless memory pressure is really high.
            if (!force && zone.NrReservedHighatomic <= MmConstants.PageblockNrPages)
            {
                continue;
            }

            for (int order = 0; order < MmConstants.NrPageOrders; order++)
            {
                int pfn = zone.FreeListHead(order, MigrateType.HighAtomic);
                if (pfn < 0)
                {
                    continue;
                }

                int size = Math.Max(MmConstants.PageblockNrPages, 1 << order);

                // "It should never happen but changes to locking could inadvertently allow a per-cpu
                // drain to add pages to MIGRATE_HIGHATOMIC while unreserving": the kernel warns
                // (WARN_ON_ONCE) and clamps; mmsim clamps always and fails the check under DEBUG_VM.
                VmWarnOn(size > zone.NrReservedHighatomic, "WARN_ON_ONCE(size > zone->nr_reserved_highatomic) in unreserve_highatomic_pageblock");
                zone.NrReservedHighatomic -= Math.Min(size, zone.NrReservedHighatomic);
                if (order < MmConstants.PageblockOrder)
                {
                    if (MoveFreepagesBlock(zone, pfn, MigrateType.HighAtomic, migratetype) == -1)
                    {
                        // "Reserving the block(s) already succeeded, so this should not fail on zone boundaries."
                        VmWarnOn(true, "WARN_ON_ONCE(ret == -1) in unreserve_highatomic_pageblock");
                        continue;
                    }
                }
                else
                {
                    MoveToFreeList(zone, pfn, order, MigrateType.HighAtomic, migratetype);
                    ChangePageblockRange(pfn, order, migratetype);
                }

                return true;
            }
        }

        return false;
    }
}
