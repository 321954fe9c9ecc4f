using MmSim.Mm.Memory;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;
using MmSim.Sim;

namespace MmSim.Mm.Hugetlb;

/// <summary>
/// One hstate's pool of hugetlb pages (mm/hugetlb.c) as far as writing its nr_hugepages changes it:
/// a 2 MiB pool grows with fresh huge pages from the buddy allocator, a gigantic (1 GiB) pool with
/// ranges from alloc_contig_pages, until the count or the first failure; a lower count frees the
/// newest pages. The pool lives as long as the kernel, as an hstate does.
/// </summary>
/// <param name="alloc">The node's allocator (its counters; frees 2 MiB pages).</param>
/// <param name="pa">Allocation for the writing task, which may sleep (the mask has __GFP_RETRY_MAYFAIL).</param>
/// <param name="contig">alloc_contig_pages, for a gigantic hstate; null for 2 MiB.</param>
/// <param name="order">The hstate's order: <see cref="HugeMemory.HpagePmdOrder"/> or <see cref="GiganticOrder"/>.</param>
internal sealed class HugetlbPool(PageAllocator alloc, IAllocPagesWait pa, IAllocContig? contig, int order)
{
    /// <summary>PUD_ORDER on x86-64: a 1 GiB gigantic page is 2^18 base pages.</summary>
    public const int GiganticOrder = 18;

    // htlb_alloc_mask for a migratable hstate, plus what alloc_buddy_hugetlb_folio adds (2 MiB).
    private const GfpFlags HugetlbGfp = GfpFlags.HighUserMovable | GfpFlags.Comp | GfpFlags.RetryMayFail | GfpFlags.NoWarn | GfpFlags.ThisNode;

    // htlb_alloc_mask of a migratable hstate with __GFP_THISNODE (alloc_pool_huge_folio) and __GFP_NOWARN,
    // which alloc_gigantic_folio hands to alloc_contig_pages.
    private const GfpFlags GiganticGfp = GfpFlags.HighUserMovable | GfpFlags.NoWarn | GfpFlags.ThisNode;

    private readonly List<int> folios = [];

    /// <summary>Huge pages in the pool (nr_hugepages).</summary>
    public long NrHugepages => folios.Count;

    /// <summary>The hstate's order.</summary>
    public int Order => order;

    /// <summary>
    /// Sets the pool to <paramref name="count"/> huge pages (set_max_huge_pages): frees the newest
    /// above it, or grows until the count or the first failed allocation.
    /// </summary>
    /// <param name="stats">Where 2 MiB allocations are counted.</param>
    /// <param name="count">The requested pool size.</param>
    /// <returns>The coroutine; <see cref="TaskContext.Ret"/> is the pool size afterwards.</returns>
    /// <remarks>mm/hugetlb.c: set_max_huge_pages → alloc_pool_huge_folio → alloc_buddy_hugetlb_folio
    /// or alloc_gigantic_folio → folio_alloc_gigantic → alloc_contig_pages (no htlb_buddy_alloc_*
    /// event for gigantic pages: those count buddy allocations); remove_pool_hugetlb_folio when shrinking.</remarks>
    public IEnumerable<Wait> SetMaxHugePages(IAllocAccount stats, long count)
    {
        ArgumentNullException.ThrowIfNull(stats);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        TaskContext current = pa.Current;
        long nrPages = 1L << order;
        while (folios.Count > count)
        {
            int pfn = folios[^1];
            folios.RemoveAt(folios.Count - 1);
            if (contig is null)
            {
                alloc.FreePages(pfn, order);
            }
            else
            {
                contig.FreeContigRange(pfn, nrPages);
            }

            alloc.Node.ModNodePageState(NodeStatItem.NrHugetlb, -nrPages);
        }

        while (folios.Count < count)
        {
            int pfn;
            if (contig is null)
            {
                yield return Wait.Call(pa.AllocPagesWait(HugetlbGfp, order, OwnerKind.Hugetlb));
                pfn = current.AllocResult;
                stats.CountAlloc(order, pfn < 0);
                alloc.Node.CountVmEvent(pfn < 0 ? VmEventItem.HtlbBuddyAllocFail : VmEventItem.HtlbBuddyAllocSuccess);
            }
            else
            {
                yield return Wait.Call(contig.AllocContigPages(nrPages, GiganticGfp, OwnerKind.Hugetlb));
                pfn = current.AllocResult;
            }

            if (pfn < 0)
            {
                break;
            }

            alloc.Node.ModNodePageState(NodeStatItem.NrHugetlb, nrPages);
            folios.Add(pfn);
        }

        current.Ret = folios.Count;
    }
}
