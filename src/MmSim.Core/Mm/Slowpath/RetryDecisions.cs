using System.Diagnostics;
using MmSim.Mm.Compaction;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;

namespace MmSim.Mm.Slowpath;

// The two questions the retry loop asks after a failed round: is reclaim still worth it
// (should_reclaim_retry), and is compaction (should_compact_retry, with priority escalation)?
public sealed partial class AllocSlowpath
{
    /// <summary>
    /// zone_reclaimable_pages: the zone's file LRU pages, plus its anonymous LRU pages when they can be
    /// reclaimed (<see cref="CanReclaimAnon"/>).
    /// </summary>
    /// <param name="zone">The zone.</param>
    /// <returns>Pages reclaim could free.</returns>
    /// <remarks>mm/vmscan.c: zone_reclaimable_pages.</remarks>
    public long ZoneReclaimablePages(Zone zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        long nr = zone.ZonePageState(ZoneStatItem.NrZoneInactiveFile) + zone.ZonePageState(ZoneStatItem.NrZoneActiveFile);
        if (CanReclaimAnon)
        {
            nr += zone.ZonePageState(ZoneStatItem.NrZoneInactiveAnon) + zone.ZonePageState(ZoneStatItem.NrZoneActiveAnon);
        }

        return nr;
    }

    // mm/page_alloc.c: should_reclaim_retry. resched: the kernel's cond_resched() ran (every pass that
    // did not exceed MAX_RECLAIM_RETRIES). Before OOM the highatomic reserve is exhausted: a block given
    // back counts as a reason to retry.
    private bool ShouldReclaimRetry(SlowpathState s, out bool resched)
    {
        resched = false;

        // Costly allocations may make progress without their order becoming available.
        if (s.DidSomeProgress > 0 && !s.Costly)
        {
            s.NoProgressLoops = 0;
        }
        else
        {
            s.NoProgressLoops++;
        }

        bool ret = false;
        if (s.NoProgressLoops <= MaxReclaimRetries)
        {
            ret = ReclaimCouldSatisfy(s);
            resched = true;
        }

        return ret || alloc.UnreserveHighatomicPageblock(s.Ac.PreferredZone!, s.Ac.Migratetype, force: true);
    }

    // Would the allocation succeed at the min watermark if every reclaimable page were reclaimed?
    private bool ReclaimCouldSatisfy(SlowpathState s)
    {
        for (int z = (int)s.Ac.HighestZoneIdx; z >= 0; z--)
        {
            Zone zone = alloc.Node.Zones[z];
            if (!zone.IsPopulated)
            {
                continue;
            }

            long available = ZoneReclaimablePages(zone) + zone.ZonePageState(ZoneStatItem.NrFreePages);
            long minWmark = zone.WmarkPages(WatermarkIndex.Min);
            if (PageAllocator.ZoneWatermarkOkCore(zone, s.Order, minWmark, s.Ac.HighestZoneIdx, s.AllocFlags, available))
            {
                return true;
            }
        }

        return false;
    }

    // mm/page_alloc.c: should_compact_retry (no fatal signals in mmsim).
    private bool ShouldCompactRetry(SlowpathState s)
    {
        if (s.Order == 0)
        {
            return false;
        }

        // Skipped for lack of order-0 migration targets: continue if reclaim can help.
        if (s.CompactResult == CompactResult.Skipped)
        {
            return CompactionZonelistSuitable(s);
        }

        // Compaction coalesced some blocks but the allocation lost a race: retry some (a quarter as many
        // for costly orders, which may fail, than for the de facto nofail small ones).
        if (s.CompactResult == CompactResult.Success)
        {
            int maxRetries = s.Costly ? MaxCompactRetries / 4 : MaxCompactRetries;
            if (++s.CompactionRetries <= maxRetries)
            {
                return true;
            }
        }

        // Compaction failed: retry with increasing priority.
        CompactPriority minPriority = s.Costly ? MinCompactCostlyPriority : MinCompactPriority;
        if (s.CompactPriority > minPriority)
        {
            s.CompactPriority--;
            s.CompactionRetries = 0;
            return true;
        }

        return false;
    }

    // mm/compaction.c: compaction_zonelist_suitable — would some zone pass __compaction_suitable at the
    // min watermark if reclaim freed a 1/order share of its reclaimable pages?
    private bool CompactionZonelistSuitable(SlowpathState s)
    {
        Debug.Assert(s.Order > 0, "compaction serves high orders");
        for (int z = (int)s.Ac.HighestZoneIdx; z >= 0; z--)
        {
            Zone zone = alloc.Node.Zones[z];
            if (!zone.IsPopulated)
            {
                continue;
            }

            // Not all reclaimable memory: no thrashing for one high-order allocation that is not even guaranteed.
            long available = ZoneReclaimablePages(zone) / s.Order + zone.ZonePageState(ZoneStatItem.NrFreePages);
            if (CompactionSuitable.CompactionSuitableCore(zone, s.Order, zone.WmarkPages(WatermarkIndex.Min), (int)s.Ac.HighestZoneIdx, available))
            {
                return true;
            }
        }

        return false;
    }
}
