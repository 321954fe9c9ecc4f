// shrink_slab (mm/shrinker.c, called from shrink_node_memcgs): the loop and do_shrink_slab's arithmetic
// live with the shrinkers (Mm/Slab/Shrinkers.cs); reclaim passes its context and collects the slab pages freed.
using MmSim.Mm.Slab;

namespace MmSim.Mm.Vmscan.Impl;

public sealed partial class MainlineReclaim
{
    // Reused across calls: shrink_slab runs for every memcg at every priority.
    private readonly ShrinkControl shrinkctl = new();

    // mm/shrinker.c: shrink_slab; the freed slab pages are reclaim_state->reclaimed.
    private long ShrinkSlab(GfpFlags gfp, ushort memcgId, int priority, ScanControl sc)
    {
        shrinkctl.GfpMask = gfp;
        shrinkctl.MemcgId = memcgId;
        shrinkctl.Kswapd = sc.IsKswapd;
        shrinkctl.ReclaimedPages = 0;
        long freed = deps.Shrinkers.ShrinkSlab(node, shrinkctl, priority);
        sc.ReclaimStateReclaimed += shrinkctl.ReclaimedPages;
        return freed;
    }
}
