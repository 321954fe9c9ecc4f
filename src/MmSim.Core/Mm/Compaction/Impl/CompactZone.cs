// One zone's compaction run and the entry points that start one (mm/compaction.c: compact_zone,
// compact_finished, __compact_finished, compaction_suit_allocation_order, compaction_suitable,
// compaction_alloc, compaction_free, release_free_list, compact_zone_order, try_to_compact_pages).
using MmSim.Mm.Migrate;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;
using MmSim.Sim;

namespace MmSim.Mm.Compaction.Impl;

public sealed partial class MainlineCompaction
{
    /// <inheritdoc/>
    /// <remarks>mm/compaction.c: compact_zone(cc, NULL) for kcompactd, proactive compaction and compact_memory.</remarks>
    public IEnumerable<Wait> CompactZone(PageAllocator alloc, CompactControl cc)
    {
        ArgumentNullException.ThrowIfNull(cc);
        return CompactZoneRun(cc, null);
    }

    /// <inheritdoc/>
    /// <remarks>mm/compaction.c: try_to_compact_pages and compact_zone_order. The priority gives the mode
    /// (ASYNC, else MIGRATE_SYNC_LIGHT, also for SYNC_FULL) and, at SYNC_FULL, whole-zone scans without skip
    /// hints or block suitability. compact_stall/compact_fail/compact_success are counted by the caller
    /// (__alloc_pages_direct_compact), which knows whether the allocation then succeeded.</remarks>
    public IEnumerable<Wait> TryToCompactPages(PageAllocator alloc, CompactControl cc)
    {
        ArgumentNullException.ThrowIfNull(cc);
        return TryToCompactPagesRun(cc);
    }

    private IEnumerable<Wait> TryToCompactPagesRun(CompactControl request)
    {
        CompactResult rc = CompactResult.Skipped;
        CaptureControl? capc = request.Capture;
        if (capc is not null)
        {
            capc.Zone = null;
        }

        // gfp_compaction_allowed: compaction may do I/O.
        if ((request.GfpMask & GfpFlags.Io) == 0)
        {
            request.Result = rc;
            yield break;
        }

        CompactPriority prio = request.Priority;
        Trace?.MmCompactionTryToCompactPages(request.Order, request.GfpMask, prio);
        var cc = new CompactControl();

        // for_each_zone_zonelist_nodemask: populated zones from the highest allowed index down.
        for (int z = Math.Min(request.HighestZoneidx, node.Zones.Length - 1); z >= 0; z--)
        {
            Zone zone = node.Zones[z];
            if (!zone.IsPopulated)
            {
                continue;
            }

            if (prio > CompactPriority.SyncFull && CompactionDeferred(zone, request.Order))
            {
                rc = (CompactResult)Math.Max((int)CompactResult.Deferred, (int)rc);
                continue;
            }

            // compact_zone_order.
            ResetControl(cc);
            cc.Order = request.Order;
            cc.SearchOrder = request.Order;
            cc.GfpMask = request.GfpMask;
            cc.Zone = zone;
            cc.Mode = prio == CompactPriority.Async ? MigrateMode.Async : MigrateMode.SyncLight;
            cc.AllocFlags = request.AllocFlags;
            cc.HighestZoneidx = request.HighestZoneidx;
            cc.DirectCompaction = true;
            cc.WholeZone = prio == CompactPriority.SyncFull;
            cc.IgnoreSkipHint = prio == CompactPriority.SyncFull;
            cc.IgnoreBlockSuitable = prio == CompactPriority.SyncFull;
            cc.Priority = prio;
            if (capc is not null)
            {
                capc.Zone = zone.Type;
            }

            yield return Wait.Call(CompactZoneRun(cc, capc));
            if (capc is not null)
            {
                capc.Zone = null;
            }

            request.TotalMigrateScanned += cc.TotalMigrateScanned;
            request.TotalFreeScanned += cc.TotalFreeScanned;
            request.CostNs += cc.CostNs;
            CompactResult status = cc.Result;

            // Stop if a page has been captured.
            if (capc is not null && capc.Page >= 0)
            {
                status = CompactResult.Success;
            }

            rc = (CompactResult)Math.Max((int)status, (int)rc);

            // The allocation should succeed: stop compacting (the caller resets with alloc_success once it did).
            if (status == CompactResult.Success)
            {
                CompactionDeferReset(zone, request.Order, allocSuccess: false);
                break;
            }

            // The allocation will not succeed in this zone: defer it there.
            if (prio != CompactPriority.Async && status is CompactResult.Complete or CompactResult.PartialSkipped)
            {
                DeferCompaction(zone, request.Order);
            }
        }

        request.Result = rc;
    }

    // compact_zone_order's designated initialiser: a fresh control per zone.
    private static void ResetControl(CompactControl cc)
    {
        cc.Zone = null;
        cc.Order = 0;
        cc.SearchOrder = 0;
        cc.HighestZoneidx = 0;
        cc.Priority = CompactPriority.Async;
        cc.Mode = MigrateMode.Async;
        cc.GfpMask = 0;
        cc.AllocFlags = 0;
        cc.IgnoreSkipHint = false;
        cc.WholeZone = false;
        cc.ProactiveCompaction = false;
        cc.TotalMigrateScanned = 0;
        cc.TotalFreeScanned = 0;
        cc.CostNs = 0;
        cc.Result = CompactResult.Skipped;
        cc.Capture = null;
        cc.DirectCompaction = false;
        cc.IgnoreBlockSuitable = false;
        cc.NoSetSkipHint = false;
        cc.FastSearchFail = 0;
        cc.FinishPageblock = false;
        cc.Contended = false;
    }

    // compact_scanners_met: the free scanner reached the migrate scanner's pageblock.
    private static bool CompactScannersMet(CompactControl cc) =>
        (cc.FreePfn >> MmConstants.PageblockOrder) <= (cc.MigratePfn >> MmConstants.PageblockOrder);

    /// <summary>
    /// compact_zone: runs both scanners and migration over <see cref="CompactControl.Zone"/> until
    /// compact_finished says stop; the outcome goes to <see cref="CompactControl.Result"/>.
    /// </summary>
    private IEnumerable<Wait> CompactZoneRun(CompactControl cc, CaptureControl? capc)
    {
        Zone zone = cc.Zone ?? throw new ArgumentException("cc.Zone must be set", nameof(cc));
        ZoneCompaction z = StateOf(zone);
        int startPfn = zone.ZoneStartPfn;
        int endPfn = zone.ZoneEndPfn;
        bool sync = cc.Mode != MigrateMode.Async;

        cc.TotalMigrateScanned = 0;
        cc.TotalFreeScanned = 0;
        cc.NrMigratepages = 0;
        cc.NrFreepages = 0;
        cc.Freepages.Clear();
        cc.Migratepages.Clear();
        cc.Migratetype = Gfp.Migratetype(cc.GfpMask, node.GroupByMobilityDisabled);
        CompactResult ret;
        if (!IsViaCompactMemory(cc.Order))
        {
            ret = CompactionSuitAllocationOrder(zone, cc.Order, cc.HighestZoneidx, cc.AllocFlags,
                async: cc.Mode == MigrateMode.Async, kcompactd: !cc.DirectCompaction);
            if (ret != CompactResult.Continue)
            {
                cc.Result = ret;
                yield break;
            }
        }

        // Clear the skip bits if there were failures recently and compaction restarts after being deferred.
        if (CompactionRestarting(zone, cc.Order))
        {
            ResetIsolationSuitableZone(zone);
        }

        // Where the scanners start: the cached positions unless the whole zone is compacted.
        cc.FastStartPfn = 0;
        if (cc.WholeZone)
        {
            cc.MigratePfn = startPfn;
            cc.FreePfn = PageblockStartPfn(endPfn - 1);
        }
        else
        {
            cc.MigratePfn = z.CachedMigratePfn[sync ? 1 : 0];
            cc.FreePfn = z.CachedFreePfn;
            if (cc.FreePfn < startPfn || cc.FreePfn >= endPfn)
            {
                cc.FreePfn = PageblockStartPfn(endPfn - 1);
                z.CachedFreePfn = cc.FreePfn;
            }

            if (cc.MigratePfn < startPfn || cc.MigratePfn >= endPfn)
            {
                cc.MigratePfn = startPfn;
                z.CachedMigratePfn[0] = cc.MigratePfn;
                z.CachedMigratePfn[1] = cc.MigratePfn;
            }

            if (cc.MigratePfn <= z.InitMigratePfn)
            {
                cc.WholeZone = true;
            }
        }

        int lastMigratedPfn = 0;

        // Keep the async and sync cached positions together until a block with candidates is found.
        bool updateCached = !sync && z.CachedMigratePfn[0] == z.CachedMigratePfn[1];
        Trace?.MmCompactionBegin(startPfn, cc.MigratePfn, cc.FreePfn, endPfn, sync);
        var result = new MigrateResult();
        NewFolioCallback getNew = (src, order) => CompactionAlloc(cc, order);
        FreeFolioCallback putNew = (dst, order) => CompactionFree(cc, dst, order);
        TaskContext current = Current;
        running.Add(cc);
        try
        {
            while ((ret = CompactFinished(cc)) == CompactResult.Continue)
            {
                int iterationStartPfn = cc.MigratePfn;

                // Avoid multiple rescans of the same pageblock: the first rescan takes the entire block.
                cc.FinishPageblock = PageblockStartPfn(lastMigratedPfn) == PageblockStartPfn(iterationStartPfn);
                bool stop = false;
                bool rescan;
                do
                {
                    rescan = false;
                    IsolateMigrateResult isolated = IsolateMigratepages(cc);
                    if (isolated == IsolateMigrateResult.Abort)
                    {
                        ret = CompactResult.Contended;
                        migrate.PutbackMovablePages(cc.Migratepages);
                        cc.NrMigratepages = 0;
                        stop = true;
                        break;
                    }

                    if (isolated == IsolateMigrateResult.None)
                    {
                        if (updateCached)
                        {
                            z.CachedMigratePfn[1] = z.CachedMigratePfn[0];
                        }

                        // Nothing isolated, but there may be unflushed migrations from the previous block.
                        break;
                    }

                    updateCached = false;
                    lastMigratedPfn = Math.Max(zone.ZoneStartPfn, PageblockStartPfn(cc.MigratePfn - 1));
                    int nrMigratepages = cc.NrMigratepages;
                    result.Ret = 0;
                    result.NrSucceeded = 0;
                    result.NrFailed = 0;
                    yield return Wait.Call(migrate.MigratePages(current, cc.Migratepages, getNew, putNew, cc.Mode, MigrateReason.Compaction, result));
                    Trace?.MmCompactionMigratepages(nrMigratepages, result.NrSucceeded);

                    // All pages were either migrated or will be released.
                    cc.NrMigratepages = 0;
                    int err = result.Ret;
                    if (err != 0)
                    {
                        migrate.PutbackMovablePages(cc.Migratepages);

                        // -ENOMEM when the scanners met: let compact_finished see it.
                        if (err == Enomem && !CompactScannersMet(cc))
                        {
                            ret = CompactResult.Contended;
                            stop = true;
                            break;
                        }

                        // An ASYNC or SYNC_LIGHT failure within a block: scan the rest of it, then mark it skipped.
                        if (!PageblockAligned(cc.MigratePfn) && !cc.IgnoreSkipHint && !cc.FinishPageblock && cc.Mode < MigrateMode.Sync)
                        {
                            cc.FinishPageblock = true;

                            // Draining pcplists does not help THP if any page failed to migrate.
                            if (cc.Order == CompactionSuitable.CompactionHpageOrder)
                            {
                                lastMigratedPfn = 0;
                            }

                            rescan = true;
                            continue;
                        }
                    }

                    // Stop if a page has been captured.
                    if (capc is not null && capc.Page >= 0)
                    {
                        ret = CompactResult.Success;
                        stop = true;
                    }
                }
                while (rescan);

                if (stop)
                {
                    break;
                }

                // check_drain: once the migrate scanner left the cc->order block it migrated from, flush the
                // pcp lists so the freed pages merge and compact_finished sees them.
                if (cc.Order > 0 && lastMigratedPfn != 0)
                {
                    int currentBlockStart = BlockStartPfn(cc.MigratePfn, cc.Order);
                    if (lastMigratedPfn < currentBlockStart)
                    {
                        alloc.DrainPagesZone(zone);
                        lastMigratedPfn = 0;
                    }
                }
            }

            // Release free pages and move the free scanner's restart point back, so none are left behind.
            if (cc.NrFreepages > 0)
            {
                int freePfn = ReleaseFreeList(cc);
                cc.NrFreepages = 0;
                freePfn = PageblockStartPfn(freePfn);

                // Only go back, not forward (compact_finished may have reset it to the zone end).
                if (freePfn > z.CachedFreePfn)
                {
                    z.CachedFreePfn = freePfn;
                }
            }
        }
        finally
        {
            running.Remove(cc);
        }

        node.CountVmEvents(VmEventItem.CompactMigrateScanned, cc.TotalMigrateScanned);
        node.CountVmEvents(VmEventItem.CompactFreeScanned, cc.TotalFreeScanned);
        Trace?.MmCompactionEnd(startPfn, cc.MigratePfn, cc.FreePfn, endPfn, sync, ret);
        VmBug.VmBugOn(cc.Migratepages.Count != 0, "VM_BUG_ON(!list_empty(&cc->migratepages)) in compact_zone");
        cc.Result = ret;
    }

    // compact_finished: __compact_finished with its trace; NO_SUITABLE_PAGE means continue.
    private CompactResult CompactFinished(CompactControl cc)
    {
        CompactResult ret = CompactFinishedCore(cc);
        Trace?.MmCompactionFinished(cc.Zone!, cc.Order, ret);
        return ret == CompactResult.NoSuitablePage ? CompactResult.Continue : ret;
    }

    // __compact_finished.
    private CompactResult CompactFinishedCore(CompactControl cc)
    {
        Zone zone = cc.Zone!;
        MigrateType migratetype = cc.Migratetype;

        // The run completes when the scanners meet.
        if (CompactScannersMet(cc))
        {
            // Let the next compaction start anew.
            ResetCachedPositions(zone);

            // kswapd clears the skip bits when it sleeps, but only after a direct compaction's full scan.
            if (cc.DirectCompaction)
            {
                StateOf(zone).BlockskipFlush = true;
            }

            return cc.WholeZone ? CompactResult.Complete : CompactResult.PartialSkipped;
        }

        CompactResult ret;
        if (cc.ProactiveCompaction)
        {
            if (cc.KswapdIsRunning?.Invoke() == true)
            {
                return CompactResult.PartialSkipped;
            }

            int score = CompactionSuitable.FragmentationScoreZone(zone);
            int wmarkLow = CompactionSuitable.FragmentationScoreWmark(deps.Sysctl.CompactionProactiveness, low: true, deps.Sysctl.ProactiveWmarksBefore616);
            ret = score > wmarkLow ? CompactResult.Continue : CompactResult.Success;
            return cc.Contended ? CompactResult.Contended : ret;
        }

        if (IsViaCompactMemory(cc.Order))
        {
            return CompactResult.Continue;
        }

        // Always finish scanning a pageblock to reduce the possibility of fallbacks in the future.
        if (!PageblockAligned(cc.MigratePfn))
        {
            return CompactResult.Continue;
        }

        // defrag_mode: kcompactd targets the high watermark in whole free pageblocks.
        if (deps.Sysctl.DefragMode && !cc.DirectCompaction)
        {
            return PageAllocator.ZoneWatermarkOkCore(zone, cc.Order, zone.WmarkPages(WatermarkIndex.High), (ZoneType)cc.HighestZoneidx,
                cc.AllocFlags, zone.ZonePageState(ZoneStatItem.NrFreePagesBlocks))
                ? CompactResult.Success
                : CompactResult.Continue;
        }

        // Direct compactor: is a suitable page free?
        ret = CompactResult.NoSuitablePage;
        for (int order = cc.Order; order < MmConstants.NrPageOrders; order++)
        {
            // Job done if a page is free of the right migratetype, or of CMA for a movable request.
            if (!zone.FreeAreaEmpty(order, migratetype) ||
                (migratetype == MigrateType.Movable && !zone.FreeAreaEmpty(order, MigrateType.Cma)))
            {
                return CompactResult.Success;
            }

            // Job done if the allocation would claim free pages from another migratetype's block.
            if (migratetype < MigrateType.HighAtomic && alloc.CanClaimFallback(zone, order, migratetype))
            {
                return CompactResult.Success;
            }
        }

        return cc.Contended ? CompactResult.Contended : ret;
    }

    // compaction_suit_allocation_order, with compaction_suitable's trace line.
    private CompactResult CompactionSuitAllocationOrder(Zone zone, int order, int highestZoneidx, AllocFlags allocFlags, bool async, bool kcompactd)
    {
        CompactionSysctl s = deps.Sysctl;
        ZoneStatItem freeItem = kcompactd && s.DefragMode ? ZoneStatItem.NrFreePagesBlocks : ZoneStatItem.NrFreePages;
        long watermark = zone.WmarkPages((WatermarkIndex)(int)(allocFlags & AllocFlags.WmarkMask));
        if (PageAllocator.ZoneWatermarkOkCore(zone, order, watermark, (ZoneType)highestZoneidx, allocFlags, zone.ZonePageState(freeItem)))
        {
            return CompactResult.Success;
        }

        // Unmovable costly async requests (no ALLOC_CMA): enough free memory outside CMA blocks?
        if (order > MmConstants.PageAllocCostlyOrder && async && (allocFlags & AllocFlags.Cma) == 0 &&
            !PageAllocator.ZoneWatermarkOkCore(zone, 0, watermark + CompactionSuitable.CompactGap(order), (ZoneType)highestZoneidx, 0,
                zone.ZonePageState(ZoneStatItem.NrFreePages)))
        {
            return CompactResult.Skipped;
        }

        // compaction_suitable.
        CompactResult traced;
        bool suitable = CompactionSuitable.CompactionSuitableCore(zone, order, watermark, highestZoneidx, zone.ZonePageState(ZoneStatItem.NrFreePages));
        if (suitable)
        {
            traced = CompactResult.Continue;
            if (order > MmConstants.PageAllocCostlyOrder)
            {
                int fragindex = Fragmentation.FragmentationIndex(zone, order);
                if (fragindex >= 0 && fragindex <= s.ExtfragThreshold)
                {
                    suitable = false;
                    traced = CompactResult.NotSuitableZone;
                }
            }
        }
        else
        {
            traced = CompactResult.Skipped;
        }

        Trace?.MmCompactionSuitable(zone, order, traced);
        return suitable ? CompactResult.Continue : CompactResult.Skipped;
    }

    // compaction_alloc: the smallest isolated block of at least the source's order, split down to it
    // (the split-off halves go back to the head of their lists); a fresh free scan when none is left.
    private int CompactionAlloc(CompactControl cc, int order)
    {
        bool hasIsolatedPages = false;
        while (true)
        {
            int startOrder = order;
            while (startOrder < MmConstants.NrPageOrders && cc.Freepages.Count(startOrder) == 0)
            {
                startOrder++;
            }

            if (startOrder == MmConstants.NrPageOrders)
            {
                if (hasIsolatedPages)
                {
                    return -1;
                }

                IsolateFreepages(cc);
                hasIsolatedPages = true;
                continue;
            }

            int pfn = cc.Freepages.TakeHead(startOrder);
            int size = 1 << startOrder;
            while (startOrder > order)
            {
                startOrder--;
                size >>= 1;
                cc.Freepages.AddHead(startOrder, pfn + size);
            }

            alloc.PostAllocHookIsolated(pfn, order);
            cc.NrFreepages -= 1 << order;
            cc.NrMigratepages -= 1 << order;
            return pfn;
        }
    }

    // compaction_free: an unused target goes back to the isolated list.
    private void CompactionFree(CompactControl cc, int dst, int order)
    {
        alloc.FreePagesPrepareIsolated(dst, order);
        cc.Freepages.AddHead(order, dst);
        cc.NrFreepages += 1 << order;
        cc.NrMigratepages += 1 << order;
    }

    // release_free_list: every isolated block back to the buddy allocator (mark_allocated + __free_pages);
    // returns the highest PFN released.
    private int ReleaseFreeList(CompactControl cc)
    {
        int highPfn = 0;
        for (int order = 0; order < MmConstants.NrPageOrders; order++)
        {
            while (cc.Freepages.Count(order) > 0)
            {
                int pfn = cc.Freepages.TakeHead(order);
                alloc.PostAllocHookIsolated(pfn, order);
                alloc.FreePages(pfn, order);
                highPfn = Math.Max(highPfn, pfn);
            }
        }

        return highPfn;
    }
}
