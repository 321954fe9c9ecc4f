using MmSim.Mm.Memcontrol;

namespace MmSim.Mm.Vmscan;

/// <summary>
/// The state of one reclaim pass (struct scan_control): what to reclaim, how hard, and what was
/// done. Built by the caller (kswapd's <c>balance_pgdat</c>, later direct and memcg reclaim),
/// handed to <see cref="IReclaim.ShrinkNode"/> (a coroutine, so a class rather than a stack struct), and read back.
/// </summary>
/// <remarks>mm/vmscan.c: struct scan_control (the fields reclaim so far needs; the rest arrive with reclaim).</remarks>
public sealed class ScanControl
{
    /// <summary>How many pages the pass should reclaim (nr_to_reclaim).</summary>
    public long NrToReclaim;

    /// <summary>Allocation context of the pass (gfp_mask); GFP_KERNEL for kswapd.</summary>
    public GfpFlags GfpMask;

    /// <summary>Order the caller reclaims for (order); kswapd drops it to 0 once compact_gap(order) pages are freed.</summary>
    public int Order;

    /// <summary>Scan priority (priority): the LRU lists are scanned in 1/2^priority slices, DEF_PRIORITY down to 1.</summary>
    public int Priority;

    /// <summary>Highest zone index whose pages may be reclaimed (reclaim_idx).</summary>
    public int ReclaimIdx;

    /// <summary>May write dirty pages (may_writepage); off during boosted reclaim.</summary>
    public bool MayWritepage;

    /// <summary>May unmap mapped pages (may_unmap).</summary>
    public bool MayUnmap;

    /// <summary>May swap anonymous pages (may_swap); off during boosted reclaim.</summary>
    public bool MaySwap;

    /// <summary>Pages scanned by this pass (nr_scanned; reset by the caller per priority step).</summary>
    public long NrScanned;

    /// <summary>Pages reclaimed by this pass (nr_reclaimed; cumulative).</summary>
    public long NrReclaimed;

    /// <summary>Simulated CPU time the reclaim work took, in ns; the calling daemon charges it and resets it.</summary>
    public long CostNs;

    // Reclaim (issue 8): the rest of struct scan_control that mm/vmscan.c reads.

    /// <summary>current_is_kswapd(): the pass runs in kswapd (set by balance_pgdat).</summary>
    public bool IsKswapd;

    /// <summary>target_mem_cgroup: the cgroup whose limit is reclaimed for (cgroup_reclaim), or null for global reclaim.</summary>
    public MemCgroup? TargetMemCgroup;

    /// <summary>reclaimer_offset(): 0 kswapd, 1 direct, 2 khugepaged, 3 proactive (pgscan_*/pgsteal_* index).</summary>
    public int ReclaimerOffset;

    /// <summary>may_deactivate: DEACTIVATE_ANON (1) | DEACTIVATE_FILE (2).</summary>
    public int MayDeactivate;

    /// <summary>force_deactivate: retrying after skipped_deactivate.</summary>
    public bool ForceDeactivate;

    /// <summary>skipped_deactivate: an active list was not aged because may_deactivate said no.</summary>
    public bool SkippedDeactivate;

    /// <summary>cache_trim_mode: plenty of inactive file, reclaim only file.</summary>
    public bool CacheTrimMode;

    /// <summary>file_is_tiny: the file LRU is too small to reclaim from alone.</summary>
    public bool FileIsTiny;

    /// <summary>compaction_ready: a costly-order direct reclaim stopped so compaction can run.</summary>
    public bool CompactionReady;

    /// <summary>memcg_low_reclaim: memory.low protection is ignored (retry when nothing else was reclaimable).</summary>
    public bool MemcgLowReclaim;

    /// <summary>memcg_low_skipped: a cgroup was skipped for memory.low.</summary>
    public bool MemcgLowSkipped;

    /// <summary>anon_cost of the target lruvec, read by get_scan_count.</summary>
    public long AnonCost;

    /// <summary>file_cost of the target lruvec.</summary>
    public long FileCost;

    /// <summary>Pages freed outside the LRU (slab) during the pass: reclaim_state->reclaimed.</summary>
    public long ReclaimStateReclaimed;

    /// <summary>sc->nr: what shrink_inactive_list saw during one shrink_node pass.</summary>
    public ReclaimNr Nr;
}

/// <summary>The sc->nr counters of struct scan_control, reset by every shrink_node pass.</summary>
public struct ReclaimNr
{
    /// <summary>Dirty or writeback folios scanned.</summary>
    public long Dirty;

    /// <summary>Dirty folios not yet under writeback.</summary>
    public long UnqueuedDirty;

    /// <summary>Writeback folios already marked PG_reclaim (cycling through the LRU).</summary>
    public long Congested;

    /// <summary>Writeback folios marked for immediate reclaim (case 2).</summary>
    public long Writeback;

    /// <summary>Case 1 folios (kswapd, PG_reclaim, PGDAT_WRITEBACK).</summary>
    public long Immediate;

    /// <summary>File folios isolated.</summary>
    public long FileTaken;

    /// <summary>Folios isolated.</summary>
    public long Taken;
}
