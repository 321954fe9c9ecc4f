using MmSim.Mm.Migrate;
using MmSim.Mm.PageAlloc;

namespace MmSim.Mm.Compaction;

/// <summary>
/// One compaction run over one zone (struct compact_control): the request it serves, the scanner
/// cursors and isolated lists, and the counters it flushes to vmstat at the end.
/// </summary>
/// <remarks>mm/internal.h: struct compact_control.</remarks>
public sealed class CompactControl
{
    /// <summary>COMPACT_CLUSTER_MAX (= SWAP_CLUSTER_MAX): folios isolated per migration batch, and the async free scanner's first stride.</summary>
    public const int CompactClusterMax = 32;

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

    /// <summary>Direct compaction for an allocation (direct_compaction), as opposed to kcompactd or compact_memory.</summary>
    public bool DirectCompaction;

    /// <summary>Take free pages from any block type (ignore_block_suitable: COMPACT_PRIO_SYNC_FULL).</summary>
    public bool IgnoreBlockSuitable;

    /// <summary>Set no skip bits and move no cached positions (no_set_skip_hint: alloc_contig_range).</summary>
    public bool NoSetSkipHint;

    /// <summary>Migratetype of the request (migratetype = gfp_migratetype(gfp_mask)).</summary>
    public MigrateType Migratetype;

    /// <summary>Where the migrate scanner is (migrate_pfn).</summary>
    public int MigratePfn;

    /// <summary>Where the free scanner is (free_pfn).</summary>
    public int FreePfn;

    /// <summary>Lowest PFN fast_find_migrateblock found, to restart the linear scan from (fast_start_pfn; <see cref="int.MaxValue"/> once used).</summary>
    public int FastStartPfn;

    /// <summary>Consecutive failures of the fast searches (fast_search_fail).</summary>
    public int FastSearchFail;

    /// <summary>Scan the rest of the current pageblock before moving on (finish_pageblock).</summary>
    public bool FinishPageblock;

    /// <summary>Stopped for contention or a fatal signal (contended).</summary>
    public bool Contended;

    /// <summary>Base pages on <see cref="Migratepages"/> (nr_migratepages).</summary>
    public int NrMigratepages;

    /// <summary>Base pages on <see cref="Freepages"/> (nr_freepages).</summary>
    public int NrFreepages;

    /// <summary>Whether kcompactd's node has kswapd running (kswapd_is_running), for proactive runs; null: never.</summary>
    public Func<bool>? KswapdIsRunning;

    /// <summary>Folios isolated for migration (migratepages).</summary>
    public MigrateList Migratepages { get; } = new(CompactClusterMax);

    /// <summary>Free blocks isolated as migration targets, by order (freepages[NR_PAGE_ORDERS]).</summary>
    public FreePageLists Freepages { get; } = new();
}
