using MmSim.Mm.PageAlloc;

namespace MmSim.Mm.Vmscan;

/// <summary>
/// The reclaim seam: what kswapd (and later direct and memcg reclaim) calls to free pages from a
/// node's LRU lists. The kswapd loop, watermark and boost logic live in <see cref="Kswapd"/>; the
/// LRU and <c>shrink_folio_list</c> live behind this interface.
/// </summary>
/// <remarks>mm/vmscan.c: shrink_node. Implementations live in Impl/ (<c>Impl.NoReclaim</c> until reclaim lands); the caller that builds the kernel picks one, so this namespace never imports Impl.</remarks>
public interface IReclaim
{
    /// <summary>Scans and reclaims from the node's LRU lists (shrink_node).</summary>
    /// <param name="alloc">The node's allocator; reclaimed pages are freed through it.</param>
    /// <param name="sc">The pass: adds to <see cref="ScanControl.NrScanned"/>, <see cref="ScanControl.NrReclaimed"/>
    /// and <see cref="ScanControl.CostNs"/>.</param>
    /// <remarks>Synchronous (a mechanism, not a daemon): it never waits; the caller charges <see cref="ScanControl.CostNs"/>.</remarks>
    void ShrinkNode(PageAllocator alloc, ref ScanControl sc);
}
