namespace MmSim.Mm.Filemap;

/// <summary>
/// The refault check the page cache makes when it adds a folio where reclaim left a shadow entry
/// (a slot value below <see cref="Folio.Mapping.EmptySlot"/>): implemented by the reclaim side, which wrote
/// the shadow, and set on the page cache by the kernel.
/// </summary>
/// <remarks>mm/workingset.c: workingset_refault, as __filemap_add_folio calls it before folio_add_lru.</remarks>
public interface IWorkingsetRefault
{
    /// <summary>
    /// workingset_refault: the folio at <paramref name="pfn"/> (allocated, in its mapping, not yet on an LRU)
    /// replaced <paramref name="shadow"/>; a short refault distance sets PG_active (and PG_workingset) so
    /// folio_add_lru puts it on the active list, and counts workingset_refault_* / workingset_activate_*.
    /// </summary>
    /// <param name="pfn">Head PFN of the new folio.</param>
    /// <param name="shadow">The shadow entry its first slot held.</param>
    void Refault(int pfn, int shadow);
}

/// <summary>The kernel's <see cref="IWorkingsetRefault"/>: mm/workingset.c as <see cref="Swap.Workingset"/> implements it.</summary>
/// <param name="workingset">The node's workingset state.</param>
public sealed class WorkingsetRefault(Swap.Workingset workingset) : IWorkingsetRefault
{
    /// <inheritdoc/>
    public void Refault(int pfn, int shadow) => workingset.Refault(pfn, shadow);
}
