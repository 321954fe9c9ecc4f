
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
}
