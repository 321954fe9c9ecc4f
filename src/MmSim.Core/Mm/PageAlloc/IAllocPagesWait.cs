using MmSim.Sim;

namespace MmSim.Mm.PageAlloc;

/// <summary>
/// Allocation for a kernel path that may sleep: what mechanisms below the slowpath (the page cache,
/// anonymous faults, SLUB, hugetlb, pins) are given, so that their allocations can enter direct
/// compaction and reclaim without depending on the layers that implement them.
/// </summary>
/// <remarks>The kernel object implements it with the fast path and <c>Mm/Slowpath</c>; the caller reads
/// <see cref="TaskContext.AllocResult"/> of <see cref="Current"/> after awaiting.</remarks>
public interface IAllocPagesWait
{
    /// <summary><c>current</c>: the running task's context, or the boot context outside any task.</summary>
    TaskContext Current { get; }

    /// <summary>alloc_pages for the running task: may sleep in the slowpath when the mask allows direct reclaim.</summary>
    /// <param name="gfp">Allocation flags (the task's memalloc scopes apply).</param>
    /// <param name="order">Order.</param>
    /// <param name="owner">Owner kind of the head page.</param>
    /// <param name="mappingId">Mapping id of the head page (0: none).</param>
    /// <returns>The coroutine; the PFN or −1 is in <see cref="TaskContext.AllocResult"/> when it ends.</returns>
    IEnumerable<Wait> AllocPagesWait(GfpFlags gfp, int order, OwnerKind owner = OwnerKind.Kernel, int mappingId = 0);

    /// <summary>The fast path alone (the task's scopes applied): the block, or −1 with nothing counted.</summary>
    /// <param name="gfp">Allocation flags.</param>
    /// <param name="order">Order.</param>
    /// <param name="owner">Owner kind of the head page.</param>
    /// <param name="mappingId">Mapping id of the head page (0: none).</param>
    /// <returns>The first PFN, or −1: then <see cref="AllocPagesSlowpath"/> must follow, as __alloc_pages continues.</returns>
    /// <remarks>Lets a hot path that usually succeeds here stay synchronous and start a coroutine only when it must.</remarks>
    int TryAllocPagesFast(GfpFlags gfp, int order, OwnerKind owner = OwnerKind.Kernel, int mappingId = 0);

    /// <summary>The slowpath of a request whose <see cref="TryAllocPagesFast"/> just failed.</summary>
    /// <param name="gfp">Allocation flags, as given to the fast path.</param>
    /// <param name="order">Order.</param>
    /// <param name="owner">Owner kind of the head page.</param>
    /// <param name="mappingId">Mapping id of the head page (0: none).</param>
    /// <returns>The coroutine; the PFN or −1 is in <see cref="TaskContext.AllocResult"/> when it ends.</returns>
    IEnumerable<Wait> AllocPagesSlowpath(GfpFlags gfp, int order, OwnerKind owner = OwnerKind.Kernel, int mappingId = 0);
}
