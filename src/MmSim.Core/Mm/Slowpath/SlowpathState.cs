using MmSim.Mm.Compaction;
using MmSim.Mm.PageAlloc;

namespace MmSim.Mm.Slowpath;

/// <summary>
/// The locals of one __alloc_pages_slowpath call, kept in an object because the slowpath is a
/// coroutine split over several methods (coroutines cannot take ref parameters).
/// </summary>
/// <remarks>mm/page_alloc.c: __alloc_pages_slowpath's locals (alloc_flags, compact_priority,
/// compact_result, compaction_retries, no_progress_loops, did_some_progress, page).</remarks>
internal sealed class SlowpathState
{
    public SlowpathState(TaskContext current, GfpFlags gfp, int order, PageAllocator.AllocContext ac)
    {
        Current = current;
        Gfp = gfp;
        Order = order;
        Ac = ac;

        // A context that cannot sleep cannot reclaim, whatever its mask says.
        CanDirectReclaim = (gfp & GfpFlags.DirectReclaim) != 0 && current.CanSleep;

        // gfp_compaction_allowed: CONFIG_COMPACTION and __GFP_IO.
        CanCompact = (gfp & GfpFlags.Io) != 0;
        NoFail = (gfp & GfpFlags.NoFail) != 0;
        Costly = order > MmConstants.PageAllocCostlyOrder;
    }

    /// <summary>The allocating task.</summary>
    public TaskContext Current { get; }

    /// <summary>gfp_mask.</summary>
    public GfpFlags Gfp { get; }

    /// <summary>order.</summary>
    public int Order { get; }

    /// <summary>The allocation context.</summary>
    public PageAllocator.AllocContext Ac { get; }

    /// <summary>can_direct_reclaim.</summary>
    public bool CanDirectReclaim { get; }

    /// <summary>can_compact.</summary>
    public bool CanCompact { get; }

    /// <summary>nofail (__GFP_NOFAIL).</summary>
    public bool NoFail { get; }

    /// <summary>costly_order.</summary>
    public bool Costly { get; }

    /// <summary>alloc_flags.</summary>
    public AllocFlags AllocFlags { get; set; }

    /// <summary>compact_priority (DEF_COMPACT_PRIORITY at restart).</summary>
    public CompactPriority CompactPriority { get; set; } = AllocSlowpath.DefCompactPriority;

    /// <summary>compact_result (COMPACT_SKIPPED at restart).</summary>
    public CompactResult CompactResult { get; set; } = CompactResult.Skipped;

    /// <summary>compaction_retries.</summary>
    public int CompactionRetries { get; set; }

    /// <summary>no_progress_loops.</summary>
    public int NoProgressLoops { get; set; }

    /// <summary>did_some_progress: pages the last direct reclaim freed (or 1 for OOM progress).</summary>
    public long DidSomeProgress { get; set; }

    /// <summary>Passes through retry: (for tests and traces).</summary>
    public int Passes { get; set; }

    /// <summary>page: the block, or −1.</summary>
    public int Page { get; set; } = -1;

    /// <summary>The OOM step reported progress without killing anyone (a victim still exits): the retry waits a jiffy.</summary>
    public bool OomKilledNobody { get; set; }

    /// <summary>Whether the mask has all of <paramref name="flags"/>.</summary>
    public bool Has(GfpFlags flags) => (Gfp & flags) == flags;
}
