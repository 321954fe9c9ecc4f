using MmSim.Sim;

namespace MmSim.Mm.PageAlloc;

/// <summary>
/// Contiguous allocation beyond MAX_PAGE_ORDER for mechanisms below the one that implements it
/// (gigantic hugetlb pages): alloc_contig_pages and free_contig_range of the running kernel.
/// </summary>
public interface IAllocContig
{
    /// <summary>alloc_contig_pages for the running task; its <see cref="TaskContext.AllocResult"/> is the first PFN, or −1.</summary>
    /// <param name="nrPages">Pages.</param>
    /// <param name="gfp">The mask (its zone limits the search).</param>
    /// <param name="owner">Owner kind the allocated chunks record.</param>
    /// <returns>The coroutine.</returns>
    IEnumerable<Wait> AllocContigPages(long nrPages, GfpFlags gfp, OwnerKind owner);

    /// <summary>free_contig_range.</summary>
    /// <param name="pfn">First PFN.</param>
    /// <param name="nrPages">Pages.</param>
    void FreeContigRange(int pfn, long nrPages);
}
