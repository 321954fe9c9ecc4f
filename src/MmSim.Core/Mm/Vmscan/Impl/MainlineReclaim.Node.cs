// shrink_node and what it runs (mm/vmscan.c): prepare_scan_control decides the anon/file balance and
// whether the active lists may be aged; shrink_node_memcgs walks the cgroups under the reclaim target
// (every cgroup for global reclaim) and shrinks each lruvec and, for the root, the slab caches; the
// end of the pass sets the node's writeback/dirty/congested state and throttles.
using MmSim.Mm.Compaction;
using MmSim.Mm.Memcontrol;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;
using MmSim.Mm.Swap;
using MmSim.Sim;

namespace MmSim.Mm.Vmscan.Impl;

public sealed partial class MainlineReclaim
{
    private const int DeactivateAnon = 1;
    private const int DeactivateFile = 2;

    // mm/vmscan.c: shrink_node (classic LRU).
    private IEnumerable<Wait> ShrinkNodeCore(ScanControl sc)
    {
        Lruvec targetLruvec = lru.LruvecOf(sc.TargetMemCgroup?.Id ?? 0);
        bool reclaimable = false;
        while (true)
        {
            sc.Nr = default;
            long nrReclaimed = sc.NrReclaimed;
            long nrScanned = sc.NrScanned;
            PrepareScanControl(sc, targetLruvec);
            yield return Wait.Call(ShrinkNodeMemcgs(sc));

            // flush_reclaim_state: slab pages freed count only for global reclaim (root_reclaim).
            if (sc.TargetMemCgroup is null)
            {
                sc.NrReclaimed += sc.ReclaimStateReclaimed;
            }

            sc.ReclaimStateReclaimed = 0;
            long nrNodeReclaimed = sc.NrReclaimed - nrReclaimed;
            if (nrNodeReclaimed != 0)
            {
                reclaimable = true;
            }

            if (sc.IsKswapd)
            {
                // The allocation rate exceeds the laundering rate: every isolated folio is under writeback.
                if (sc.Nr.Writeback != 0 && sc.Nr.Writeback == sc.Nr.Taken)
                {
                    PgdatWriteback = true;
                }

                // Allow kswapd to start writing folios during reclaim.
                if (sc.Nr.UnqueuedDirty != 0 && sc.Nr.UnqueuedDirty == sc.Nr.FileTaken)
                {
                    PgdatDirty = true;
                }

                // Folios marked for immediate reclaim reached the tail again: stall for writeback.
                if (sc.Nr.Immediate != 0)
                {
                    yield return Wait.Call(ReclaimThrottle(VmscanThrottle.Writeback, sc));
                }
            }

            // Every dirty folio was queued and marked for immediate reclaim: the lruvec is congested.
            if (sc.Nr.Dirty != 0 && sc.Nr.Dirty == sc.Nr.Congested)
            {
                if (sc.TargetMemCgroup is not null && WritebackThrottlingSane(sc))
                {
                    targetLruvec.CgroupCongested = true;
                }

                if (sc.IsKswapd)
                {
                    targetLruvec.NodeCongested = true;
                }
            }

            // Stall direct reclaim for IO completions if the lruvec is congested.
            if (!sc.IsKswapd && (targetLruvec.CgroupCongested || targetLruvec.NodeCongested))
            {
                yield return Wait.Call(ReclaimThrottle(VmscanThrottle.Congested, sc));
            }

            _ = nrScanned;
            if (!ShouldContinueReclaim(nrNodeReclaimed, sc))
            {
                break;
            }
        }

        // Progress revives a kswapd that gave up on the node (kswapd_failures = 0).
        if (reclaimable)
        {
            OnProgress?.Invoke();
        }
    }

    /// <inheritdoc/>
    public Action? OnProgress { get; set; }

    // mm/vmscan.c: prepare_scan_control.
    private void PrepareScanControl(ScanControl sc, Lruvec target)
    {
        sc.AnonCost = target.AnonCost;
        sc.FileCost = target.FileCost;
        if (!sc.ForceDeactivate)
        {
            // Refaults mean a new workingset is forming: deactivate stale active folios quickly.
            long[] activate = ActivateCounts(target);
            sc.MayDeactivate = 0;
            if (activate[0] != target.Refaults[0] || InactiveIsLow(target, LruList.InactiveAnon))
            {
                sc.MayDeactivate |= DeactivateAnon;
            }

            if (activate[1] != target.Refaults[1] || InactiveIsLow(target, LruList.InactiveFile))
            {
                sc.MayDeactivate |= DeactivateFile;
            }
        }
        else
        {
            sc.MayDeactivate = DeactivateAnon | DeactivateFile;
        }

        // Enough inactive page cache: leave anon alone so streaming file access does not cause swapping.
        long file = HierLruSize(target, LruList.InactiveFile);
        sc.CacheTrimMode = (file >> sc.Priority) != 0 && (sc.MayDeactivate & DeactivateFile) == 0;

        // Global reclaim with almost no file cache left: force anon scanning (file_is_tiny).
        sc.FileIsTiny = false;
        if (sc.TargetMemCgroup is null)
        {
            long free = 0;
            long totalHighWmark = 0;
            foreach (Zone zone in node.Zones)
            {
                if (zone.ManagedPages == 0)
                {
                    continue;
                }

                free += zone.ZonePageState(ZoneStatItem.NrFreePages);
                totalHighWmark += zone.WmarkPages(WatermarkIndex.High);
            }

            long nodeFile = node.VmStat[(int)NodeStatItem.NrActiveFile] + node.VmStat[(int)NodeStatItem.NrInactiveFile];
            long anon = node.VmStat[(int)NodeStatItem.NrInactiveAnon];
            sc.FileIsTiny = nodeFile + free <= totalHighWmark && (sc.MayDeactivate & DeactivateAnon) == 0 && (anon >> sc.Priority) != 0;
        }
    }

    // mm/vmscan.c: shrink_node_memcgs. Always a full walk of the subtree in pre-order (no shared iterator
    // cookie); a partial walk (direct and limit reclaim) stops once nr_to_reclaim is met.
    private IEnumerable<Wait> ShrinkNodeMemcgs(ScanControl sc)
    {
        MemCgroup target = sc.TargetMemCgroup ?? memcgs.Root;
        bool partial = !sc.IsKswapd;
        List<int> order = RentList();
        PreOrder(target, order);
        try
        {
            for (int i = 0; i < order.Count; i++)
            {
                MemCgroup memcg = memcgs[(ushort)order[i]];

                // memory.min is hard protection, memory.low soft (respected unless nothing else is reclaimable).
                if (memcg != target && memcg != memcgs.Root)
                {
                    if (memcg.Memory.Usage <= memcg.Min)
                    {
                        continue;
                    }

                    if (memcg.Memory.Usage <= memcg.Low)
                    {
                        if (!sc.MemcgLowReclaim)
                        {
                            sc.MemcgLowSkipped = true;
                            continue;
                        }
                    }
                }

                Lruvec lruvec = lru.LruvecOf(memcg.Id);
                yield return Wait.Call(ShrinkLruvec(lruvec, sc));
                ShrinkSlab(sc.GfpMask, memcg.Id, sc.Priority, sc);
                if (partial && sc.NrReclaimed >= sc.NrToReclaim)
                {
                    break;
                }
            }
        }
        finally
        {
            ReturnList(order);
        }
    }

    private static void PreOrder(MemCgroup memcg, List<int> into)
    {
        into.Add(memcg.Id);
        foreach (MemCgroup child in memcg.Children)
        {
            PreOrder(child, into);
        }
    }

    // mm/vmscan.c: should_continue_reclaim — only reclaim/compaction for higher orders continues, until
    // compaction could run (approximated by the zone having compact_gap free above its min watermark).
    private bool ShouldContinueReclaim(long nrReclaimed, ScanControl sc)
    {
        bool inReclaimCompaction = sc.Order != 0 && (sc.Order > PageAllocCostlyOrder || sc.Priority < DefPriority - 2);
        if (!inReclaimCompaction || nrReclaimed == 0)
        {
            return false;
        }

        Zone[] zones = node.Zones;
        for (int z = 0; z <= sc.ReclaimIdx && z < zones.Length; z++)
        {
            Zone zone = zones[z];
            if (zone.ManagedPages == 0)
            {
                continue;
            }

            long watermark = zone.WmarkPages(WatermarkIndex.Min) + CompactionSuitable.CompactGap(sc.Order);
            if (PageAllocator.ZoneWatermarkOk(zone, 0, watermark, (ZoneType)sc.ReclaimIdx, AllocFlags.WmarkMin))
            {
                return false;
            }
        }

        // If we have not reclaimed enough pages for compaction and the inactive lists are large enough, continue.
        long pagesForCompaction = CompactionSuitable.CompactGap(sc.Order);
        long inactive = node.VmStat[(int)NodeStatItem.NrInactiveFile];
        if (Swap?.CanReclaimAnon(sc.TargetMemCgroup?.Id ?? 0) == true)
        {
            inactive += node.VmStat[(int)NodeStatItem.NrInactiveAnon];
        }

        return inactive > pagesForCompaction;
    }

    // lruvec_page_state of an LRU size: the node's for the root lruvec, the subtree's for a memcg.
    private long HierLruSize(Lruvec lruvec, LruList list)
    {
        if (lruvec.MemcgId == 0)
        {
            return node.VmStat[(int)NodeStatItem.NrInactiveAnon + (int)list];
        }

        long size = 0;
        foreach (Lruvec l in lru.Lruvecs)
        {
            for (MemCgroup? m = memcgs[l.MemcgId]; m is not null; m = m.Parent)
            {
                if (m.Id == lruvec.MemcgId)
                {
                    size += l.LruSize(list);
                    break;
                }
            }
        }

        return size;
    }
}
