using MmSim.Mm.PageAlloc;
using MmSim.Mm.Writeback;
using MmSim.Sim;

namespace MmSim.Mm.Vmscan;

/// <summary>
/// The reclaim seam: what kswapd (and later direct and memcg reclaim) calls to free pages from a
/// node's LRU lists. The kswapd loop, watermark and boost logic live in <see cref="Kswapd"/>; the
/// LRU and <c>shrink_folio_list</c> live behind this interface.
/// </summary>
/// <remarks>mm/vmscan.c: shrink_node. Implementations live in Impl/ (<c>Impl.MainlineReclaim</c>, and <c>Impl.NoReclaim</c> that reclaims nothing); the caller that builds the kernel picks one, so this namespace never imports Impl.</remarks>
public interface IReclaim
{
    /// <summary>Scans and reclaims from the node's LRU lists (shrink_node).</summary>
    /// <param name="alloc">The node's allocator; reclaimed pages are freed through it.</param>
    /// <param name="sc">The pass: adds to <see cref="ScanControl.NrScanned"/>, <see cref="ScanControl.NrReclaimed"/>
    /// and <see cref="ScanControl.CostNs"/>.</param>
    /// <returns>The coroutine the reclaiming task awaits (<see cref="Wait.Call"/>): reclaim may wait on writeback or throttle.</returns>
    /// <remarks>The caller charges <see cref="ScanControl.CostNs"/> afterwards.</remarks>
    IEnumerable<Wait> ShrinkNode(PageAllocator alloc, ScanControl sc);

    /// <summary>Direct reclaim for an allocation (try_to_free_pages): progress goes to <see cref="ScanControl.NrReclaimed"/>.</summary>
    /// <param name="alloc">The node's allocator.</param>
    /// <param name="sc">The request (gfp, order, highest zone, nr_to_reclaim = SWAP_CLUSTER_MAX).</param>
    /// <returns>The coroutine the allocating task awaits.</returns>
    IEnumerable<Wait> TryToFreePages(PageAllocator alloc, ScanControl sc);

    /// <summary>The flusher threads reclaim wakes when it finds only unqueued dirty folios (null: none).</summary>
    IFlusher? Flusher
    {
        get => null;
        set { }
    }

    /// <summary>Called when a shrink_node pass reclaimed something: kswapd sets it to reset kswapd_failures
    /// (a successful direct reclaim revives a dormant kswapd).</summary>
    Action? OnProgress
    {
        get => null;
        set { }
    }

    /// <summary>clear_pgdat_congested: kswapd found the node balanced (PGDAT_WRITEBACK, PGDAT_DIRTY, LRUVEC_NODE_CONGESTED go).</summary>
    void ClearPgdatCongested()
    {
    }

    /// <summary>The implementation's own invariants, for the kernel checker: a description of the first violation, or null.</summary>
    /// <returns>Null when consistent.</returns>
    string? Verify() => null;

    /// <summary>snapshot_refaults(NULL, pgdat): kswapd's balance_pgdat finished.</summary>
    void SnapshotRefaults()
    {
    }
}
