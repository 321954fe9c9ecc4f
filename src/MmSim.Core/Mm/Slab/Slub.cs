using System.Diagnostics;
using MmSim.Sim;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;

namespace MmSim.Mm.Slab;

/// <summary>
/// The page side of mm/slub.c: allocating and freeing one slab with the order fallback of
/// allocate_slab, and the slab counters. <see cref="SlabCache"/> puts objects in slabs.
/// </summary>
/// <summary>Where <see cref="Slub.AllocateSlab"/> takes over from <see cref="Slub.TryAllocateSlab"/>.</summary>
internal enum SlabAllocStage
{
    /// <summary>Nothing left: the fast path served the slab.</summary>
    Done,

    /// <summary>A whole allocate_slab.</summary>
    Start,

    /// <summary>The first try's fast path failed: continue it in the slowpath (then the order-0 fallback).</summary>
    FirstTrySlowpath,
}

internal static class Slub
{
    /// <summary>
    /// Allocates one slab (allocate_slab → alloc_slab_page) when the allocator's fast path serves every
    /// attempt; otherwise stops where the fast path failed and says where <see cref="AllocateSlab"/> resumes.
    /// </summary>
    /// <param name="alloc">The node's allocator (its counters).</param>
    /// <param name="pa">Allocation for the running task.</param>
    /// <param name="stats">Where to count the allocations.</param>
    /// <param name="reclaimable">SLAB_RECLAIM_ACCOUNT: __GFP_RECLAIMABLE and nr_slab_reclaimable.</param>
    /// <param name="order">The cache's preferred order (oo); the minimum order (s->min) is 0.</param>
    /// <param name="cacheId">Mapping id recorded on the slab.</param>
    /// <param name="resume">Where the slowpath must take over, or <see cref="SlabAllocStage.Done"/>.</param>
    /// <returns>The slab's first PFN (its head page has its order), or −1.</returns>
    /// <remarks>
    /// mm/slub.c: allocate_slab — "Let the initial higher-order allocation fail under memory pressure
    /// so we fall-back to the minimum order allocation": the first try has __GFP_NOWARN|__GFP_NORETRY and,
    /// when it could reclaim, __GFP_NOMEMALLOC and no reclaim at all.
    /// </remarks>
    public static int TryAllocateSlab(PageAllocator alloc, IAllocPagesWait pa, IAllocAccount stats, bool reclaimable, int order, int cacheId, out SlabAllocStage resume)
    {
        SlabGfp(reclaimable, order, out GfpFlags flags, out GfpFlags allocGfp);
        OwnerKind owner = reclaimable ? OwnerKind.SlabReclaimable : OwnerKind.Slab;
        int pfn = pa.TryAllocPagesFast(allocGfp, order, owner, cacheId);
        if (pfn < 0)
        {
            resume = SlabAllocStage.FirstTrySlowpath;
            return -1;
        }

        stats.CountAlloc(order, false);
        AccountSlab(alloc, reclaimable, 1L << order);
        resume = SlabAllocStage.Done;
        return pfn;
    }

    /// <summary>The rest of <see cref="TryAllocateSlab"/> from <paramref name="resume"/>, in paths that may sleep.</summary>
    /// <param name="alloc">The node's allocator (its counters).</param>
    /// <param name="pa">Allocation for the running task: the order-0 retry may sleep.</param>
    /// <param name="stats">Where to count the allocations.</param>
    /// <param name="reclaimable">SLAB_RECLAIM_ACCOUNT.</param>
    /// <param name="order">The cache's preferred order.</param>
    /// <param name="cacheId">Mapping id recorded on the slab.</param>
    /// <param name="resume">Where to take over (<see cref="SlabAllocStage.Start"/> for a whole allocate_slab).</param>
    /// <returns>The coroutine; <see cref="TaskContext.Ret"/> is the slab's first PFN (its head page has its order), or −1.</returns>
    public static IEnumerable<Wait> AllocateSlab(PageAllocator alloc, IAllocPagesWait pa, IAllocAccount stats, bool reclaimable, int order, int cacheId, SlabAllocStage resume = SlabAllocStage.Start)
    {
        TaskContext current = pa.Current;
        SlabGfp(reclaimable, order, out GfpFlags flags, out GfpFlags allocGfp);
        OwnerKind owner = reclaimable ? OwnerKind.SlabReclaimable : OwnerKind.Slab;
        yield return Wait.Call(resume == SlabAllocStage.FirstTrySlowpath
            ? pa.AllocPagesSlowpath(allocGfp, order, owner, cacheId)
            : pa.AllocPagesWait(allocGfp, order, owner, cacheId));
        int pfn = current.AllocResult;
        stats.CountAlloc(order, pfn < 0);
        if (pfn < 0 && order > 0)
        {
            order = 0;
            yield return Wait.Call(pa.AllocPagesWait(flags, 0, owner, cacheId));
            pfn = current.AllocResult;
            stats.CountAlloc(0, pfn < 0);
        }

        if (pfn >= 0)
        {
            AccountSlab(alloc, reclaimable, 1L << order);
        }

        current.Ret = pfn;
    }

    // allocate_slab's masks: the cache's flags, and the first try's (no warning, no retry; for a high order no
    // reclaim at all and no reserves).
    private static void SlabGfp(bool reclaimable, int order, out GfpFlags flags, out GfpFlags allocGfp)
    {
        flags = GfpFlags.Kernel | (reclaimable ? GfpFlags.Reclaimable : 0) | (order > 0 ? GfpFlags.Comp : 0);
        allocGfp = (flags | GfpFlags.NoWarn | GfpFlags.NoRetry) & ~GfpFlags.NoFail;
        if ((allocGfp & GfpFlags.DirectReclaim) != 0 && order > 0)
        {
            allocGfp = (allocGfp | GfpFlags.NoMemAlloc) & ~GfpFlags.Reclaim;
        }
    }

    /// <summary>kmalloc_large: an object above the largest kmalloc cache is a compound page allocation of its own.</summary>
    /// <param name="pa">Allocation for the running task (GFP_KERNEL may sleep).</param>
    /// <param name="stats">Where the allocation is counted.</param>
    /// <param name="gfp">The caller's mask.</param>
    /// <param name="order">Order of the object's size.</param>
    /// <param name="owner">Who the pages are for.</param>
    /// <returns>The coroutine; <see cref="TaskContext.Ret"/> is the first PFN, or −1.</returns>
    /// <remarks>mm/slub.c: ___kmalloc_large_node — alloc_pages_node(flags | __GFP_COMP, order).</remarks>
    public static IEnumerable<Wait> KmallocLarge(IAllocPagesWait pa, IAllocAccount stats, GfpFlags gfp, int order, OwnerKind owner)
    {
        GfpFlags flags = order > 0 ? gfp | GfpFlags.Comp : gfp;
        yield return Wait.Call(pa.AllocPagesWait(flags, order, owner));
        int pfn = pa.Current.AllocResult;
        stats.CountAlloc(order, pfn < 0);
        pa.Current.Ret = pfn;
    }

    /// <summary>Frees a slab (__free_slab).</summary>
    public static void FreeSlab(PageAllocator alloc, IAllocAccount stats, bool reclaimable, int pfn, int order)
    {
        AccountSlab(alloc, reclaimable, -(1L << order));
        alloc.FreePages(pfn, order);
        stats.CountFree();
    }

    // mm/slab.h: account_slab / unaccount_slab (NR_SLAB_{RECLAIMABLE,UNRECLAIMABLE}_B, kept in pages here).
    private static void AccountSlab(PageAllocator alloc, bool reclaimable, long nrPages) =>
        alloc.Node.ModNodePageState(reclaimable ? NodeStatItem.NrSlabReclaimable : NodeStatItem.NrSlabUnreclaimable, nrPages);
}

/// <summary>
/// A kmem_cache seen by its objects: objects go into free slots of its slabs, a new slab is allocated
/// when none is free, and a shrinker frees objects in bulk (the dentry and inode caches).
/// </summary>
/// <param name="alloc">The node's allocator.</param>
/// <param name="pa">Allocation for the running task.</param>
/// <param name="stats">Where the cache's slab allocations are counted.</param>
/// <param name="name">Cache name, as /proc/slabinfo shows it.</param>
/// <param name="id">Owner id recorded on its slabs.</param>
/// <param name="order">Preferred slab order (oo).</param>
/// <param name="objectsPerSlab">Objects in a slab of <paramref name="order"/>.</param>
/// <param name="objectsPerMinSlab">Objects in an order-0 slab (s->min).</param>
/// <remarks>
/// Which slab an object lands in is not tracked: after a shrink the cache keeps just enough slabs for
/// the objects still in use, the oldest ones (see docs/fidelity.md).
/// </remarks>
internal sealed class SlabCache(PageAllocator alloc, IAllocPagesWait pa, IAllocAccount stats, string name, int id, int order, int objectsPerSlab, int objectsPerMinSlab)
{
    private readonly LiveBlocks slabs = new(64);
    private long capacity;

    /// <summary>Cache name.</summary>
    public string Name => name;

    /// <summary>Objects in use.</summary>
    public long Objects { get; private set; }

    /// <summary>Pages held by its slabs.</summary>
    public long Pages => slabs.Pages;

    /// <summary>A slab it holds has a free object, so an allocation needs no new slab.</summary>
    public bool HasFreeObject => Objects < capacity;

    /// <summary>Takes a free object of a slab it holds (kmem_cache_alloc's fast path).</summary>
    public void TakeFreeObject()
    {
        Debug.Assert(HasFreeObject, "a free object exists");
        Objects++;
    }

    /// <summary>Takes one object (kmem_cache_alloc); <see cref="TaskContext.Ret"/> is 1, or 0 when no slab could be allocated.</summary>
    /// <returns>The coroutine (a new slab may sleep in the slowpath).</returns>
    public IEnumerable<Wait> AllocObject()
    {
        TaskContext current = pa.Current;
        if (Objects == capacity)
        {
            yield return Wait.Call(Slub.AllocateSlab(alloc, pa, stats, reclaimable: true, order, id));
            int pfn = current.Ret;
            if (pfn < 0)
            {
                current.Ret = 0;
                yield break;
            }

            int got = alloc.Node.Pages[pfn].Order;
            slabs.Add(pfn, got);
            capacity += ObjectsIn(got);
        }

        Objects++;
        current.Ret = 1;
    }

    /// <summary>Frees one object (kmem_cache_free); a slab left without objects is freed.</summary>
    public void FreeObject()
    {
        ArgumentOutOfRangeException.ThrowIfZero(Objects);
        Shrink(Objects - 1);
    }

    /// <summary>A shrinker freed all but <paramref name="keepObjects"/> objects: frees the slabs no longer needed, newest first.</summary>
    /// <returns>Pages freed.</returns>
    public long Shrink(long keepObjects)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(keepObjects, Objects);
        Objects = keepObjects;
        long pages = slabs.Pages;
        while (slabs.Count > 0)
        {
            (int pfn, int got) = slabs.PeekLast();
            if (capacity - ObjectsIn(got) < Objects)
            {
                break;
            }

            slabs.RemoveAt(slabs.Count - 1);
            capacity -= ObjectsIn(got);
            Slub.FreeSlab(alloc, stats, reclaimable: true, pfn, got);
        }

        return pages - slabs.Pages;
    }

    private int ObjectsIn(int slabOrder) => slabOrder == order ? objectsPerSlab : objectsPerMinSlab;
}
