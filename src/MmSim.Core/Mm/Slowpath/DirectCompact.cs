using MmSim.Mm.Compaction;
using MmSim.Mm.Migrate;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;
using MmSim.Sim;

namespace MmSim.Mm.Slowpath;

// __alloc_pages_direct_compact: compaction for the allocation at a priority, then the captured block
// or one more freelist attempt.
public sealed partial class AllocSlowpath
{
    // mm/page_alloc.c: __alloc_pages_direct_compact. Order 0 compacts nothing (compact_result stays as it was).
    private IEnumerable<Wait> DirectCompact(SlowpathState s, CompactPriority prio)
    {
        if (s.Order == 0)
        {
            yield break;
        }

        DirectCompactions++;
        CompactControl cc = NewCompactControl(s, prio);
        TaskContext current = s.Current;
        current.Capture = cc.Capture;
        TaskFlags saved = current.MemallocSave(TaskFlags.Memalloc);
        yield return Wait.Call(compact.TryToCompactPages(alloc, cc));
        current.MemallocRestore(TaskFlags.Memalloc, saved);
        current.Capture = null;
        if (cc.CostNs > 0)
        {
            yield return Wait.For(cc.CostNs);
        }

        s.CompactResult = cc.Result;
        if (cc.Result == CompactResult.Skipped)
        {
            yield break;
        }

        // At least in one zone compaction was neither deferred nor skipped: a compaction stall.
        alloc.Node.CountVmEvent(VmEventItem.CompactStall);
        int page = cc.Capture!.Page >= 0 ? cc.Capture.Page : alloc.GetPageFromFreelistWithFlags(s.Order, s.AllocFlags, s.Ac);
        if (page >= 0)
        {
            // The allocation succeeded: compaction of this zone at this order is not deferred any more
            // (compaction_defer_reset with alloc_success, which also clears compact_blockskip_flush).
            compact.CompactionDeferReset(alloc.Node.PageZone(page), s.Order, allocSuccess: true);
            alloc.Node.CountVmEvent(VmEventItem.CompactSuccess);
            s.Page = page;
            yield break;
        }

        // Compaction ran and failed: most likely pages exist, but not enough to satisfy watermarks.
        alloc.Node.CountVmEvent(VmEventItem.CompactFail);
        yield return Wait.For(0); // cond_resched
    }

    // try_to_compact_pages' request: compact_zone_order derives the migration mode and the skip-hint
    // use from the priority (SYNC_FULL: whole zone, no skip hints, still MIGRATE_SYNC_LIGHT).
    private static CompactControl NewCompactControl(SlowpathState s, CompactPriority prio) => new()
    {
        Order = s.Order,
        SearchOrder = s.Order,
        HighestZoneidx = (int)s.Ac.HighestZoneIdx,
        Priority = prio,
        Mode = prio == CompactPriority.Async ? MigrateMode.Async : MigrateMode.SyncLight,
        WholeZone = prio == MinCompactPriority,
        IgnoreSkipHint = prio == MinCompactPriority,
        GfpMask = s.Gfp,
        AllocFlags = s.AllocFlags,
        Capture = new CaptureControl { Zone = s.Ac.PreferredZone!.Type, Order = s.Order, Migratetype = s.Ac.Migratetype },
    };
}
