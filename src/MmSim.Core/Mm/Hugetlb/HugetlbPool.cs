using MmSim.Mm.PageAlloc;
using MmSim.Mm.Memory;
using MmSim.Sim;
using MmSim.Mm.Stat;

namespace MmSim.Mm.Hugetlb;

/// <summary>
/// The pool of 2 MiB hugetlb pages (mm/hugetlb.c) as far as writing /proc/sys/vm/nr_hugepages
/// grows it: fresh huge pages from the buddy allocator until the count or the first failure.
/// </summary>
/// <param name="alloc">The node's allocator (its counters).</param>
/// <param name="pa">Allocation for the writing task, which may sleep (the mask has __GFP_RETRY_MAYFAIL).</param>
/// <param name="stats">Where the allocations are counted.</param>
internal sealed class HugetlbPool(PageAllocator alloc, IAllocPagesWait pa, IAllocAccount stats)
{
    // htlb_alloc_mask for a migratable 2 MiB hstate, plus what alloc_buddy_hugetlb_folio adds.
    private const GfpFlags HugetlbGfp = GfpFlags.HighUserMovable | GfpFlags.Comp | GfpFlags.RetryMayFail | GfpFlags.NoWarn | GfpFlags.ThisNode;

    private readonly List<int> folios = [];

    /// <summary>Huge pages in the pool (nr_hugepages).</summary>
    public long NrHugepages => folios.Count;

    /// <summary>Grows the pool to <paramref name="count"/> huge pages or until an allocation fails (set_max_huge_pages).</summary>
    /// <param name="count">The requested pool size.</param>
    /// <returns>The coroutine; <see cref="TaskContext.Ret"/> is the pool size afterwards.</returns>
    /// <remarks>mm/hugetlb.c: set_max_huge_pages → alloc_pool_huge_folio → alloc_buddy_hugetlb_folio; the loop stops at the first failure.</remarks>
    public IEnumerable<Wait> SetMaxHugePages(long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        TaskContext current = pa.Current;
        while (folios.Count < count)
        {
            yield return Wait.Call(pa.AllocPagesWait(HugetlbGfp, HugeMemory.HpagePmdOrder, OwnerKind.Hugetlb));
            int pfn = current.AllocResult;
            stats.CountAlloc(HugeMemory.HpagePmdOrder, pfn < 0);
            if (pfn < 0)
            {
                alloc.Node.CountVmEvent(VmEventItem.HtlbBuddyAllocFail);
                break;
            }

            alloc.Node.CountVmEvent(VmEventItem.HtlbBuddyAllocSuccess);
            alloc.Node.ModNodePageState(NodeStatItem.NrHugetlb, HugeMemory.HpagePmdNr);
            folios.Add(pfn);
        }

        current.Ret = folios.Count;
    }

    /// <summary>PUD_ORDER on x86-64: a 1 GiB gigantic page is 2^18 base pages.</summary>
    public const int GiganticOrder = 18;

    /// <summary>
    /// Grows a pool of gigantic pages (order &gt; MAX_PAGE_ORDER) to <paramref name="count"/> or until
    /// alloc_contig_pages fails: the buddy allocator cannot make them, so each is a contiguous range.
    /// </summary>
    /// <param name="contig">alloc_contig_pages of the running kernel.</param>
    /// <param name="count">The requested pool size.</param>
    /// <param name="order">The hstate's order (<see cref="GiganticOrder"/> for 1 GiB).</param>
    /// <returns>The coroutine; <see cref="TaskContext.Ret"/> is the pool size afterwards.</returns>
    /// <remarks>mm/hugetlb.c: alloc_gigantic_folio → folio_alloc_gigantic → alloc_contig_pages (mask
    /// htlb_alloc_mask | __GFP_NOWARN); no htlb_buddy_alloc_* event, those count buddy allocations.</remarks>
    public IEnumerable<Wait> SetMaxGiganticPages(IAllocContig contig, long count, int order = GiganticOrder)
    {
        ArgumentNullException.ThrowIfNull(contig);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(order, MmConstants.MaxPageOrder);
        TaskContext current = pa.Current;
        while (folios.Count < count)
        {
            yield return Wait.Call(contig.AllocContigPages(1L << order, GfpFlags.HighUserMovable | GfpFlags.RetryMayFail | GfpFlags.NoWarn, OwnerKind.Hugetlb));
            int pfn = current.AllocResult;
            if (pfn < 0)
            {
                break;
            }

            alloc.Node.ModNodePageState(NodeStatItem.NrHugetlb, 1L << order);
            folios.Add(pfn);
        }

        current.Ret = folios.Count;
    }
}
