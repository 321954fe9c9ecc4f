using MmSim.Mm.PageAlloc;
using MmSim.Sim;

namespace MmSim.Mm.Vmscan.Impl;

/// <summary>
/// Reclaim that finds nothing to reclaim: the node behaves as if its LRU lists were empty (all
/// memory unevictable or kernel-owned). Kept for comparison; the designs use <c>mainline</c>.
/// </summary>
/// <remarks>
/// With it kswapd runs <c>balance_pgdat</c> exactly as the kernel does on a node with nothing
/// reclaimable: every pass fails, <c>kswapd_failures</c> grows, and after MAX_RECLAIM_RETRIES
/// failed passes kswapd stops being woken (docs/fidelity.md).
/// </remarks>
[Impl("none", "no reclaim: the LRU lists are empty, so every kswapd pass fails")]
public sealed class NoReclaim : IReclaim
{
    /// <summary>The shared instance (stateless).</summary>
    public static NoReclaim Instance { get; } = new();

    /// <inheritdoc/>
    public IEnumerable<Wait> ShrinkNode(PageAllocator alloc, ScanControl sc) =>
        []; // Nothing on the LRU: nothing scanned, nothing reclaimed, no time spent.

    /// <inheritdoc/>
    public IEnumerable<Wait> TryToFreePages(PageAllocator alloc, ScanControl sc) => [];
}
