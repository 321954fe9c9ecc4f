using MmSim.Mm.Folio;
// The orchestration half of mm/page_alloc.c: __alloc_pages_slowpath with direct compaction and
// direct reclaim, as a coroutine the allocating task awaits. The buddy core (Mm/PageAlloc) sits
// below it and knows nothing of compaction or reclaim; compaction (Mm/Compaction) and reclaim
// (Mm/Vmscan) are reached through their seams, so page_alloc.c ↔ compaction.c ↔ vmscan.c,
// a loop in the kernel, is a one-way stack here.
using System.Diagnostics;
using MmSim.Mm.Compaction;
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
        bool canDirectReclaim = (gfp & GfpFlags.DirectReclaim) != 0 && current.CanSleep;

        // PF_MEMALLOC: the task is reclaiming already and must not recurse into reclaim or compaction.
        if (pfn < 0 && ac.PreferredZone != null && canDirectReclaim && (current.Flags & TaskFlags.Memalloc) == 0)
        {
            // Costly orders, and high orders that are not movable, try compaction before reclaim.
            bool costly = order > MmConstants.PageAllocCostlyOrder;
            if (costly || (order > 0 && ac.Migratetype != MigrateType.Movable))
            {
                yield return Wait.Call(DirectCompact(current, gfp, order, ac, MigrateMode.Async));
                pfn = current.AllocResult;
                // A costly __GFP_NORETRY request (THP faults) gives up when compaction was skipped or deferred.
                bool gaveUp = costly && (gfp & GfpFlags.NoRetry) != 0;
                if (pfn < 0 && !gaveUp)
                {
                    yield return Wait.Call(DirectReclaim(current, gfp, order, ac));
                    pfn = current.AllocResult;
                }
            }
            else
            {
                yield return Wait.Call(DirectReclaim(current, gfp, order, ac));
                pfn = current.AllocResult;
            }

            if (pfn < 0 && order > 0 && !(costly && (gfp & GfpFlags.NoRetry) != 0))
            {
                yield return Wait.Call(DirectCompact(current, gfp, order, ac, MigrateMode.SyncLight));
                pfn = current.AllocResult;
            }
        }

        current.AllocResult = alloc.FinishAllocPages(pfn, gfp, order, ac, owner, ownerId);
    }

    // __alloc_pages_direct_compact: compaction with the task's capture request; a captured block, or
    // a retry at the slowpath's flags when compaction made progress. Result in current.AllocResult.
    private IEnumerable<Wait> DirectCompact(TaskContext current, GfpFlags gfp, int order, PageAllocator.AllocContext ac, MigrateMode mode)
    {
        DirectCompactions++;
        var capture = new CaptureControl { Zone = ac.PreferredZone!.Type, Order = order, Migratetype = ac.Migratetype };
        var cc = new CompactControl
        {
            Order = order,
            SearchOrder = order,
            HighestZoneidx = (int)ac.HighestZoneIdx,
            Mode = mode,
            GfpMask = gfp,
            Capture = capture,
        };
        current.Capture = capture;
        TaskFlags saved = current.MemallocSave(TaskFlags.Memalloc);
        yield return Wait.Call(compact.TryToCompactPages(alloc, cc));
        current.MemallocRestore(TaskFlags.Memalloc, saved);
        current.Capture = null;
        if (cc.CostNs > 0)
        {
            yield return Wait.For(cc.CostNs);
        }

        current.AllocResult = capture.Page >= 0 ? capture.Page
            : cc.Result is CompactResult.Skipped or CompactResult.Deferred ? -1
            : alloc.GetPageFromFreelistSlowpath(gfp, order, ac);
    }

    // __alloc_pages_direct_reclaim: reclaim under PF_MEMALLOC, then a retry (with a pcp drain and a
    // highatomic unreserve when that fails) only if something was reclaimed.
    private IEnumerable<Wait> DirectReclaim(TaskContext current, GfpFlags gfp, int order, PageAllocator.AllocContext ac)
    {
        DirectReclaims++;
        var sc = new ScanControl
        {
            NrToReclaim = SwapClusterMax,
            GfpMask = gfp,
            Order = order,
            Priority = 12,
            ReclaimIdx = (int)ac.HighestZoneIdx,
            MayWritepage = true,
            MayUnmap = true,
            MaySwap = true,
        };
        TaskFlags saved = current.MemallocSave(TaskFlags.Memalloc);
        yield return Wait.Call(reclaim.TryToFreePages(alloc, sc));
        current.MemallocRestore(TaskFlags.Memalloc, saved);
        if (sc.CostNs > 0)
        {
            yield return Wait.For(sc.CostNs);
        }

        Debug.Assert(sc.NrReclaimed >= 0, "reclaim never un-reclaims");
        int pfn = -1;
        if (sc.NrReclaimed > 0)
        {
            pfn = alloc.GetPageFromFreelistSlowpath(gfp, order, ac);
            if (pfn < 0)
            {
                alloc.DrainAllPages();
                pfn = alloc.GetPageFromFreelistSlowpath(gfp, order, ac);
            }
        }

        current.AllocResult = pfn;
    }
}
