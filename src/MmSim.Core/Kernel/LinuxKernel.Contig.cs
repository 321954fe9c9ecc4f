// The kernel's entry points for contiguous ranges: alloc_contig_pages (gigantic hugetlb pages and
// other users), cma_alloc/cma_release, and memory-block offline/online (mm/page_alloc.c,
// mm/cma.c, mm/memory_hotplug.c). All may sleep: they migrate with MIGRATE_SYNC.
using MmSim.Mm;
using MmSim.Mm.MemoryHotplug;
using MmSim.Sim;

namespace MmSim.Kernel;

public sealed partial class LinuxKernel
{
    /// <summary>alloc_contig_pages: finds and allocates <paramref name="nrPages"/> contiguous pages (alloc_contig_range per candidate range).</summary>
    /// <param name="nrPages">Pages wanted.</param>
    /// <param name="gfp">Allocation context (GFP_KERNEL | __GFP_NOWARN for gigantic pages).</param>
    /// <returns>The coroutine; <see cref="TaskContext.AllocResult"/> of the task is the first PFN, or −1.</returns>
    public IEnumerable<Wait> AllocContigPages(long nrPages, GfpFlags gfp) => throw new NotImplementedException("alloc_contig_range lands with issue 7");

    /// <summary>free_contig_range: frees a range from <see cref="AllocContigPages"/>.</summary>
    /// <param name="pfn">First PFN.</param>
    /// <param name="nrPages">Pages.</param>
    public void FreeContigRange(int pfn, long nrPages) => throw new NotImplementedException("alloc_contig_range lands with issue 7");

    /// <summary>cma_alloc: allocates <paramref name="count"/> pages from the CMA area <paramref name="area"/>, aligned to 2^<paramref name="alignOrder"/> pages.</summary>
    /// <param name="area">The area's name.</param>
    /// <param name="count">Pages.</param>
    /// <param name="alignOrder">Alignment order (cma_alloc's align).</param>
    /// <returns>The coroutine; <see cref="TaskContext.AllocResult"/> is the first PFN, or −1.</returns>
    public IEnumerable<Wait> CmaAlloc(string area, long count, int alignOrder) => throw new NotImplementedException("CMA lands with issue 7");

    /// <summary>cma_release: returns pages from <see cref="CmaAlloc"/>.</summary>
    /// <param name="area">The area's name.</param>
    /// <param name="pfn">First PFN.</param>
    /// <param name="count">Pages.</param>
    /// <returns>False if the range is not from that area.</returns>
    public bool CmaRelease(string area, int pfn, long count) => throw new NotImplementedException("CMA lands with issue 7");

    /// <summary>Writes "offline" to /sys/devices/system/memory/memoryN/state (offline_pages on the block).</summary>
    /// <param name="block">The memory block's index.</param>
    /// <param name="attempt">Filled as the attempt progresses (outcome, reason, latency).</param>
    /// <returns>The coroutine the writing task awaits; a signal to the task ends it between passes.</returns>
    public IEnumerable<Wait> OfflineMemoryBlock(int block, OfflineAttempt attempt) => throw new NotImplementedException("offlining lands with issue 7");

    /// <summary>Writes "online" to the block's state (online_pages): its pages return to the buddy allocator.</summary>
    /// <param name="block">An offline block.</param>
    /// <returns>False if the block was not offline.</returns>
    public bool OnlineMemoryBlock(int block) => throw new NotImplementedException("onlining lands with issue 7");
}
