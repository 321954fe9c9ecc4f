// shrink_slab (mm/shrinker.c, called from shrink_node_memcgs): each registered shrinker is asked for
// its freeable objects and scanned in proportion to the reclaim priority, with the work it could not
// do deferred to the next call.
using MmSim.Mm.Slab;
using MmSim.Mm.Stat;

namespace MmSim.Mm.Vmscan.Impl;

public sealed partial class MainlineReclaim
{
    // SHRINK_BATCH.
    private const long ShrinkBatch = 128;

    // mm/shrinker.c: shrink_slab. mmsim's shrinkers are not memcg aware, so only the root cgroup's pass runs them.
    private long ShrinkSlab(GfpFlags gfp, ushort memcgId, int priority, ScanControl sc)
    {
        _ = gfp;
        if (memcgId != 0)
        {
            return 0;
        }

        long freed = 0;
        Shrinkers shrinkers = deps.Shrinkers;
        for (int i = 0; i < shrinkers.Registered.Count; i++)
        {
            freed += DoShrinkSlab(shrinkers, i, priority, sc);
        }

        return freed;
    }

    // mm/shrinker.c: do_shrink_slab.
    private long DoShrinkSlab(Shrinkers shrinkers, int index, int priority, ScanControl sc)
    {
        IReclaimableSlab shrinker = shrinkers.Registered[index];
        long freeable = shrinker.CountObjects();
        if (freeable <= 0)
        {
            return 0;
        }

        long nr = shrinkers.NrDeferred(index);
        shrinkers.SetNrDeferred(index, 0);
        long delta = shrinker.Seeks != 0 ? (freeable >> priority) * 4 / shrinker.Seeks : freeable / 2;
        long totalScan = (nr >> priority) + delta;
        totalScan = Math.Min(totalScan, 2 * freeable);
        long freed = 0;
        long scanned = 0;
        while (totalScan >= ShrinkBatch || totalScan >= freeable)
        {
            long nrToScan = Math.Min(ShrinkBatch, totalScan);
            long ret = shrinker.ScanObjects(nrToScan, out long pages);
            sc.ReclaimStateReclaimed += pages;
            freed += ret;
            node.CountVmEvents(VmEventItem.SlabsScanned, nrToScan);
            totalScan -= nrToScan;
            scanned += nrToScan;
            if (ret == 0 && nrToScan == 0)
            {
                break;
            }

            if (totalScan <= 0)
            {
                break;
            }
        }

        long nextDeferred = Math.Max(nr + delta - scanned, 0);
        shrinkers.SetNrDeferred(index, Math.Min(nextDeferred, 2 * freeable));
        return freed;
    }
}
