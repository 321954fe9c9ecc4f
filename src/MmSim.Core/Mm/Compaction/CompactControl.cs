using MmSim.Mm.Migrate;
using MmSim.Mm.PageAlloc;

namespace MmSim.Mm.Compaction;

/// <summary>
/// One compaction run over one zone (struct compact_control): the request it serves and the
/// counters it flushes to vmstat at the end. The scanner cursors and isolated lists arrive with the
/// compaction mechanism.
/// </summary>
/// <remarks>mm/internal.h: struct compact_control.</remarks>
public sealed class CompactControl
{
    /// <summary>The zone being compacted (zone).</summary>
    public Zone? Zone;

    /// <summary>Order the run compacts for (order); −1 for whole-zone compaction (proactive, compact_memory).</summary>
    public int Order;

    /// <summary>Order fast_isolate_freepages starts searching from (search_order).</summary>
    public int SearchOrder;

    /// <summary>Highest zone of the request (highest_zoneidx).</summary>
    public int HighestZoneidx;

    /// <summary>Direct compaction's priority (try_to_compact_pages' prio); the mode and skip-hint use follow from it.</summary>
    public CompactPriority Priority = CompactPriority.Async;

    /// <summary>Migration mode (mode).</summary>
    public MigrateMode Mode;

    /// <summary>Allocation context of the request (gfp_mask).</summary>
    public GfpFlags GfpMask;

    /// <summary>Watermark and CMA flags of the request (alloc_flags).</summary>
    public AllocFlags AllocFlags;

    /// <summary>Ignore the pageblock skip bits (ignore_skip_hint).</summary>
    public bool IgnoreSkipHint;

    /// <summary>Scan the whole zone, not from the cached positions (whole_zone).</summary>
    public bool WholeZone;

    /// <summary>Proactive compaction by kcompactd (proactive_compaction).</summary>
    public bool ProactiveCompaction;

    /// <summary>Pages the migrate scanner examined (total_migrate_scanned).</summary>
    public long TotalMigrateScanned;

    /// <summary>Pages the free scanner examined (total_free_scanned).</summary>
    public long TotalFreeScanned;

    /// <summary>Simulated CPU time the run took, in ns; the calling daemon charges it and resets it.</summary>
    public long CostNs;

    /// <summary>The outcome of the last <see cref="ICompact.CompactZone"/> or <see cref="ICompact.TryToCompactPages"/>.</summary>
    public CompactResult Result;

    /// <summary>Direct compaction for an allocation: the task's capture request, or null.</summary>
    public CaptureControl? Capture;
}
