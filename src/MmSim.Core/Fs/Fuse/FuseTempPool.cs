// The temp-pages-pool design (issue 9): a contiguous, pageblock-aligned range reserved when the FUSE
// mount is made, from which writeback takes its copies instead of the buddy allocator. Never built in
// any kernel: Zi Yan ("allocate a contiguous region as a TMP page pool") and Bernd Schubert ("should be
// in a continues range") suggested it in the 2024 thread. FuseTempPages owns the copies; this owns the pages.
using MmSim.Mm;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.PageIsolation;
using MmSim.Sim;

namespace MmSim.Fs.Fuse;

/// <summary>
/// A pool of <see cref="Size"/> contiguous pages reserved at mount: pageblock-aligned, wholly free when
/// taken, its pageblocks marked MIGRATE_UNMOVABLE (what it holds is unmovable), and never returned to the
/// buddy allocator. Copies are taken and given back without touching the free lists; a writer that finds
/// it empty sleeps on <see cref="Waitq"/> until a copy is freed.
/// </summary>
/// <remarks>
/// Why a boot-time style reservation rather than alloc_contig_pages at first use: mounts are made while
/// memory is still free, so a free aligned range always exists then and nothing has to be migrated, and
/// the pool's pageblocks are then the only unmovable blocks FUSE writeback can ever touch (the design's
/// point). The free-page stack is per pool page, not per simulated page (4 bytes × pool size).
/// </remarks>
internal sealed class FuseTempPool
{
    /// <summary>Wait site of a writeback task waiting for a free pool page.</summary>
    public const string SiteTempPoolWait = "fuse_temp_pool_wait";

    private readonly PageAllocator alloc;
    private readonly int[] freeStack;
    private int nrFree;

    private FuseTempPool(PageAllocator alloc, int start, int size, string name)
    {
        this.alloc = alloc;
        Start = start;
        Size = size;
        freeStack = new int[size];

        // The lowest PFN on top, so the pool hands out its pages in address order (deterministic, and dense).
        for (int i = 0; i < size; i++)
        {
            freeStack[i] = start + size - 1 - i;
        }

        nrFree = size;
        Waitq = new WaitQueue($"fuse temp pool {name}");
    }

    /// <summary>First PFN of the pool.</summary>
    public int Start { get; }

    /// <summary>Pages in the pool.</summary>
    public int Size { get; }

    /// <summary>Pages not holding a copy.</summary>
    public int NrFree => nrFree;

    /// <summary>Pages holding a copy.</summary>
    public int NrUsed => Size - nrFree;

    /// <summary>Writers waiting for a free page (woken one page at a time is not enough: all wake and re-check).</summary>
    public WaitQueue Waitq { get; }

    /// <summary>
    /// Reserves <paramref name="nrPages"/> pages (rounded up to whole pageblocks) from the highest wholly free,
    /// pageblock-aligned range of ZONE_NORMAL (else DMA32, DMA; never ZONE_MOVABLE), as alloc_contig_range would take a range with
    /// nothing to migrate: isolate, take the free buddy pages, unisolate; the blocks become MIGRATE_UNMOVABLE.
    /// </summary>
    /// <param name="alloc">The page allocator.</param>
    /// <param name="isolation">Page isolation.</param>
    /// <param name="nrPages">Pool size in pages.</param>
    /// <param name="name">The mount, for reports.</param>
    /// <returns>The pool.</returns>
    /// <exception cref="InvalidOperationException">No free range that large: the mount fails (-ENOMEM).</exception>
    public static FuseTempPool Reserve(PageAllocator alloc, PageIsolation isolation, long nrPages, string name)
    {
        ArgumentNullException.ThrowIfNull(alloc);
        ArgumentNullException.ThrowIfNull(isolation);
        ArgumentOutOfRangeException.ThrowIfLessThan(nrPages, 1);
        const int pb = MmConstants.PageblockNrPages;
        int blocks = (int)((nrPages + pb - 1) / pb);
        int span = blocks * pb;
        foreach (ZoneType zt in new[] { ZoneType.Normal, ZoneType.Dma32, ZoneType.Dma })
        {
            Zone zone = alloc.Node.Zones[(int)zt];
            long end = zone.ZoneEndPfn;
            for (long start = (end - span) & ~(long)(pb - 1); start >= zone.ZoneStartPfn; start -= pb)
            {
                if (RangeFree(alloc.Node, zone, (int)start, span) && TakeRange(alloc, isolation, (int)start, (int)start + span))
                {
                    return new FuseTempPool(alloc, (int)start, (int)nrPages, name);
                }
            }
        }

        throw new InvalidOperationException($"fuse mount {name}: no free contiguous range of {span} pages for the temp pool (-ENOMEM)");
    }

    /// <summary>Takes a free pool page.</summary>
    /// <returns>Its PFN, or −1 when the pool is exhausted.</returns>
    public int Take() => nrFree == 0 ? -1 : freeStack[--nrFree];

    /// <summary>Gives a page back and wakes the writers waiting for one.</summary>
    /// <param name="pfn">A page from <see cref="Take"/>.</param>
    public void Give(int pfn)
    {
        if (pfn < Start || pfn >= Start + Size || nrFree == Size)
        {
            throw new InvalidOperationException($"fuse temp pool: pfn 0x{pfn:x} is not a used pool page");
        }

        freeStack[nrFree++] = pfn;
        Waitq.WakeUpAll();
    }

    /// <summary>Whether <paramref name="pfn"/> is a pool page.</summary>
    /// <param name="pfn">A PFN.</param>
    /// <returns>True inside the pool.</returns>
    public bool Contains(int pfn) => pfn >= Start && pfn < Start + Size;

    /// <summary>The pool's invariant: its pages stay allocated to it, its pageblocks unmovable, free + used = size.</summary>
    /// <returns>The first violation, or null.</returns>
    public string? Verify()
    {
        if (nrFree < 0 || nrFree > Size)
        {
            return $"fuse temp pool: {nrFree} free of {Size}";
        }

        PageFrame[] pages = alloc.Node.Pages;
        for (int pfn = Start; pfn < Start + Size; pfn += 1 << pages[pfn].Order)
        {
            if (!pages[pfn].Has(PageFlags.Allocated) || pages[pfn].OwnerKind != OwnerKind.FuseTemp)
            {
                return $"fuse temp pool: pfn 0x{pfn:x} is no longer the pool's";
            }
        }

        for (int pfn = Start; pfn < Start + Size; pfn += MmConstants.PageblockNrPages)
        {
            if (alloc.Node.PageblockMigratetype(pfn) != MigrateType.Unmovable)
            {
                return $"fuse temp pool: pageblock of pfn 0x{pfn:x} is {alloc.Node.PageblockMigratetype(pfn)}, not Unmovable";
            }
        }

        return null;
    }

    // Every page of [start, start + span) free in the buddy allocator (a cheap filter before isolating).
    private static bool RangeFree(PgData node, Zone zone, int start, int span)
    {
        for (int pfn = start; pfn < start + span; pfn++)
        {
            if (!node.PfnValid(pfn) || node.PageZone(pfn) != zone || node.Pages[pfn].Has(PageFlags.Allocated))
            {
                return false;
            }
        }

        return true;
    }

    // alloc_contig_range without the migration step: isolate, test, take the buddy pages as FuseTemp chunks,
    // unisolate, and mark the blocks unmovable (set_pageblock_migratetype).
    private static bool TakeRange(PageAllocator alloc, PageIsolation isolation, int start, int end)
    {
        if (isolation.StartIsolatePageRange(start, end, PbIsolateMode.Other, MigrateType.Movable) != 0)
        {
            return false;
        }

        alloc.DrainPagesZone(alloc.Node.PageZone(start));
        bool ok = isolation.TestPagesIsolated(start, end, PbIsolateMode.Other) == 0;
        if (ok)
        {
            int outerStart = alloc.FindLargeBuddy(start);
            int outerEnd = IsolateFreepagesRange(alloc, outerStart, end);
            ok = outerEnd != 0;
            if (ok)
            {
                alloc.PrepContigRange(start, end, OwnerKind.FuseTemp, 0);
                if (start != outerStart)
                {
                    alloc.FreeTakenRange(outerStart, start);
                }

                if (end != outerEnd)
                {
                    alloc.FreeTakenRange(end, outerEnd);
                }
            }
        }

        isolation.UndoIsolatePageRange(start, end, MigrateType.Unmovable);
        if (ok)
        {
            for (int pfn = start; pfn < end; pfn += MmConstants.PageblockNrPages)
            {
                alloc.Node.SetPageblockMigratetype(pfn, MigrateType.Unmovable);
            }
        }

        return ok;
    }

    // mm/compaction.c: isolate_freepages_range (strict), as alloc_contig_range uses it: every block of the
    // isolated range comes off its free list; at the first page that is not free, what was taken goes back.
    private static int IsolateFreepagesRange(PageAllocator alloc, int start, int end)
    {
        PageFrame[] pages = alloc.Node.Pages;
        int pfn = start;
        while (pfn < end)
        {
            int order = pages[pfn].Order;
            if (!pages[pfn].Has(PageFlags.Buddy) || alloc.IsolateFreePage(pfn, order) == 0)
            {
                for (int p = start; p < pfn; p += 1 << pages[p].Order)
                {
                    alloc.PutbackIsolatedPage(p, pages[p].Order, alloc.Node.PageblockMigratetype(p));
                }

                return 0;
            }

            pfn += 1 << order;
        }

        return pfn;
    }
}
