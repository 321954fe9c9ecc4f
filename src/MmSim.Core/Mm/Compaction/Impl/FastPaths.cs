// The scanners' shortcuts through the free lists: the free scanner looks for a free page high in the
// zone before scanning linearly, the migrate scanner for a block that is partly free already
// (mm/compaction.c: freelist_scan_limit, fast_isolate_freepages, fast_isolate_around,
// next_search_order, fast_find_migrateblock, update_fast_start_pfn, reinit_migrate_pfn).
using MmSim.Mm.Migrate;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;

namespace MmSim.Mm.Compaction.Impl;

public sealed partial class MainlineCompaction
{
    // freelist_scan_limit: fewer entries after each failed fast search.
    private static int FreelistScanLimit(CompactControl cc) =>
        (CompactControl.CompactClusterMax >> Math.Min(63, cc.FastSearchFail)) + 1;

    // next_search_order: round-robin over the orders below cc->order.
    private static int NextSearchOrder(CompactControl cc, int order)
    {
        order--;
        if (order < 0)
        {
            order = cc.Order - 1;
        }

        // Search wrapped around?
        if (order == cc.SearchOrder)
        {
            cc.SearchOrder--;
            if (cc.SearchOrder < 0)
            {
                cc.SearchOrder = cc.Order - 1;
            }

            return -1;
        }

        return order;
    }

    // fast_isolate_freepages: search the MOVABLE free lists below cc->order, from the tail, for a block in
    // the top quarter (or top half) of the scan space; isolate it and the free pages around it.
    private void FastIsolateFreepages(CompactControl cc)
    {
        Zone zone = cc.Zone!;
        int limit = Math.Max(1, FreelistScanLimit(cc) >> 1);
        long nrScanned = 0;
        int totalIsolated = 0;
        int highest = 0;
        int page = -1;
        bool scanStart = false;

        // Full compaction passes in a negative order.
        if (cc.Order <= 0)
        {
            return;
        }

        // If starting the scan, use a deeper search and use the highest PFN found if a suitable one is not found.
        if (cc.FreePfn >= StateOf(zone).InitFreePfn)
        {
            limit = PageblockNrPages >> 1;
            scanStart = true;
        }

        // Preferred point is in the top quarter of the scan space, but take one from the top half if needed.
        int distance = cc.FreePfn - cc.MigratePfn;
        int lowPfn = PageblockStartPfn(cc.FreePfn - (distance >> 2));
        int minPfn = PageblockStartPfn(cc.FreePfn - (distance >> 1));
        if (minPfn > lowPfn)
        {
            lowPfn = minPfn;
        }

        // Start from the last successful isolation order or the next one after a failure.
        cc.SearchOrder = Math.Min(cc.Order - 1, cc.SearchOrder);
        for (int order = cc.SearchOrder; page < 0 && order >= 0; order = NextSearchOrder(cc, order))
        {
            if (zone.NrFree[order] == 0)
            {
                continue;
            }

            int orderScanned = 0;
            int highPfn = 0;
            int freepage = zone.FreeListTail(order, MigrateType.Movable);
            int last = -1;
            for (; freepage >= 0; freepage = pages[freepage].Prev)
            {
                last = freepage;
                orderScanned++;
                nrScanned++;
                int pfn = freepage;
                if (pfn >= highest)
                {
                    highest = Math.Max(PageblockStartPfn(pfn), zone.ZoneStartPfn);
                }

                if (pfn >= lowPfn)
                {
                    cc.FastSearchFail = 0;
                    cc.SearchOrder = order;
                    page = freepage;
                    break;
                }

                if (pfn >= minPfn && pfn > highPfn)
                {
                    highPfn = pfn;

                    // Shorten the scan if a candidate is found.
                    limit >>= 1;
                }

                if (orderScanned >= limit)
                {
                    break;
                }
            }

            // Use a maximum candidate PFN if a preferred one was not found.
            if (page < 0 && highPfn != 0)
            {
                page = highPfn;
                last = page;
            }

            // Reorder so a future search skips recent pages.
            if (last >= 0)
            {
                alloc.MoveFreelistHead(zone, order, MigrateType.Movable, last);
            }

            if (page >= 0)
            {
                int nrIsolated = alloc.IsolateFreePage(page, order);
                if (nrIsolated > 0)
                {
                    nrScanned += nrIsolated - 1;
                    totalIsolated += nrIsolated;
                    cc.NrFreepages += nrIsolated;
                    cc.Freepages.AddTail(order, page);
                    node.CountVmEvents(VmEventItem.CompactIsolated, nrIsolated);
                }
                else
                {
                    // If isolation fails, abort the search.
                    order = cc.SearchOrder + 1;
                    page = -1;
                }
            }

            // Skip the fast search if enough free pages are isolated.
            if (cc.NrFreepages >= cc.NrMigratepages)
            {
                break;
            }

            // Smaller scan on the next order so the total scan is related to freelist_scan_limit.
            if (orderScanned >= limit)
            {
                limit = Math.Max(1, limit >> 1);
            }
        }

        Trace?.MmCompactionFastIsolateFreepages(minPfn, cc.FreePfn, nrScanned, totalIsolated);
        if (page < 0)
        {
            cc.FastSearchFail++;
            if (scanStart)
            {
                // Use the highest PFN found above min; failing that, be pessimistic for direct compaction.
                if (highest >= minPfn)
                {
                    page = highest;
                    cc.FreePfn = highest;
                }
                else if (cc.DirectCompaction && node.PfnValid(minPfn))
                {
                    int end = Math.Min(PageblockEndPfn(minPfn), zone.ZoneEndPfn);
                    page = PageblockInZone(minPfn, end, zone) && SuitableMigrationTarget(cc, minPfn) ? minPfn : -1;
                    cc.FreePfn = minPfn;
                }
            }
        }

        ZoneCompaction z = StateOf(zone);
        if (highest != 0 && highest >= z.CachedFreePfn)
        {
            highest -= PageblockNrPages;
            z.CachedFreePfn = highest;
        }

        cc.TotalFreeScanned += nrScanned;
        cc.CostNs += nrScanned * FreeScanCostNs;
        if (page < 0)
        {
            return;
        }

        FastIsolateAround(cc, page);
    }

    // fast_isolate_around: isolate the rest of the free pages in the found block, unless enough are isolated
    // or this is async direct compaction.
    private void FastIsolateAround(CompactControl cc, int pfn)
    {
        Zone zone = cc.Zone!;
        if (cc.NrFreepages >= cc.NrMigratepages || (cc.DirectCompaction && cc.Mode == MigrateMode.Async))
        {
            return;
        }

        int startPfn = Math.Max(PageblockStartPfn(pfn), zone.ZoneStartPfn);
        int endPfn = Math.Min(PageblockEndPfn(pfn), zone.ZoneEndPfn);
        if (!PageblockInZone(startPfn, endPfn, zone))
        {
            return;
        }

        IsolateFreepagesBlock(cc, ref startPfn, endPfn, 1, strict: false);

        // Skip this pageblock in the future as it is full or nearly full.
        if (startPfn == endPfn && !cc.NoSetSkipHint)
        {
            SetPageblockSkip(pfn);
        }
    }

    // update_fast_start_pfn.
    private static void UpdateFastStartPfn(CompactControl cc, int pfn)
    {
        if (cc.FastStartPfn == int.MaxValue)
        {
            return;
        }

        if (cc.FastStartPfn == 0)
        {
            cc.FastStartPfn = pfn;
        }

        cc.FastStartPfn = Math.Min(cc.FastStartPfn, pfn);
    }

    // reinit_migrate_pfn.
    private static int ReinitMigratePfn(CompactControl cc)
    {
        if (cc.FastStartPfn == 0 || cc.FastStartPfn == int.MaxValue)
        {
            return cc.MigratePfn;
        }

        cc.MigratePfn = cc.FastStartPfn;
        cc.FastStartPfn = int.MaxValue;
        return cc.MigratePfn;
    }

    // fast_find_migrateblock: for costly orders, start the migrate scanner at a block low in the zone that
    // already has free pages of order ≥ PAGE_ALLOC_COSTLY_ORDER.
    private int FastFindMigrateblock(CompactControl cc)
    {
        Zone zone = cc.Zone!;
        int limit = FreelistScanLimit(cc);
        int nrScanned = 0;
        int pfn = cc.MigratePfn;
        bool foundBlock = false;

        // Skip hints are relied on to avoid repeats; a block to finish is not left; a continuation stays.
        if (cc.IgnoreSkipHint || cc.FinishPageblock ||
            (pfn != zone.ZoneStartPfn && pfn != PageblockStartPfn(pfn)) ||
            cc.Order <= MmConstants.PageAllocCostlyOrder)
        {
            return pfn;
        }

        // Unmovable/reclaimable requests below pageblock order do not pollute movable blocks.
        if (cc.DirectCompaction && cc.Migratetype != MigrateType.Movable && cc.Order < MmConstants.PageblockOrder)
        {
            return pfn;
        }

        // When starting, any block in the first half of the search space; otherwise the first eighth.
        int distance = (cc.FreePfn - cc.MigratePfn) >> 1;
        if (cc.MigratePfn != zone.ZoneStartPfn)
        {
            distance >>= 2;
        }

        int highPfn = PageblockStartPfn(cc.MigratePfn + distance);
        for (int order = cc.Order - 1; order >= MmConstants.PageAllocCostlyOrder && !foundBlock && nrScanned < limit; order--)
        {
            if (zone.NrFree[order] == 0)
            {
                continue;
            }

            for (int freepage = zone.FreeListHead(order, MigrateType.Movable); freepage >= 0; freepage = pages[freepage].Next)
            {
                if (nrScanned++ >= limit)
                {
                    alloc.MoveFreelistTail(zone, order, MigrateType.Movable, freepage);
                    break;
                }

                int freePfn = freepage;
                if (freePfn < highPfn)
                {
                    // Avoid if skipped recently.
                    if (GetPageblockSkip(freepage))
                    {
                        continue;
                    }

                    // Reorder so a future search skips recent pages.
                    alloc.MoveFreelistTail(zone, order, MigrateType.Movable, freepage);
                    UpdateFastStartPfn(cc, freePfn);
                    pfn = Math.Max(PageblockStartPfn(freePfn), zone.ZoneStartPfn);
                    cc.FastSearchFail = 0;
                    foundBlock = true;
                    break;
                }
            }
        }

        cc.TotalMigrateScanned += nrScanned;
        cc.CostNs += nrScanned * MigrateScanCostNs;

        // If fast scanning failed, use a cached block that had free pages as the start of a linear scan.
        if (!foundBlock)
        {
            cc.FastSearchFail++;
            pfn = ReinitMigratePfn(cc);
        }

        return pfn;
    }
}
