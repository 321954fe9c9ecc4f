// Slab shrinkers (mm/shrinker.c): the registered caches reclaim asks to give objects back, the batch
// arithmetic of do_shrink_slab with its deferred work, and drop_slab's "free everything" for drop_caches.
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;

namespace MmSim.Mm.Slab;

/// <summary>What a shrinker is asked to do (struct shrink_control).</summary>
/// <remarks>include/linux/shrinker.h: struct shrink_control; reclaim_state->reclaimed rides along as <see cref="ReclaimedPages"/>.</remarks>
public sealed class ShrinkControl
{
    /// <summary>The reclaim's allocation context (sc->gfp_mask): without __GFP_FS the filesystem caches refuse.</summary>
    public GfpFlags GfpMask { get; set; }

    /// <summary>The memory cgroup being reclaimed (0: the root, i.e. global reclaim).</summary>
    public ushort MemcgId { get; set; }

    /// <summary>Objects to scan in this call (nr_to_scan).</summary>
    public long NrToScan { get; set; }

    /// <summary>Objects the shrinker scanned (nr_scanned; preset to <see cref="NrToScan"/>, a shrinker may lower it).</summary>
    public long NrScanned { get; set; }

    /// <summary>The reclaimer is kswapd (current_is_kswapd: kswapd_inodesteal rather than pginodesteal).</summary>
    public bool Kswapd { get; set; }

    /// <summary>Pages the shrinkers' frees gave back to the allocator (current->reclaim_state->reclaimed), added up across calls.</summary>
    public long ReclaimedPages { get; set; }
}

/// <summary>A slab cache a shrinker can shrink (dentries and inodes, a reclaimable <c>slab</c> workload).</summary>
/// <remarks>include/linux/shrinker.h: struct shrinker (count_objects, scan_objects, seeks, batch).</remarks>
public interface IReclaimableSlab
{
    /// <summary>DEFAULT_SEEKS: the cost of recreating an object, in seeks.</summary>
    public const int DefaultSeeks = 2;

    /// <summary>SHRINK_STOP: the shrinker cannot make progress in this context.</summary>
    public const long ShrinkStop = -1;

    /// <summary>shrinker->seeks (0: objects cost no I/O to recreate; trimmed harder).</summary>
    int Seeks => DefaultSeeks;

    /// <summary>shrinker->batch (0: SHRINK_BATCH, 128).</summary>
    int Batch => 0;

    /// <summary>drop_slab's effect on this cache: frees every object it can (drop_caches bit 2).</summary>
    /// <returns>The pages freed.</returns>
    long DropSlab();

    /// <summary>count_objects: objects that could be freed now (0: none, SHRINK_EMPTY).</summary>
    /// <param name="sc">The request.</param>
    /// <returns>Freeable objects.</returns>
    long CountObjects(ShrinkControl sc);

    /// <summary>scan_objects: scan <see cref="ShrinkControl.NrToScan"/> objects and free what can go.</summary>
    /// <param name="sc">The request; freed slab pages are added to <see cref="ShrinkControl.ReclaimedPages"/>.</param>
    /// <returns>Objects freed, or <see cref="ShrinkStop"/>.</returns>
    long ScanObjects(ShrinkControl sc);
}

/// <summary>The registered shrinkers of a run, in registration order (mm/shrinker.c: shrinker_list).</summary>
public sealed class Shrinkers
{
    /// <summary>SHRINK_BATCH.</summary>
    public const int ShrinkBatch = 128;

    private readonly List<IReclaimableSlab> registered = [];

    // shrinker->nr_deferred[nid] of each shrinker (one node), in registration order.
    private readonly List<long> nrDeferred = [];

    /// <summary>The shrinkers, in registration order.</summary>
    public IReadOnlyList<IReclaimableSlab> Registered => registered;

    /// <summary>shrinker_register: added at the tail of shrinker_list.</summary>
    /// <param name="cache">The cache.</param>
    public void Register(IReclaimableSlab cache)
    {
        ArgumentNullException.ThrowIfNull(cache);
        registered.Add(cache);
        nrDeferred.Add(0);
    }

    /// <summary>The scan work deferred to the next call of <paramref name="cache"/>'s shrinker (nr_deferred).</summary>
    /// <param name="cache">A registered cache.</param>
    /// <returns>Objects.</returns>
    public long NrDeferred(IReclaimableSlab cache) => nrDeferred[registered.IndexOf(cache)];

    /// <summary>
    /// shrink_slab: every shrinker scans in proportion to its freeable objects at this reclaim
    /// <paramref name="priority"/> (DEF_PRIORITY 12 scans 1/4096 of them times 4/seeks, priority 0 all of them
    /// twice over). Memcg reclaim (a non-root <see cref="ShrinkControl.MemcgId"/>) calls only memcg-aware
    /// shrinkers with objects charged to that cgroup: none here.
    /// </summary>
    /// <param name="node">The node (slabs_scanned is counted there).</param>
    /// <param name="sc">gfp mask, memcg and reclaimer; freed slab pages accumulate in it.</param>
    /// <param name="priority">Reclaim priority (12 down to 0).</param>
    /// <returns>Objects freed.</returns>
    /// <remarks>mm/shrinker.c: shrink_slab.</remarks>
    public long ShrinkSlab(PgData node, ShrinkControl sc, int priority)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(sc);
        ArgumentOutOfRangeException.ThrowIfNegative(priority);
        if (sc.MemcgId != 0)
        {
            return 0;
        }

        long freed = 0;
        for (int i = 0; i < registered.Count; i++)
        {
            freed += DoShrinkSlab(node, sc, i, priority);
        }

        return freed;
    }

    // mm/shrinker.c: do_shrink_slab — delta = freeable >> priority * 4 / seeks, plus the deferred work,
    // capped at twice the freeable objects, scanned in batches; what was not scanned is deferred.
    private long DoShrinkSlab(PgData node, ShrinkControl sc, int i, int priority)
    {
        IReclaimableSlab shrinker = registered[i];
        long freeable = shrinker.CountObjects(sc);
        if (freeable <= 0)
        {
            return 0;
        }

        long nr = nrDeferred[i];
        nrDeferred[i] = 0;
        long delta = shrinker.Seeks != 0 ? (freeable >> priority) * 4 / shrinker.Seeks : freeable / 2;
        long totalScan = Math.Min((nr >> priority) + delta, 2 * freeable);
        long batch = shrinker.Batch > 0 ? shrinker.Batch : ShrinkBatch;
        long freed = 0, scanned = 0;

        // Below a batch only when the cache is smaller than what this priority wants (tight on memory).
        while (totalScan >= batch || totalScan >= freeable)
        {
            sc.NrToScan = Math.Min(batch, totalScan);
            sc.NrScanned = sc.NrToScan;
            long ret = shrinker.ScanObjects(sc);
            if (ret == IReclaimableSlab.ShrinkStop)
            {
                break;
            }

            // A shrinker that reports nothing scanned would spin here forever; the kernel's never do.
            if (sc.NrScanned <= 0)
            {
                break;
            }

            freed += ret;
            node.CountVmEvents(VmEventItem.SlabsScanned, sc.NrScanned);
            totalScan -= sc.NrScanned;
            scanned += sc.NrScanned;
        }

        long nextDeferred = Math.Min(Math.Max(nr + delta - scanned, 0), 2 * freeable);
        nrDeferred[i] += nextDeferred;
        return freed;
    }
}
