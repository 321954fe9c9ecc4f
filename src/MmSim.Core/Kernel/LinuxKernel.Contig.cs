// The kernel's entry points for contiguous ranges: alloc_contig_pages (gigantic hugetlb pages and
// other users), cma_alloc/cma_release, and memory-block offline/online (mm/page_alloc.c,
// mm/cma.c, mm/memory_hotplug.c). All may sleep: they migrate with MIGRATE_SYNC.
using MmSim.Mm;
using MmSim.Mm.Cma;
using MmSim.Mm.Contig;
using MmSim.Mm.MemoryHotplug;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.PageIsolation;
using MmSim.Sim;

namespace MmSim.Kernel;

public sealed partial class LinuxKernel : IAllocContig
{
    private readonly List<OfflineAttempt> offlineAttempts = [];
    private PageIsolation? isolation;
    private ContigAlloc? contig;
    private CmaAllocator? cma;
    private MemoryOffline? hotplug;

    /// <summary>Page isolation (mm/page_isolation.c).</summary>
    public PageIsolation Isolation => isolation ??= new PageIsolation(Alloc);

    /// <summary>Contiguous allocation (alloc_contig_range and alloc_contig_pages).</summary>
    public ContigAlloc Contig => contig ??= new ContigAlloc(Alloc, Isolation, Migrate);

    /// <summary>The CMA areas and cma_alloc/cma_release.</summary>
    public CmaAllocator Cma => cma ??= new CmaAllocator(Node, Contig, Sim);

    /// <summary>Memory blocks and their offlining and onlining.</summary>
    public MemoryOffline Hotplug => hotplug ??=
        new MemoryOffline(Alloc, Isolation, Migrate, Sim, new MemoryBlocks(Node.NodeSpannedPages, Params.MemoryBlockSizeBytes), Params.OfflineTimeoutNs);

    /// <summary>Every offline attempt so far, in the order they started (running ones stand as hung or retrying).</summary>
    public IReadOnlyList<OfflineAttempt> OfflineAttempts => offlineAttempts;

    /// <summary>alloc_contig_pages: finds and allocates <paramref name="nrPages"/> contiguous pages (alloc_contig_range per candidate range).</summary>
    /// <param name="nrPages">Pages wanted.</param>
    /// <param name="gfp">Allocation context (GFP_KERNEL | __GFP_NOWARN for gigantic pages).</param>
    /// <returns>The coroutine; <see cref="TaskContext.AllocResult"/> of the task is the first PFN, or −1.</returns>
    public IEnumerable<Wait> AllocContigPages(long nrPages, GfpFlags gfp) => Contig.AllocContigPages(Current, nrPages, gfp, OwnerKind.Contig);

    /// <inheritdoc/>
    IEnumerable<Wait> IAllocContig.AllocContigPages(long nrPages, GfpFlags gfp, OwnerKind owner) => Contig.AllocContigPages(Current, nrPages, gfp, owner);

    /// <summary>free_contig_range: frees a range from <see cref="AllocContigPages(long, GfpFlags)"/>.</summary>
    /// <param name="pfn">First PFN.</param>
    /// <param name="nrPages">Pages.</param>
    public void FreeContigRange(int pfn, long nrPages) => Contig.FreeContigRange(pfn, nrPages);

    /// <summary>cma_alloc: allocates <paramref name="count"/> pages from the CMA area <paramref name="area"/>, aligned to 2^<paramref name="alignOrder"/> pages.</summary>
    /// <param name="area">The area's name.</param>
    /// <param name="count">Pages.</param>
    /// <param name="alignOrder">Alignment order (cma_alloc's align).</param>
    /// <returns>The coroutine; <see cref="TaskContext.AllocResult"/> is the first PFN, or −1.</returns>
    /// <exception cref="ArgumentException">There is no such area.</exception>
    public IEnumerable<Wait> CmaAlloc(string area, long count, int alignOrder) =>
        Cma.CmaAlloc(Current, FindCmaArea(area), count, alignOrder);

    /// <summary>cma_release: returns pages from <see cref="CmaAlloc"/>.</summary>
    /// <param name="area">The area's name.</param>
    /// <param name="pfn">First PFN.</param>
    /// <param name="count">Pages.</param>
    /// <returns>False if the range is not from that area.</returns>
    /// <exception cref="ArgumentException">There is no such area.</exception>
    public bool CmaRelease(string area, int pfn, long count) => Cma.CmaRelease(FindCmaArea(area), pfn, count);

    /// <summary>Writes "offline" to /sys/devices/system/memory/memoryN/state (offline_pages on the block).</summary>
    /// <param name="block">The memory block's index.</param>
    /// <param name="attempt">Filled as the attempt progresses (outcome, reason, latency); added to <see cref="OfflineAttempts"/>.</param>
    /// <returns>The coroutine the writing task awaits; a signal to the task ends it between passes.</returns>
    /// <exception cref="ArgumentOutOfRangeException">There is no such block.</exception>
    public IEnumerable<Wait> OfflineMemoryBlock(int block, OfflineAttempt attempt)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        ArgumentOutOfRangeException.ThrowIfNegative(block);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(block, Hotplug.Blocks.Count);
        offlineAttempts.Add(attempt);
        return Hotplug.OfflinePages(Current, block, attempt);
    }

    /// <summary>Writes "online" to the block's state (online_pages): its pages return to the buddy allocator.</summary>
    /// <param name="block">An offline block.</param>
    /// <returns>False if the block was not offline.</returns>
    /// <exception cref="ArgumentOutOfRangeException">There is no such block.</exception>
    public bool OnlineMemoryBlock(int block)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(block);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(block, Hotplug.Blocks.Count);
        return Hotplug.OnlinePages(block);
    }

    private CmaArea FindCmaArea(string area) =>
        Cma.Find(area) ?? throw new ArgumentException($"there is no CMA area '{area}'", nameof(area));
}
