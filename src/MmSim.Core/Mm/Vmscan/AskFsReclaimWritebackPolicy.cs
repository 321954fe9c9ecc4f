// The ask-fs design's reclaim rule (issue 9, never merged): shrink_folio_list's case 3 asks the filesystem
// that ends a folio's writeback whether this reclaimer waiting on it could deadlock.
using MmSim.Mm.Folio;

namespace MmSim.Mm.Vmscan;

/// <summary>
/// ask-fs: a reclaimer may wait on a folio's writeback unless the mapping's owner says the wait could deadlock
/// (the reclaimer is a thread of the server holding the request, or runs in its memcg). Mappings without an
/// owner keep mainline's rule (<see cref="KernelReclaimWritebackPolicy"/>).
/// </summary>
/// <remarks>mm/vmscan.c: shrink_folio_list, the last clause of case 2; David Hildenbrand's "even *better*" of
/// Message-ID 0ed5241e-10af-43ee-baaf-87a5b4dc9694@redhat.com.</remarks>
public sealed class AskFsReclaimWritebackPolicy : IReclaimWritebackPolicy
{
    /// <summary>The shared instance (stateless).</summary>
    public static AskFsReclaimWritebackPolicy Instance { get; } = new();

    /// <inheritdoc/>
    public bool MayWaitOnWriteback(int pfn, Mapping? mapping, ScanControl sc, TaskContext current) =>
        mapping?.WritebackOwner is { } owner
            ? !owner.MayDeadlock(pfn, current)
            : KernelReclaimWritebackPolicy.Instance.MayWaitOnWriteback(pfn, mapping, sc, current);
}
