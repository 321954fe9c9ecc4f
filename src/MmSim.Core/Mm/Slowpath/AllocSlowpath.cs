// The orchestration half of mm/page_alloc.c: __alloc_pages_slowpath with direct compaction and
// direct reclaim, as a coroutine the allocating task awaits. The buddy core (Mm/PageAlloc) sits
// below it and knows nothing of compaction or reclaim; compaction (Mm/Compaction) and reclaim
// (Mm/Vmscan) are reached through their seams, so page_alloc.c ↔ compaction.c ↔ vmscan.c,
// a loop in the kernel, is a one-way stack here.
using System.Diagnostics;
using MmSim.Mm.Compaction;
using MmSim.Mm.Migrate;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Vmscan;
using MmSim.Sim;

namespace MmSim.Mm.Slowpath;

/// <summary>
/// __alloc_pages for a request that may sleep: the fast path, then the slowpath with direct
/// compaction and direct reclaim, each of which may put the task to sleep (D state, with the wait
/// site of whatever it waits on).
/// </summary>
/// <remarks>
/// mm/page_alloc.c: __alloc_pages_slowpath, __alloc_pages_direct_compact,
/// __alloc_pages_direct_reclaim, __perform_reclaim. Modelled so far: wake kswapd, the min-watermark
/// attempt, the initial direct compaction for costly or non-movable high orders, one direct
/// reclaim, one more direct compaction, and nopage. The retry loop (should_reclaim_retry,
/// should_compact_retry), the OOM killer and __GFP_NOFAIL arrive with compaction and reclaim
/// (docs/fidelity.md).
/// </remarks>
public sealed class AllocSlowpath
{
    // mm/internal.h: SWAP_CLUSTER_MAX, what one direct reclaim tries to free.
    private const int SwapClusterMax = 32;

    // mm/vmscan.c: DEF_PRIORITY, the first scan priority.
    private const int DefPriority = 12;

    private readonly PageAllocator alloc;
    private readonly ICompact compact;
    private readonly IReclaim reclaim;

    /// <summary>Creates the slowpath over the node's allocator and the run's mechanisms.</summary>
    /// <param name="alloc">The buddy allocator.</param>
    /// <param name="compact">Compaction (direct compaction calls <see cref="ICompact.TryToCompactPages"/>).</param>
    /// <param name="reclaim">Reclaim (direct reclaim calls <see cref="IReclaim.TryToFreePages"/>).</param>
    public AllocSlowpath(PageAllocator alloc, ICompact compact, IReclaim reclaim)
    {
        ArgumentNullException.ThrowIfNull(alloc);
        ArgumentNullException.ThrowIfNull(compact);
        ArgumentNullException.ThrowIfNull(reclaim);
        this.alloc = alloc;
        this.compact = compact;
        this.reclaim = reclaim;
    }

    /// <summary>Direct compaction attempts (the allocstall of compaction: compact_stall is counted by the mechanism).</summary>
    public long DirectCompactions { get; private set; }

    /// <summary>Direct reclaim attempts.</summary>
    public long DirectReclaims { get; private set; }

    /// <summary>
    /// The slowpath after a failed fast path: the result goes to <see cref="TaskContext.AllocResult"/>.
    /// </summary>
    /// <param name="current">The allocating task.</param>
    /// <param name="gfp">Allocation flags, with the task's scopes applied.</param>
    /// <param name="order">Order.</param>
    /// <param name="ac">The allocation context of the failed fast path.</param>
    /// <param name="owner">Owner kind for the head page.</param>
    /// <param name="ownerId">Mapping id for the head page.</param>
    /// <returns>The coroutine the task awaits.</returns>
    public IEnumerable<Wait> Run(TaskContext current, GfpFlags gfp, int order, PageAllocator.AllocContext ac, OwnerKind owner, int ownerId)
    {
        ArgumentNullException.ThrowIfNull(current);
        int pfn = ac.PreferredZone == null ? -1 : alloc.AllocPagesSlowpathNoSleep(gfp, order, ac);

        // PF_MEMALLOC: the task is reclaiming already and must not recurse into reclaim or compaction.
        bool canDirectReclaim = (gfp & GfpFlags.DirectReclaim) != 0 && current.CanSleep && (current.Flags & TaskFlags.Memalloc) == 0;
        if (pfn >= 0 || ac.PreferredZone == null || !canDirectReclaim)
        {
            current.AllocResult = alloc.FinishAllocPages(pfn, gfp, order, ac, owner, ownerId);
            yield break;
        }

        // Costly orders, and high orders that are not movable, try compaction before reclaim; a costly
        // __GFP_NORETRY request (a THP fault) gives up at once when compaction was skipped or deferred.
        bool costly = order > MmConstants.PageAllocCostlyOrder;
        bool noRetry = (gfp & GfpFlags.NoRetry) != 0;
        bool giveUp = false;
        if (costly || (order > 0 && ac.Migratetype != MigrateType.Movable))
        {
            CompactControl cc = NewCompactControl(gfp, order, ac, MigrateMode.Async);
            yield return Wait.Call(DirectCompact(current, cc));
            pfn = AfterDirectCompact(cc, gfp, order, ac);
            giveUp = costly && noRetry && cc.Result is CompactResult.Skipped or CompactResult.Deferred;
        }

        if (pfn < 0 && !giveUp)
        {
            // __alloc_pages_direct_reclaim, then __alloc_pages_direct_compact (which tries nothing for order 0).
            ScanControl sc = NewScanControl(gfp, order, ac);
            yield return Wait.Call(DirectReclaim(current, sc));
            pfn = AfterDirectReclaim(sc, gfp, order, ac);
            if (pfn < 0 && order > 0)
            {
                CompactControl cc = NewCompactControl(gfp, order, ac, MigrateMode.SyncLight);
                yield return Wait.Call(DirectCompact(current, cc));
                pfn = AfterDirectCompact(cc, gfp, order, ac);
            }

            // Without __GFP_NORETRY the kernel loops here (should_reclaim_retry, should_compact_retry): not yet modelled.
        }

        current.AllocResult = alloc.FinishAllocPages(pfn, gfp, order, ac, owner, ownerId);
    }

    private static CompactControl NewCompactControl(GfpFlags gfp, int order, PageAllocator.AllocContext ac, MigrateMode mode) => new()
    {
        Order = order,
        SearchOrder = order,
        HighestZoneidx = (int)ac.HighestZoneIdx,
        Mode = mode,
        GfpMask = gfp,
        Capture = new CaptureControl { Zone = ac.PreferredZone!.Type, Order = order, Migratetype = ac.Migratetype },
    };

    private static ScanControl NewScanControl(GfpFlags gfp, int order, PageAllocator.AllocContext ac) => new()
    {
        NrToReclaim = SwapClusterMax,
        GfpMask = gfp,
        Order = order,
        Priority = DefPriority,
        ReclaimIdx = (int)ac.HighestZoneIdx,
        MayWritepage = true,
        MayUnmap = true,
        MaySwap = true,
    };

    // __alloc_pages_direct_compact's compaction: under PF_MEMALLOC with the task's capture request set.
    private IEnumerable<Wait> DirectCompact(TaskContext current, CompactControl cc)
    {
        DirectCompactions++;
        current.Capture = cc.Capture;
        TaskFlags saved = current.MemallocSave(TaskFlags.Memalloc);
        yield return Wait.Call(compact.TryToCompactPages(alloc, cc));
        current.MemallocRestore(TaskFlags.Memalloc, saved);
        current.Capture = null;
        if (cc.CostNs > 0)
        {
            yield return Wait.For(cc.CostNs);
        }
    }

    // The block compaction captured, or a retry at the slowpath's flags unless compaction tried nothing.
    private int AfterDirectCompact(CompactControl cc, GfpFlags gfp, int order, PageAllocator.AllocContext ac) =>
        cc.Capture!.Page >= 0 ? cc.Capture.Page
        : cc.Result is CompactResult.Skipped or CompactResult.Deferred ? -1
        : alloc.GetPageFromFreelistSlowpath(gfp, order, ac);

    // __perform_reclaim: try_to_free_pages under PF_MEMALLOC.
    private IEnumerable<Wait> DirectReclaim(TaskContext current, ScanControl sc)
    {
        DirectReclaims++;
        TaskFlags saved = current.MemallocSave(TaskFlags.Memalloc);
        yield return Wait.Call(reclaim.TryToFreePages(alloc, sc));
        current.MemallocRestore(TaskFlags.Memalloc, saved);
        if (sc.CostNs > 0)
        {
            yield return Wait.For(sc.CostNs);
        }
    }

    // __alloc_pages_direct_reclaim after reclaim: a retry only if something was reclaimed, and once more after
    // draining the pcp lists (unreserve_highatomic_pageblock is not called there yet).
    private int AfterDirectReclaim(ScanControl sc, GfpFlags gfp, int order, PageAllocator.AllocContext ac)
    {
        Debug.Assert(sc.NrReclaimed >= 0, "reclaim never un-reclaims");
        if (sc.NrReclaimed == 0)
        {
            return -1;
        }

        int pfn = alloc.GetPageFromFreelistSlowpath(gfp, order, ac);
        if (pfn < 0)
        {
            alloc.DrainAllPages();
            pfn = alloc.GetPageFromFreelistSlowpath(gfp, order, ac);
        }

        return pfn;
    }
}
