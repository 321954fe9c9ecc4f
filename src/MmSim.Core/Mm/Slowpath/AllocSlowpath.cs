// The orchestration half of mm/page_alloc.c: __alloc_pages_slowpath with its retry loop, as a
// coroutine the allocating task awaits. The buddy core (Mm/PageAlloc) sits below it and knows nothing
// of compaction or reclaim; compaction (Mm/Compaction) and reclaim (Mm/Vmscan) are reached through
// their seams, so page_alloc.c ↔ compaction.c ↔ vmscan.c, a loop in the kernel, is a one-way stack
// here. This file owns the order of the steps; DirectCompact.cs and DirectReclaim.cs the two
// mechanisms' calls, RetryDecisions.cs should_reclaim_retry/should_compact_retry, MayOom.cs the OOM step.
using MmSim.Mm.Compaction;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Vmscan;
using MmSim.Sim;

namespace MmSim.Mm.Slowpath;

/// <summary>
/// __alloc_pages for a request that may sleep, after its fast path failed: the slowpath of 6.18 with
/// the initial direct compaction, the reclaim/compaction retry loop, the OOM step and __GFP_NOFAIL.
/// Direct compaction and direct reclaim may put the task to sleep (D state, with the wait site of
/// whatever it waits on); a __GFP_NOFAIL request that cannot progress sleeps a jiffy per pass.
/// </summary>
/// <remarks>
/// mm/page_alloc.c (6.18): __alloc_pages_slowpath, __alloc_pages_direct_compact,
/// __alloc_pages_direct_reclaim, __perform_reclaim, should_reclaim_retry, should_compact_retry,
/// __alloc_pages_may_oom, __alloc_pages_cpuset_fallback, __gfp_pfmemalloc_flags. One node without
/// cpusets: check_retry_cpuset and check_retry_zonelist never restart (docs/fidelity.md).
/// </remarks>
public sealed partial class AllocSlowpath
{
    /// <summary>MAX_COMPACT_RETRIES: compaction retries with progress before OOM is the only way on.</summary>
    public const int MaxCompactRetries = 16;

    /// <summary>MAX_RECLAIM_RETRIES (mm/internal.h): reclaim passes in a row without progress.</summary>
    public const int MaxReclaimRetries = 16;

    /// <summary>INIT_COMPACT_PRIORITY: the initial direct compaction, and THP's (costly __GFP_NORETRY) loop.</summary>
    public const CompactPriority InitCompactPriority = CompactPriority.Async;

    /// <summary>DEF_COMPACT_PRIORITY: the retry loop starts here.</summary>
    public const CompactPriority DefCompactPriority = CompactPriority.SyncLight;

    /// <summary>MIN_COMPACT_PRIORITY: the hardest priority non-costly requests escalate to.</summary>
    public const CompactPriority MinCompactPriority = CompactPriority.SyncFull;

    /// <summary>MIN_COMPACT_COSTLY_PRIORITY: costly orders stop escalating here.</summary>
    public const CompactPriority MinCompactCostlyPriority = CompactPriority.SyncLight;

    /// <summary>One jiffy (HZ = 1000): what a __GFP_NOFAIL pass that found nothing sleeps before retrying.</summary>
    public const long NofailRetryWaitNs = SimTime.NsPerMs;

    /// <summary>The wait site of that sleep (memalloc_retry_wait's schedule).</summary>
    public const string NofailWaitSite = "__alloc_pages_slowpath";

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

    /// <summary>Direct compaction attempts that ran (the allocstall of compaction: compact_stall is counted by the mechanism).</summary>
    public long DirectCompactions { get; private set; }

    /// <summary>Direct reclaim attempts.</summary>
    public long DirectReclaims { get; private set; }

    /// <summary>Passes through the slowpath's <c>retry:</c> label (each a new reclaim/compaction round).</summary>
    public long Retries { get; private set; }

    /// <summary>Times the slowpath reached out_of_memory(): the OOM killer would have been invoked (see <see cref="MayOom"/>).</summary>
    public long WouldOom { get; private set; }

    /// <summary>Times a __GFP_NOFAIL request slept a jiffy because a pass found nothing.</summary>
    public long NofailWaits { get; private set; }

    /// <summary>
    /// Whether anonymous pages count as reclaimable (can_reclaim_anon_pages: a swap device or demotion
    /// target exists). False by default: mmsim models no swap yet.
    /// </summary>
    public bool CanReclaimAnon { get; set; }

    /// <summary>Called when the slowpath would invoke the OOM killer (the seam the OOM killer fills in), with the request's gfp and order.</summary>
    public Action<GfpFlags, int>? OnWouldOom { get; set; }

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
        var s = new SlowpathState(current, gfp, order, ac);
        if (ac.PreferredZone != null)
        {
            yield return Wait.Call(AllocPagesSlowpath(s));
        }

        current.AllocResult = alloc.FinishAllocPages(s.Page, gfp, order, ac, owner, ownerId);
    }

    // __alloc_pages_slowpath up to the retry loop: flags, kswapd, the min-watermark attempt, and the
    // initial direct compaction of costly and non-movable high-order requests.
    private IEnumerable<Wait> AllocPagesSlowpath(SlowpathState s)
    {
        // restart: one node without cpusets, so nothing ever sends the request back here.
        s.AllocFlags = alloc.SlowpathAllocFlags(s.Gfp, s.Order, s.Ac);
        if ((s.AllocFlags & AllocFlags.Kswapd) != 0)
        {
            alloc.WakeAllKswapds(s.Order, s.Gfp, s.Ac);
        }

        // The adjusted alloc_flags might result in immediate success.
        s.Page = alloc.GetPageFromFreelistWithFlags(s.Order, s.AllocFlags, s.Ac);
        if (s.Page >= 0)
        {
            yield break;
        }

        // Costly orders have enough base pages more likely than not; non-movable high orders compact to
        // avoid permanent fragmentation. Not for requests that may ignore watermarks (not tried yet).
        if (s.CanDirectReclaim && s.CanCompact && (s.Costly || (s.Order > 0 && s.Ac.Migratetype != MigrateType.Movable))
            && GfpPfmemallocFlags(s) == 0)
        {
            yield return Wait.Call(DirectCompact(s, InitCompactPriority));
            if (s.Page >= 0)
            {
                yield break;
            }

            if (s.Costly && s.Has(GfpFlags.NoRetry) && !InitialCompactionWorthRetrying(s))
            {
                yield return Wait.Call(RetryLoop(s, fromNopage: true));
                yield break;
            }
        }

        yield return Wait.Call(RetryLoop(s, fromNopage: false));
    }

    // The checks after a costly __GFP_NORETRY request's initial compaction (some THP faults): give up
    // when compaction was skipped or deferred, or for a local-node-only (__GFP_THISNODE) THP attempt;
    // otherwise keep compacting asynchronously, since sync compaction could be very expensive.
    private static bool InitialCompactionWorthRetrying(SlowpathState s)
    {
        if (s.CompactResult is CompactResult.Skipped or CompactResult.Deferred)
        {
            return false;
        }

        if (s.Has(GfpFlags.ThisNode))
        {
            return false;
        }

        s.CompactPriority = InitCompactPriority;
        return true;
    }

    // The retry loop: each pass refreshes the reserve flags, tries the freelists, reclaims, compacts, and
    // asks should_reclaim_retry / should_compact_retry (and defrag_mode, then the OOM step) whether to go on.
    // fromNopage: the initial compaction gave up already (goto nopage before the loop).
    private IEnumerable<Wait> RetryLoop(SlowpathState s, bool fromNopage)
    {
        if (fromNopage)
        {
            goto nopage;
        }

    retry:
        Retries++;
        s.Passes++;

        // Ensure kswapd doesn't accidentally go to sleep as long as we loop.
        if ((s.AllocFlags & AllocFlags.Kswapd) != 0)
        {
            alloc.WakeAllKswapds(s.Order, s.Gfp, s.Ac);
        }

        AllocFlags reserveFlags = GfpPfmemallocFlags(s);
        if (reserveFlags != 0)
        {
            s.AllocFlags = PageAllocator.GfpToAllocFlagsCma(s.Ac, reserveFlags) | (s.AllocFlags & AllocFlags.Kswapd);
        }

        s.Page = alloc.GetPageFromFreelistWithFlags(s.Order, s.AllocFlags, s.Ac);
        if (s.Page >= 0)
        {
            yield break;
        }

        // Caller is not willing to reclaim, or is reclaiming already (PF_MEMALLOC must not recurse).
        if (!s.CanDirectReclaim || (s.Current.Flags & TaskFlags.Memalloc) != 0)
        {
            goto nopage;
        }

        yield return Wait.Call(DirectReclaim(s));
        if (s.Page >= 0)
        {
            yield break;
        }

        yield return Wait.Call(DirectCompact(s, s.CompactPriority));
        if (s.Page >= 0)
        {
            yield break;
        }

        // Do not loop if specifically requested; costly orders loop only with __GFP_RETRY_MAYFAIL.
        if (s.Has(GfpFlags.NoRetry) || (s.Costly && (!s.CanCompact || !s.Has(GfpFlags.RetryMayFail))))
        {
            goto nopage;
        }

        bool retryReclaim = ShouldReclaimRetry(s, out bool resched);
        if (resched)
        {
            yield return Wait.For(0); // cond_resched
        }

        // Compaction is retried only if reclaim made order-0 progress (__compaction_suitable needs free memory).
        if (retryReclaim || (s.DidSomeProgress > 0 && s.CanCompact && ShouldCompactRetry(s)))
        {
            goto retry;
        }

        // Reclaim/compaction failed to prevent the fallback (defrag_mode): allow it now.
        if (alloc.Options.DefragMode && (s.AllocFlags & AllocFlags.NoFragment) != 0)
        {
            s.AllocFlags &= ~AllocFlags.NoFragment;
            goto retry;
        }

        // Reclaim has failed us, start killing things.
        MayOom(s);
        if (s.Page >= 0)
        {
            yield break;
        }

        // Avoid allocations with no watermarks from looping endlessly: an OOM victim that got ALLOC_OOM fails.
        if (s.Current.IsOomVictim && ((s.AllocFlags & AllocFlags.Oom) != 0 || s.Has(GfpFlags.NoMemAlloc)))
        {
            goto nopage;
        }

        // Retry as long as the OOM killer is making progress.
        if (s.DidSomeProgress > 0)
        {
            s.NoProgressLoops = 0;
            if (s.NoFail)
            {
                yield return NofailWait();
            }
            else if (s.OomKilledNobody)
            {
                // The kernel spins here while the victim exits on another CPU; a zero-time spin would stop
                // the simulated clock, so the allocator sleeps a jiffy as a contended oom_lock's waiter does.
                yield return Wait.Sleep(OomVictimWaitNs, TaskState.Uninterruptible, OomWaitSite);
            }

            goto retry;
        }

    nopage:
        if (s.NoFail && s.CanDirectReclaim)
        {
            // __GFP_NOFAIL never leaks out: some access to the reserves, then round again.
            s.Page = CpusetFallback(s, AllocFlags.MinReserve);
            if (s.Page >= 0)
            {
                yield break;
            }

            yield return NofailWait();
            goto retry;
        }

        // fail: warn_alloc; the failure is counted when the allocation ends.
        s.Page = -1;
    }

    // The kernel spins here with cond_resched(); a zero-time spin would stop the simulated clock, so a
    // NOFAIL pass that found nothing sleeps one jiffy, uninterruptibly, as memalloc_retry_wait does.
    private Wait NofailWait()
    {
        NofailWaits++;
        return Wait.Sleep(NofailRetryWaitNs, TaskState.Uninterruptible, NofailWaitSite);
    }

    // __alloc_pages_cpuset_fallback: one node without cpusets, so the ALLOC_CPUSET pass and the pass
    // without it see the same zones; one call.
    private int CpusetFallback(SlowpathState s, AllocFlags flags) =>
        alloc.GetPageFromFreelistWithFlags(s.Order, flags | AllocFlags.Cpuset, s.Ac);

    // __gfp_pfmemalloc_flags: reserve access for __GFP_MEMALLOC and PF_MEMALLOC tasks and OOM victims (no
    // softirq context in mmsim), never with __GFP_NOMEMALLOC.
    private static AllocFlags GfpPfmemallocFlags(SlowpathState s)
    {
        if (s.Has(GfpFlags.NoMemAlloc))
        {
            return 0;
        }

        if (s.Has(GfpFlags.MemAlloc))
        {
            return AllocFlags.NoWatermarks;
        }

        if (!s.Current.CanSleep)
        {
            return 0;
        }

        // PF_MEMALLOC ignores watermarks; an OOM victim (oom_reserves_allowed) gets ALLOC_OOM to exit quickly.
        if ((s.Current.Flags & TaskFlags.Memalloc) != 0)
        {
            return AllocFlags.NoWatermarks;
        }

        return s.Current.IsOomVictim ? AllocFlags.Oom : 0;
    }
}
