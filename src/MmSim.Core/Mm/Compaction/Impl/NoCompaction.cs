using MmSim.Mm.PageAlloc;
using MmSim.Sim;

namespace MmSim.Mm.Compaction.Impl;

/// <summary>
/// Compaction that does nothing: every zone run returns COMPACT_SKIPPED (nothing tried, so nothing
/// is deferred and no pcp drain follows) and nothing is ever deferred. The default until the
/// compaction issue lands; kcompactd still wakes, counts and scores fragmentation.
/// </summary>
[Impl("none", "no compaction: every zone run returns COMPACT_SKIPPED and nothing is deferred")]
public sealed class NoCompaction : ICompact
{
    /// <summary>The shared instance (stateless).</summary>
    public static NoCompaction Instance { get; } = new();

    /// <inheritdoc/>
    public IEnumerable<Wait> CompactZone(PageAllocator alloc, CompactControl cc)
    {
        ArgumentNullException.ThrowIfNull(cc);
        cc.Result = CompactResult.Skipped;
        return [];
    }

    /// <inheritdoc/>
    /// <remarks>Nothing is considered, so no zone's deferral counters move.</remarks>
    public IEnumerable<Wait> TryToCompactPages(PageAllocator alloc, CompactControl cc) => CompactZone(alloc, cc);

    /// <inheritdoc/>
    public bool CompactionDeferred(Zone zone, int order) => false;

    /// <inheritdoc/>
    public void DeferCompaction(Zone zone, int order)
    {
        // No deferral state without compaction.
    }

    /// <inheritdoc/>
    public void CompactionDeferReset(Zone zone, int order, bool allocSuccess)
    {
        // No deferral state without compaction.
    }

    /// <inheritdoc/>
    public void ResetIsolationSuitable(PgData pgdat)
    {
        // No skip bits are set without compaction.
    }

    /// <inheritdoc/>
    public void IsolatedFreeBlocks(List<(int Pfn, int Order)> into)
    {
        // Nothing is ever isolated.
    }
}
