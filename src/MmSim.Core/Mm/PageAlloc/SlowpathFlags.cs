namespace MmSim.Mm.PageAlloc;

// What __alloc_pages_slowpath (Mm/Slowpath) needs from the buddy core: the slowpath's alloc_flags,
// get_page_from_freelist with flags the slowpath keeps across retries, and wake_all_kswapds.
public sealed partial class PageAllocator
{
    /// <summary>gfp_to_alloc_flags: the slowpath's alloc_flags for a mask (the min watermark, reserves, ALLOC_KSWAPD, CMA, and ALLOC_NOFRAGMENT under defrag_mode).</summary>
    /// <param name="gfp">Allocation flags.</param>
    /// <param name="order">Order.</param>
    /// <param name="ac">The allocation context.</param>
    /// <returns>The flags.</returns>
    /// <remarks>mm/page_alloc.c: gfp_to_alloc_flags (no realtime tasks: the rt_or_dl_task ALLOC_MIN_RESERVE is not modelled).</remarks>
    public AllocFlags SlowpathAllocFlags(GfpFlags gfp, int order, in AllocContext ac) => GfpToAllocFlags(gfp, order, ac.Migratetype);

    /// <summary>gfp_to_alloc_flags_cma: ALLOC_CMA for movable requests, added to <paramref name="flags"/>.</summary>
    /// <param name="ac">The allocation context.</param>
    /// <param name="flags">Flags to extend.</param>
    /// <returns>The flags.</returns>
    public static AllocFlags GfpToAllocFlagsCma(in AllocContext ac, AllocFlags flags) => flags | CmaFlag(ac.Migratetype);

    /// <summary>get_page_from_freelist with the caller's alloc_flags.</summary>
    /// <param name="order">Order.</param>
    /// <param name="flags">alloc_flags (watermark, reserves, ALLOC_NOFRAGMENT…).</param>
    /// <param name="ac">The allocation context.</param>
    /// <returns>The block (not yet prepared), or −1.</returns>
    public int GetPageFromFreelistWithFlags(int order, AllocFlags flags, in AllocContext ac) =>
        ac.PreferredZone == null ? -1 : GetPageFromFreelist(order, flags, ac);

    /// <summary>
    /// wake_all_kswapds: wakes the node's kswapd for the request; with vm.defrag_mode kswapd is asked to
    /// reclaim for at least a pageblock (reclaim_order = max(order, pageblock_order)).
    /// </summary>
    /// <param name="order">The request's order.</param>
    /// <param name="gfp">Allocation flags.</param>
    /// <param name="ac">The allocation context.</param>
    /// <returns>The order kswapd was woken for.</returns>
    /// <remarks>mm/page_alloc.c: wake_all_kswapds (one node: one wake-up, for the preferred zone).</remarks>
    public int WakeAllKswapds(int order, GfpFlags gfp, in AllocContext ac)
    {
        int reclaimOrder = Options.DefragMode ? Math.Max(order, MmConstants.PageblockOrder) : order;
        if (ac.PreferredZone != null)
        {
            WakeupKswapd?.Invoke(ac.PreferredZone, gfp, reclaimOrder, ac.HighestZoneIdx);
        }

        return reclaimOrder;
    }
}
