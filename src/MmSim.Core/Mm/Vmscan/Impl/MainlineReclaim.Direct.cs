// do_try_to_free_pages (mm/vmscan.c): the priority loop of direct and memcg limit reclaim, from
// DEF_PRIORITY down to 0, with compaction_ready stopping costly-order direct reclaim early and the
// retries with forced deactivation or memory.low ignored when nothing was reclaimed.
using MmSim.Mm.Compaction;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;
using MmSim.Sim;

namespace MmSim.Mm.Vmscan.Impl;

public sealed partial class MainlineReclaim
{
    // mm/vmscan.c: do_try_to_free_pages.
    private IEnumerable<Wait> DoTryToFreePages(ScanControl sc)
    {
        int initialPriority = sc.Priority;
        if (sc.TargetMemCgroup is null)
        {
            node.CountVmEvent(VmEventItem.AllocstallDma + Math.Min(sc.ReclaimIdx, (int)ZoneType.Movable));
        }

        while (true)
        {
            do
            {
                sc.NrScanned = 0;
                yield return Wait.Call(ShrinkZones(sc));
                if (sc.NrReclaimed >= sc.NrToReclaim || sc.CompactionReady)
                {
                    break;
                }

                // In trouble: write even in laptop mode.
                if (sc.Priority < DefPriority - 2)
                {
                    sc.MayWritepage = true;
                }
            }
            while (--sc.Priority >= 0);

            SnapshotRefaults(sc.TargetMemCgroup);
            if (sc.TargetMemCgroup is not null)
            {
                lru.LruvecOf(sc.TargetMemCgroup.Id).CgroupCongested = false;
            }

            if (sc.NrReclaimed != 0 || sc.CompactionReady)
            {
                yield break;
            }

            // The inactive:active estimates can be wrong under a restrictive reclaim_idx or memory.low:
            // retry with forced deactivation, then with memory.low ignored.
            if (sc.SkippedDeactivate)
            {
                sc.Priority = initialPriority;
                sc.ForceDeactivate = true;
                sc.SkippedDeactivate = false;
                continue;
            }

            if (sc.MemcgLowSkipped)
            {
                sc.Priority = initialPriority;
                sc.ForceDeactivate = false;
                sc.MemcgLowReclaim = true;
                sc.MemcgLowSkipped = false;
                continue;
            }

            yield break;
        }
    }

    // mm/vmscan.c: shrink_zones — one node: shrink it once, unless a costly-order global reclaim finds
    // compaction ready in an eligible zone first.
    private IEnumerable<Wait> ShrinkZones(ScanControl sc)
    {
        if (sc.TargetMemCgroup is null && sc.Order > PageAllocCostlyOrder && (sc.GfpMask & GfpFlags.Comp) == 0 &&
            (sc.GfpMask & (GfpFlags.Io | GfpFlags.Fs)) != 0)
        {
            Zone[] zones = node.Zones;
            for (int z = Math.Min(sc.ReclaimIdx, zones.Length - 1); z >= 0; z--)
            {
                if (zones[z].ManagedPages != 0 && CompactionReady(zones[z], sc))
                {
                    sc.CompactionReady = true;
                }
            }

            if (sc.CompactionReady)
            {
                yield break;
            }
        }

        yield return Wait.Call(ShrinkNodeCore(sc));
        yield return Wait.Call(ConsiderReclaimThrottle(sc));
    }

    // mm/vmscan.c: compaction_ready — the allocation would succeed already, or the zone has a high watermark
    // plus compact_gap free so compaction has a reasonable chance.
    private bool CompactionReady(Zone zone, ScanControl sc)
    {
        var hzi = (ZoneType)Math.Min(sc.ReclaimIdx, (int)ZoneType.Movable);
        if (PageAllocator.ZoneWatermarkOk(zone, sc.Order, zone.WmarkPages(WatermarkIndex.Min), hzi, AllocFlags.WmarkMin))
        {
            return true;
        }

        long watermark = zone.WmarkPages(WatermarkIndex.High) + CompactionSuitable.CompactGap(sc.Order);
        return PageAllocator.ZoneWatermarkOk(zone, 0, watermark, hzi, AllocFlags.WmarkMin);
    }
}
