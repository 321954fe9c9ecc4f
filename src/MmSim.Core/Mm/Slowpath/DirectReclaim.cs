using MmSim.Mm.Vmscan;
using MmSim.Sim;

namespace MmSim.Mm.Slowpath;

// __alloc_pages_direct_reclaim: try_to_free_pages under PF_MEMALLOC, then a freelist attempt, and one
// more after giving back the highatomic reserve and draining the per-cpu lists.
public sealed partial class AllocSlowpath
{
    // mm/internal.h: SWAP_CLUSTER_MAX, what one direct reclaim tries to free.
    private const int SwapClusterMax = 32;

    // mm/vmscan.c: DEF_PRIORITY, the first scan priority.
    private const int DefPriority = 12;

    // mm/page_alloc.c: __alloc_pages_direct_reclaim, __perform_reclaim.
    private IEnumerable<Wait> DirectReclaim(SlowpathState s)
    {
        DirectReclaims++;
        ScanControl sc = NewScanControl(s);
        TaskContext current = s.Current;
        TaskFlags saved = current.MemallocSave(TaskFlags.Memalloc);
        yield return Wait.Call(reclaim.TryToFreePages(alloc, sc));
        current.MemallocRestore(TaskFlags.Memalloc, saved);
        if (sc.CostNs > 0)
        {
            yield return Wait.For(sc.CostNs);
        }

        s.DidSomeProgress = sc.NrReclaimed;
        if (sc.NrReclaimed == 0)
        {
            yield break;
        }

        s.Page = alloc.GetPageFromFreelistWithFlags(s.Order, s.AllocFlags, s.Ac);
        if (s.Page < 0)
        {
            // The pages may be pinned on the per-cpu lists or in the highatomic reserve: shrink them and try again.
            alloc.UnreserveHighatomicPageblock(s.Ac.PreferredZone!, s.Ac.Migratetype, force: false);
            alloc.DrainAllPages();
            s.Page = alloc.GetPageFromFreelistWithFlags(s.Order, s.AllocFlags, s.Ac);
        }
    }

    private static ScanControl NewScanControl(SlowpathState s) => new()
    {
        NrToReclaim = SwapClusterMax,
        GfpMask = s.Gfp,
        Order = s.Order,
        Priority = DefPriority,
        ReclaimIdx = (int)s.Ac.HighestZoneIdx,
        MayWritepage = true,
        MayUnmap = true,
        MaySwap = true,
    };
}
