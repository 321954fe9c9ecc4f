using MmSim.Mm.PageAlloc;
using MmSim.Sim;

namespace MmSim.Mm.Compaction;

/// <summary>
/// The compaction seam: the zone-level mechanism (<c>compact_zone</c> with its scanners and
/// migration) and the per-zone deferral state, which kcompactd (and later direct compaction and
/// <c>compact_memory</c>) call. The daemon and its wake-up logic live in <see cref="Kcompactd"/>.
/// </summary>
/// <remarks>mm/compaction.c. Implementations live in Impl/ (<c>Impl.NoCompaction</c> until compaction lands); the caller that builds the kernel picks one, so this namespace never imports Impl.</remarks>
public interface ICompact
{
    /// <summary>Compacts one zone (compact_zone(cc, NULL)); the outcome goes to <see cref="CompactControl.Result"/>.</summary>
    /// <param name="alloc">The node's allocator.</param>
    /// <param name="cc">The run; the implementation adds to the scanned counters and <see cref="CompactControl.CostNs"/>.</param>
    /// <returns>The coroutine the calling task awaits (<see cref="Wait.Call"/>): migration may wait on a folio.</returns>
    /// <remarks>The caller charges <see cref="CompactControl.CostNs"/> afterwards.</remarks>
    IEnumerable<Wait> CompactZone(PageAllocator alloc, CompactControl cc);

    /// <summary>
    /// Direct compaction for an allocation (try_to_compact_pages): compacts the eligible zones at
    /// <see cref="CompactControl.Order"/> with the priority's mode, capturing a freed block of that order
    /// for the task; the outcome goes to <see cref="CompactControl.Result"/> (COMPACT_SKIPPED: nothing tried).
    /// </summary>
    /// <param name="alloc">The node's allocator.</param>
    /// <param name="cc">The request (order, gfp, alloc flags, highest zone, mode, capture).</param>
    /// <returns>The coroutine the allocating task awaits.</returns>
    IEnumerable<Wait> TryToCompactPages(PageAllocator alloc, CompactControl cc);

    /// <summary>Whether compaction of <paramref name="zone"/> at <paramref name="order"/> is deferred (compaction_deferred).</summary>
    /// <param name="zone">The zone.</param>
    /// <param name="order">The order.</param>
    /// <returns>True to skip the zone this time (the call counts as one consideration).</returns>
    bool CompactionDeferred(Zone zone, int order);

    /// <summary>Records a failure at <paramref name="order"/>: later attempts are deferred (defer_compaction).</summary>
    /// <param name="zone">The zone.</param>
    /// <param name="order">The order.</param>
    void DeferCompaction(Zone zone, int order);

    /// <summary>Records a success at <paramref name="order"/> (compaction_defer_reset).</summary>
    /// <param name="zone">The zone.</param>
    /// <param name="order">The order.</param>
    /// <param name="allocSuccess">Whether an allocation succeeded (false from kcompactd).</param>
    void CompactionDeferReset(Zone zone, int order, bool allocSuccess);

    /// <summary>Clears the pageblock skip bits of every zone whose flush flag is set (reset_isolation_suitable), as kswapd goes to sleep.</summary>
    /// <param name="pgdat">The node.</param>
    void ResetIsolationSuitable(PgData pgdat);

    /// <summary>
    /// Appends every block that compaction holds outside the buddy allocator right now: free pages its
    /// scanners isolated as migration targets (and captured blocks not yet handed out), as (first PFN, order).
    /// They are neither free nor allocated, so the invariant checker counts them with these.
    /// </summary>
    /// <param name="into">Receives the blocks.</param>
    void IsolatedFreeBlocks(List<(int Pfn, int Order)> into);
}
