// What the buddy allocator does with a whole isolated range once its users have emptied it: hand
// it to alloc_contig_range's caller as allocated pages, or take it out of the zone for memory
// offlining (and give an onlined range back). Page isolation itself is Mm/PageIsolation.
using static MmSim.Mm.VmBug;

namespace MmSim.Mm.PageAlloc;

public sealed partial class PageAllocator
{
    /// <summary>
    /// The largest naturally aligned block at <paramref name="pfn"/> that fits in
    /// <paramref name="nrPages"/> (at most MAX_PAGE_ORDER): how mmsim chunks a contiguous range.
    /// </summary>
    /// <param name="pfn">First PFN of the rest of the range.</param>
    /// <param name="nrPages">Pages left, ≥ 1.</param>
    /// <returns>The order.</returns>
    /// <remarks>mm/page_alloc.c: free_prepared_contig_range's chunking (__ffs(pfn), ilog2(nr_pages), MAX_PAGE_ORDER).</remarks>
    public static int ContigChunkOrder(int pfn, long nrPages)
    {
        int order = pfn != 0 ? System.Numerics.BitOperations.TrailingZeroCount(pfn) : MmConstants.MaxPageOrder;
        order = Math.Min(order, System.Numerics.BitOperations.Log2((ulong)nrPages));
        return Math.Min(order, MmConstants.MaxPageOrder);
    }

    /// <summary>
    /// Gives <c>[start, end)</c>, taken off the free lists by isolate_freepages_range, to the caller of
    /// alloc_contig_range: each naturally aligned chunk becomes an allocated block.
    /// </summary>
    /// <param name="start">First PFN.</param>
    /// <param name="end">One past the last PFN.</param>
    /// <param name="owner">Owner kind recorded on each chunk's head.</param>
    /// <param name="ownerId">Owner id recorded on each chunk's head.</param>
    /// <remarks>mm/page_alloc.c: split_free_pages with post_alloc_hook. The kernel hands out order-0
    /// pages; mmsim keeps per-page state on heads only, so a chunk of up to MAX_PAGE_ORDER stands for
    /// its pages. No PGALLOC: that is counted by rmqueue, which alloc_contig_range bypasses.</remarks>
    public void PrepContigRange(int start, int end, OwnerKind owner, int ownerId)
    {
        for (int pfn = start; pfn < end;)
        {
            int order = ContigChunkOrder(pfn, end - pfn);
            CheckNewPages(pfn, order);
            ref PageFrame page = ref pages[pfn];
            page.Flags = 0;
            page.Order = order;
            page.AllocMt = (byte)MigrateType.Movable;
            page.OwnerKind = owner;
            page.Owner = ownerId;
            page.Set(PageFlags.Allocated);
            pfn += 1 << order;
        }
    }

    /// <summary>
    /// Returns pages that isolate_freepages_range took but the caller does not want (the head and
    /// tail of a buddy straddling the range) to the free lists of their (isolated) blocks.
    /// </summary>
    /// <param name="start">First PFN.</param>
    /// <param name="end">One past the last PFN.</param>
    /// <remarks>mm/page_alloc.c: free_contig_range on [outer_start, start) and [end, outer_end) in alloc_contig_range.</remarks>
    public void FreeTakenRange(int start, int end)
    {
        for (int pfn = start; pfn < end;)
        {
            int order = ContigChunkOrder(pfn, end - pfn);
            FreeOnePageCounted(Node.PageZone(pfn), pfn, order, FreeFlags.None);
            pfn += 1 << order;
        }
    }

    /// <summary>
    /// __offline_isolated_pages: marks the range's sections offline and takes every free block of the
    /// isolated range off the ISOLATE free lists; the caller lowers managed and present pages.
    /// </summary>
    /// <param name="start">First PFN (pageblock aligned).</param>
    /// <param name="end">One past the last PFN (pageblock aligned).</param>
    /// <returns>Managed pages taken (every page: mmsim has no PageOffline pages).</returns>
    /// <remarks>mm/page_alloc.c: __offline_isolated_pages. Every page must be free in an isolated block
    /// (test_pages_isolated passed).</remarks>
    public long OfflineIsolatedPages(int start, int end)
    {
        Zone zone = Node.PageZone(start);
        for (int pfn = start; pfn < end; pfn += MmConstants.PageblockNrPages)
        {
            Node.SetPageblockOnline(pfn, false);
        }

        for (int pfn = start; pfn < end;)
        {
            ref PageFrame page = ref pages[pfn];
            VmBugOnPage(!page.Has(PageFlags.Buddy), pages, pfn, "BUG_ON(!PageBuddy(page)) in __offline_isolated_pages");
            VmWarnOn(Node.PageblockMigratetype(pfn) != MigrateType.Isolate, "VM_WARN_ON(get_pageblock_migratetype(page) != MIGRATE_ISOLATE) in __offline_isolated_pages");
            int order = page.Order;
            DelFromFreeList(zone, pfn, order, MigrateType.Isolate);
            pfn += 1 << order;
        }

        return end - start;
    }

    /// <summary>adjust_managed_page_count and adjust_present_page_count for a range leaving or joining its zone.</summary>
    /// <param name="zone">The zone.</param>
    /// <param name="managedDelta">Change of managed pages.</param>
    /// <param name="presentDelta">Change of present pages.</param>
    public static void AdjustPageCounts(Zone zone, long managedDelta, long presentDelta)
    {
        ArgumentNullException.ThrowIfNull(zone);
        zone.ManagedPages += managedDelta;
        zone.PresentPages += presentDelta;
    }

    /// <summary>
    /// The buddy side of online_pages: the range's sections go online, its pageblocks start MOVABLE
    /// and isolated (memmap_init_range with MIGRATE_ISOLATE), and its pages are freed in MAX_PAGE_ORDER
    /// chunks to the tail of the ISOLATE lists; the caller then undoes the isolation.
    /// </summary>
    /// <param name="start">First PFN (memory-block aligned).</param>
    /// <param name="end">One past the last PFN.</param>
    /// <remarks>mm/memory_hotplug.c: online_pages, online_pages_range, generic_online_page → __free_pages_core.</remarks>
    public void OnlinePagesRange(int start, int end)
    {
        Zone zone = Node.PageZone(start);
        for (int pfn = start; pfn < end; pfn += MmConstants.PageblockNrPages)
        {
            Node.SetPageblockOnline(pfn, true);
            Node.SetPageblockMigratetype(pfn, Options.IsolateBit ? MigrateType.Movable : MigrateType.Isolate);
            if (Options.IsolateBit)
            {
                Node.TogglePageblockIsolate(pfn, true);
            }

            zone.NrIsolatePageblock++;
        }

        AdjustPageCounts(zone, end - start, end - start);
        for (int pfn = start; pfn < end;)
        {
            int order = ContigChunkOrder(pfn, end - pfn);
            FreeOnePageCounted(zone, pfn, order, FreeFlags.ToTail);
            pfn += 1 << order;
        }
    }
}
