// alloc_contig_pages: finding a range to give to alloc_contig_range when the caller does not care
// where it is (gigantic hugetlb pages), and free_contig_range for what either returned.
using MmSim.Mm.PageAlloc;
using MmSim.Sim;

namespace MmSim.Mm.Contig;

public sealed partial class ContigAlloc
{
    /// <summary>
    /// alloc_contig_pages: tries <paramref name="nrPages"/>-aligned ranges of each zone the mask
    /// allows, highest zone first, with <see cref="AllocContigRange"/>; <see cref="TaskContext.AllocResult"/>
    /// is the first PFN, or −1.
    /// </summary>
    /// <param name="current">The allocating task.</param>
    /// <param name="nrPages">Pages wanted (a power of two is also its alignment).</param>
    /// <param name="gfp">The mask: its zone limits the search; reclaim modifiers go to migration.</param>
    /// <param name="owner">Owner kind of the allocated chunks.</param>
    /// <returns>The coroutine.</returns>
    /// <remarks>mm/page_alloc.c: alloc_contig_pages_noprof with pfn_range_valid_contig as in the mm tree
    /// (page_is_unmovable; ranges with hugetlb folios only on a second pass, and only folios smaller than
    /// the request).</remarks>
    public IEnumerable<Wait> AllocContigPages(TaskContext current, long nrPages, GfpFlags gfp, OwnerKind owner)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentOutOfRangeException.ThrowIfLessThan(nrPages, 1);
        var result = new ContigResult();
        bool skipHugetlb = true;
        for (int pass = 0; pass < 2; pass++)
        {
            bool skippedHugetlb = false;
            for (int z = (int)Gfp.Zone(gfp); z >= 0; z--)
            {
                Zone zone = alloc.Node.Zones[z];
                long pfn = AlignUp(zone.ZoneStartPfn, nrPages);
                while (zone.SpansPfn(pfn + nrPages - 1))
                {
                    if (PfnRangeValidContig(zone, (int)pfn, nrPages, skipHugetlb, ref skippedHugetlb))
                    {
                        yield return Wait.Call(AllocContigRange(current, (int)pfn, (int)(pfn + nrPages), cma: false, gfp, owner, result));
                        if (result.Ret == 0)
                        {
                            current.AllocResult = (int)pfn;
                            yield break;
                        }
                    }

                    pfn += nrPages;
                }
            }

            // Retry treating hugetlb ranges as candidates only if the first pass skipped one.
            if (!skippedHugetlb)
            {
                break;
            }

            skipHugetlb = false;
        }

        current.AllocResult = -1;
    }

    // mm/page_alloc.c: pfn_range_valid_contig.
    private bool PfnRangeValidContig(Zone zone, int start, long nrPages, bool skipHugetlb, ref bool skippedHugetlb)
    {
        long end = start + nrPages;
        PgData node = alloc.Node;
        for (long pfn = start; pfn < end;)
        {
            int p = (int)pfn;
            if (!node.PfnValid(p) || !node.PageblockOnline(p) || node.PageZone(p) != zone)
            {
                return false;
            }

            if (isolation.PageIsUnmovable(zone, p, PageIsolation.PbIsolateMode.Other, out int step))
            {
                return false;
            }

            ref PageFrame page = ref pages[p];
            if (page.Has(PageFlags.Allocated) && page.OwnerKind == OwnerKind.Hugetlb)
            {
                if (skipHugetlb)
                {
                    skippedHugetlb = true;
                    return false;
                }

                // Move 2 MiB pages to free 1 GiB, never the reverse.
                if (nrPages <= 1L << page.Order)
                {
                    return false;
                }
            }

            pfn += step;
        }

        return true;
    }

    /// <summary>free_contig_range: frees every allocated block of <c>[pfn, pfn + nrPages)</c>.</summary>
    /// <param name="pfn">First PFN, the head of a block from <see cref="AllocContigRange"/>.</param>
    /// <param name="nrPages">Pages.</param>
    /// <exception cref="InvalidOperationException">A page of the range is not allocated.</exception>
    /// <remarks>mm/page_alloc.c: free_contig_range. The kernel frees order-0 pages one by one; mmsim frees
    /// the chunks <see cref="PageAllocator.PrepContigRange"/> made, which ends in the same free lists once merged.</remarks>
    public void FreeContigRange(int pfn, long nrPages)
    {
        long end = pfn + nrPages;
        while (pfn < end)
        {
            ref PageFrame page = ref pages[pfn];
            if (!page.Has(PageFlags.Allocated))
            {
                throw new InvalidOperationException($"free_contig_range: pfn 0x{pfn:x} is not allocated");
            }

            int order = page.Order;
            alloc.FreePages(pfn, order);
            pfn += 1 << order;
        }
    }

    // ALIGN(pfn, nr_pages) for a power of two; the next multiple otherwise.
    private static long AlignUp(long pfn, long nr) =>
        (nr & (nr - 1)) == 0 ? (pfn + nr - 1) & ~(nr - 1) : (pfn + nr - 1) / nr * nr;
}
