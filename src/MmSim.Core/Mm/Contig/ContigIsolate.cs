// The two compaction scanners alloc_contig_range borrows (mm/compaction.c): isolate_migratepages_range
// over an arbitrary range with ISOLATE_UNEVICTABLE and no async restriction, and the strict
// isolate_freepages_range that takes every free page of the emptied range. They are written here
// against the migration and buddy primitives, so contiguous allocation does not depend on how
// compaction's own scanners keep their cursors and skip hints.
using MmSim.Mm.Migrate;
using MmSim.Mm.PageAlloc;

namespace MmSim.Mm.Contig;

public sealed partial class ContigAlloc
{
    private readonly List<(int Pfn, int Order)> taken = [];

    /// <summary>
    /// isolate_migratepages_range for alloc_contig_range: isolates LRU and movable-ops folios from
    /// <c>[pfn, end)</c> onto <paramref name="list"/> until <see cref="CompactClusterMax"/> are taken.
    /// </summary>
    /// <param name="pfn">Where the previous batch stopped.</param>
    /// <param name="end">One past the last PFN.</param>
    /// <param name="list">The (empty) batch.</param>
    /// <returns>cc-&gt;migrate_pfn: where the next batch starts.</returns>
    /// <remarks>mm/compaction.c: isolate_migratepages_range → isolate_migratepages_block with
    /// cc-&gt;alloc_contig (no skip hints, ISOLATE_UNEVICTABLE, MIGRATE_SYNC so no ISOLATE_ASYNC_MIGRATE).
    /// Hugetlb folios are not isolated (mmsim does not migrate them).</remarks>
    internal int IsolateMigratepagesRange(int pfn, int end, MigrateList list)
    {
        while (pfn < end && list.Count < CompactClusterMax)
        {
            ref PageFrame page = ref pages[pfn];
            if (page.Has(PageFlags.Buddy))
            {
                pfn += 1 << page.Order;
                continue;
            }

            if (!page.Has(PageFlags.Allocated))
            {
                pfn++;
                continue;
            }

            int nr = 1 << page.Order;
            if (page.Has(PageFlags.MovableOps))
            {
                if (migrate.IsolateMovableOpsPage(pfn, IsolateMode.Unevictable))
                {
                    list.Add(pfn);
                }
            }
            else if (page.Has(PageFlags.Lru) && !migrate.AnonFolioPinned(pfn) && migrate.MayIsolate(pfn, IsolateMode.Unevictable) && migrate.FolioIsolateLru(pfn))
            {
                list.Add(pfn);
            }

            pfn += nr;
        }

        return pfn;
    }

    /// <summary>
    /// isolate_freepages_range (strict): takes every free buddy block of <c>[start, end)</c> off its list;
    /// fails, giving back what it took, at the first page that is not free.
    /// </summary>
    /// <param name="start">First PFN (the head of a free block).</param>
    /// <param name="end">One past the last PFN.</param>
    /// <returns>One past the last page taken (≥ <paramref name="end"/> when a block straddles it), or 0 on failure.</returns>
    /// <remarks>mm/compaction.c: isolate_freepages_range, isolate_freepages_block(strict) with
    /// __isolate_free_page (no watermark check inside isolated blocks).</remarks>
    internal int IsolateFreepagesRange(int start, int end)
    {
        // Synchronous (the zone lock is held in the kernel), so one buffer serves every caller.
        taken.Clear();
        int pfn = start;
        while (pfn < end)
        {
            ref PageFrame page = ref pages[pfn];
            int order = page.Order;
            if (!page.Has(PageFlags.Buddy) || alloc.IsolateFreePage(pfn, order) == 0)
            {
                PutbackTaken();
                return 0;
            }

            taken.Add((pfn, order));
            pfn += 1 << order;
        }

        return pfn;
    }

    // release_free_list on failure: every block taken so far goes back to its (isolated) block's list.
    private void PutbackTaken()
    {
        foreach ((int pfn, int order) in taken)
        {
            alloc.PutbackIsolatedPage(pfn, order, alloc.Node.PageblockMigratetype(pfn));
        }

        taken.Clear();
    }
}
