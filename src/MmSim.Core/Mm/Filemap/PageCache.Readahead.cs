// The read side of the page cache: filemap_read and filemap_get_pages (mm/filemap.c) over the readahead
// of mm/readahead.c (page_cache_sync_ra, page_cache_async_ra, page_cache_ra_order, page_cache_ra_unbounded),
// with large folios on mappings that allow them. Reads complete at once (no read I/O latency): every folio
// readahead adds is uptodate when the call returns.
using MmSim.Mm.Folio;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;
using MmSim.Sim;

namespace MmSim.Mm.Filemap;

internal sealed partial class PageCache
{
    /// <summary>MAX_PAGECACHE_ORDER on x86-64: min(MAX_XAS_ORDER, PREFERRED_MAX_PAGECACHE_ORDER = HPAGE_PMD_ORDER).</summary>
    public const int MaxPagecacheOrder = MmConstants.PageblockOrder;

    // PAGEVEC_SIZE: filemap_get_read_batch gathers at most this many folios.
    private const int FolioBatchSize = 31;

    // force_page_cache_ra reads in 2 MiB chunks.
    private const long ForceChunkPages = 2 * 1024 * 1024 / MmConstants.PageSize;

    // readahead_gfp_mask (mapping_gfp_mask | __GFP_NORETRY | __GFP_NOWARN) inside memalloc_nofs_save, which
    // page_cache_ra_unbounded and page_cache_ra_order hold: current_gfp_context clears __GFP_FS.
    private const GfpFlags RaGfp = ReadaheadGfp & ~GfpFlags.Fs;

    // mapping_gfp_mask of a regular file (GFP_HIGHUSER_MOVABLE): filemap_create_folio's allocation.
    private const GfpFlags MappingGfp = GfpFlags.HighUserMovable;

    /// <summary>
    /// read() of <paramref name="nrPages"/> pages from <paramref name="index"/> when every page is cached and
    /// no folio of the range carries the readahead mark: marks the folios accessed as filemap_read does and
    /// allocates nothing. False changes nothing but loading the inode; <see cref="Read(CachedFile, long, long, IAllocAccount)"/> must run.
    /// </summary>
    /// <param name="file">The file.</param>
    /// <param name="index">First page.</param>
    /// <param name="nrPages">Pages to read (cut at the end of the file).</param>
    /// <returns>True when the read is done.</returns>
    public bool TryRead(CachedFile file, long index, long nrPages)
    {
        if (!file.Opened && !TryLoadInode(file))
        {
            return false;
        }

        long end = Math.Min(index + nrPages, file.NrPages);
        for (long pos = index; pos < end;)
        {
            int pfn = file.Pfn[pos];
            if (pfn < 0)
            {
                return false;
            }

            int head = FolioHead(pfn);
            long first = pos - (pfn - head);
            if (FolioTestReadahead(file, first, head))
            {
                return false;
            }

            pos = first + (1L << alloc.Node.Pages[head].Order);
        }

        MarkReadAccessed(file, index, end);
        file.Ra.PrevIndex = end;
        return true;
    }

    /// <summary>
    /// read() of <paramref name="nrPages"/> pages from <paramref name="index"/> (filemap_read): each batch of
    /// cached folios is found by filemap_get_pages, a miss starts synchronous readahead and, failing that,
    /// allocates the one folio (filemap_create_folio); reaching the marked folio starts asynchronous
    /// readahead. <see cref="TaskContext.Ret"/> is 1, or 0 when a page could not be had (-ENOMEM; the pages
    /// before it were read).
    /// </summary>
    /// <param name="file">The file.</param>
    /// <param name="index">First page.</param>
    /// <param name="nrPages">Pages to read (cut at the end of the file).</param>
    /// <param name="stats">Where the reader's allocations are counted.</param>
    /// <returns>The coroutine the reading task awaits.</returns>
    public IEnumerable<Wait> Read(CachedFile file, long index, long nrPages, IAllocAccount stats)
    {
        TaskContext current = pa.Current;
        if (!file.Opened)
        {
            yield return Wait.Call(LoadInode(file));
        }

        FileRaState ra = file.Ra;
        long end = Math.Min(index + nrPages, file.NrPages);
        long pos = index;
        long lastPos = ra.PrevIndex;
        bool enomem = false;
        while (pos < end)
        {
            // filemap_get_pages: last_index is the page past the read.
            if (!GetReadBatch(file, pos, end - 1, out long batchEnd, out long lastFirst, out int lastHead))
            {
                yield return Wait.Call(PageCacheSyncRa(file, pos, end - pos, stats));
                if (!GetReadBatch(file, pos, end - 1, out batchEnd, out lastFirst, out lastHead))
                {
                    yield return Wait.Call(AddToPageCache(file, pos, MappingGfp, stats, fastPathFailed: false, pgpgin: true));
                    if (current.Ret == 0)
                    {
                        enomem = true;
                        break;
                    }

                    continue;
                }
            }

            if (FolioTestReadahead(file, lastFirst, lastHead))
            {
                // filemap_readahead: page_cache_async_ra(ractl at folio->index, folio, last_index - folio->index).
                yield return Wait.Call(PageCacheAsyncRa(file, lastFirst, lastHead, end - lastFirst, stats));
            }

            long copied = Math.Min(batchEnd, end);
            MarkBatchAccessed(file, pos, copied, lastPos);
            pos = copied;
            lastPos = pos;
        }

        ra.PrevIndex = lastPos;
        current.Ret = enomem ? 0 : 1;
    }

    // filemap_get_read_batch: the folios cached from index on, up to max, stopping at a hole, after
    // FolioBatchSize folios, or after a folio with the readahead mark. False when index itself is a hole.
    private bool GetReadBatch(CachedFile file, long index, long max, out long batchEnd, out long lastFirst, out int lastHead)
    {
        batchEnd = index;
        lastFirst = -1;
        lastHead = -1;
        int[] slots = file.Pfn;
        for (int folios = 0; batchEnd <= max && folios < FolioBatchSize; folios++)
        {
            int pfn = slots[batchEnd];
            if (pfn < 0)
            {
                break;
            }

            lastHead = FolioHead(pfn);
            lastFirst = batchEnd - (pfn - lastHead);
            batchEnd = lastFirst + (1L << alloc.Node.Pages[lastHead].Order);
            if (FolioTestReadahead(file, lastFirst, lastHead))
            {
                break;
            }
        }

        return lastHead >= 0;
    }

    // filemap_read's accessed marking for the folios of [from, to): the first only when the previous read did
    // not end in it (pos_same_folio of ki_pos and last_pos - 1), every later one always.
    private void MarkBatchAccessed(CachedFile file, long from, long to, long lastPos)
    {
        int[] slots = file.Pfn;
        bool firstFolio = true;
        for (long pos = from; pos < to;)
        {
            int pfn = slots[pos];
            int head = FolioHead(pfn);
            long first = pos - (pfn - head);
            long next = first + (1L << alloc.Node.Pages[head].Order);
            if (!firstFolio || lastPos <= 0 || lastPos - 1 < first || lastPos - 1 >= next)
            {
                lru.FolioMarkAccessed(head);
            }

            firstFolio = false;
            pos = next;
        }
    }

    // TryRead's marking: the range may span several batches, each of whose first folio follows the rule.
    private void MarkReadAccessed(CachedFile file, long from, long to) => MarkBatchAccessed(file, from, to, file.Ra.PrevIndex);

    // folio_test_readahead: the mark is on this folio and its slot still holds it.
    private static bool FolioTestReadahead(CachedFile file, long first, int head) =>
        file.Ra.MarkPfn == head && file.Ra.MarkIndex == first && file.Pfn[first] == head;

    // The head page of the allocated folio that holds pfn (page_folio): the buddy allocator aligns a folio of
    // order k to 2^k pages, so the head is pfn rounded down to the first order whose head covers it.
    private int FolioHead(int pfn)
    {
        PageFrame[] pages = alloc.Node.Pages;
        for (int k = 0; k <= MmConstants.MaxPageOrder; k++)
        {
            int head = pfn & ~((1 << k) - 1);
            if (pages[head].Has(PageFlags.Allocated) && head + (1 << pages[head].Order) > pfn)
            {
                return head;
            }
        }

        throw new InvalidOperationException($"pfn 0x{pfn:x} is in no allocated folio");
    }

    // mm/readahead.c: get_init_ra_size — the first window: x4 for small reads, x2 for medium, max for large.
    internal static long GetInitRaSize(long size, long max)
    {
        long newsize = (long)System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)size);
        if (newsize <= max / 32)
        {
            return newsize * 4;
        }

        return newsize <= max / 4 ? newsize * 2 : max;
    }

    // mm/readahead.c: get_next_ra_size — ramp up x4 while small, x2 up to half the max, then max.
    internal static long GetNextRaSize(long cur, long max)
    {
        if (cur < max / 16)
        {
            return 4 * cur;
        }

        return cur <= max / 2 ? 2 * cur : max;
    }

    // mm/readahead.c: ractl_max_pages — a request larger than the window may go up to the bdi's io_pages.
    private static long RactlMaxPages(FileRaState ra, long reqSize)
    {
        long maxPages = ra.RaPages;
        if (reqSize > maxPages && ra.IoPages > maxPages)
        {
            maxPages = Math.Min(reqSize, ra.IoPages);
        }

        return maxPages;
    }

    // mm/filemap.c: page_cache_prev_miss — the first hole at or below index within maxScan slots; index -
    // maxScan when there is none; -1 (ULONG_MAX) when the scan wrapped below page 0.
    private static long PageCachePrevMiss(CachedFile file, long index, long maxScan)
    {
        for (long i = 0; i < maxScan; i++)
        {
            long j = index - i;
            if (j < 0)
            {
                return -1;
            }

            if (file.Pfn[j] < 0)
            {
                return j;
            }
        }

        return index - maxScan;
    }

    // mm/filemap.c: page_cache_next_miss — the first hole at or above index within maxScan slots (past the
    // end of the file is a hole), else index + maxScan.
    private static long PageCacheNextMiss(CachedFile file, long index, long maxScan)
    {
        for (long i = 0; i < maxScan; i++)
        {
            long j = index + i;
            if (j >= file.NrPages || file.Pfn[j] < 0)
            {
                return j;
            }
        }

        return index + maxScan;
    }

    /// <summary>mm/readahead.c: page_cache_sync_ra — readahead for a miss at <paramref name="index"/>.</summary>
    /// <param name="file">The file.</param>
    /// <param name="index">The missing page.</param>
    /// <param name="reqCount">Pages the read still wants.</param>
    /// <param name="stats">Where allocations are counted.</param>
    /// <returns>The coroutine (allocations may sleep).</returns>
    internal IEnumerable<Wait> PageCacheSyncRa(CachedFile file, long index, long reqCount, IAllocAccount stats)
    {
        FileRaState ra = file.Ra;

        // No readahead: read the one page "as readahead" (force_page_cache_ra of 1 page).
        if (ra.RaPages == 0)
        {
            yield return Wait.Call(ForcePageCacheRa(file, index, 1, stats));
            yield break;
        }

        long maxPages = RactlMaxPages(ra, reqCount);
        long prevIndex = ra.PrevIndex;

        // A start of file, an oversized read, or a sequential miss ((index - prev_index) is 0 or 1, unsigned).
        if (index == 0 || reqCount > maxPages || (prevIndex >= 0 && (ulong)(index - prevIndex) <= 1UL))
        {
            ra.Start = index;
            ra.Size = GetInitRaSize(reqCount, maxPages);
            ra.AsyncSize = ra.Size > reqCount ? ra.Size - reqCount : ra.Size >> 1;
        }
        else
        {
            // The traces a sequential stream leaves behind: cached pages just below the miss.
            long miss = PageCachePrevMiss(file, index - 1, maxPages);
            long contig = miss < 0 ? index : index - miss - 1;

            // A standalone small random read: read as is, without touching the readahead state.
            if (contig <= reqCount)
            {
                yield return Wait.Call(DoPageCacheRa(file, index, reqCount, 0, stats));
                yield break;
            }

            // Cached from the start of the file: a long-run stream.
            if (miss < 0)
            {
                contig *= 2;
            }

            ra.Start = index;
            ra.Size = Math.Min(contig + reqCount, maxPages);
            ra.AsyncSize = 1;
        }

        ra.Order = 0;
        yield return Wait.Call(PageCacheRaOrder(file, stats));
    }

    /// <summary>mm/readahead.c: page_cache_async_ra — the reader reached the marked folio: push the window on.</summary>
    /// <param name="file">The file.</param>
    /// <param name="index">First index of the marked folio.</param>
    /// <param name="head">Its head PFN.</param>
    /// <param name="reqCount">Pages from the folio to the end of the read.</param>
    /// <param name="stats">Where allocations are counted.</param>
    /// <returns>The coroutine (allocations may sleep).</returns>
    internal IEnumerable<Wait> PageCacheAsyncRa(CachedFile file, long index, int head, long reqCount, IAllocAccount stats)
    {
        FileRaState ra = file.Ra;
        if (ra.RaPages == 0)
        {
            yield break;
        }

        // PG_readahead shares its bit with PG_reclaim: a folio under writeback is not a marker.
        if (alloc.Node.Pages[head].Has(PageFlags.Writeback))
        {
            yield break;
        }

        ra.ClearMark();
        long maxPages = RactlMaxPages(ra, reqCount);
        long nrPages = 1L << alloc.Node.Pages[head].Order;
        long expected = (ra.Start + ra.Size - ra.AsyncSize) & ~(nrPages - 1);
        if (index == expected)
        {
            // The expected callback: sequential, ramp the window up and push it forward.
            ra.Start += ra.Size;
            ra.Size = Math.Max(ra.Size, GetNextRaSize(ra.Size, maxPages));
        }
        else
        {
            // A marked folio without valid state (interleaved reads): the cached run ahead is the old async size.
            long start = PageCacheNextMiss(file, index + 1, maxPages);
            if (start == 0 || start - index > maxPages)
            {
                yield break;
            }

            ra.Start = start;
            ra.Size = start - index + reqCount;
            ra.Size = GetNextRaSize(ra.Size, maxPages);
        }

        ra.Order += 2;
        long align = 1L << Math.Min(ra.Order, System.Numerics.BitOperations.TrailingZeroCount(maxPages));
        long end = ra.Start + ra.Size;
        long alignedEnd = end & ~(align - 1);
        if (alignedEnd > ra.Start)
        {
            ra.Size -= end - alignedEnd;
        }

        ra.AsyncSize = ra.Size;
        yield return Wait.Call(PageCacheRaOrder(file, stats));
    }

    // mm/readahead.c: page_cache_ra_order — the window [ra.Start, +ra.Size) in folios of up to ra.Order
    // (aligned, not past EOF) on a large-folio mapping; order 0 through do_page_cache_ra otherwise, and for
    // the rest of the window once an allocation or insertion fails.
    private IEnumerable<Wait> PageCacheRaOrder(CachedFile file, IAllocAccount stats)
    {
        TaskContext current = pa.Current;
        FileRaState ra = file.Ra;
        long start = ra.Start;
        long index = start;
        long limit = file.NrPages - 1;
        long mark = index + ra.Size - ra.AsyncSize;
        bool failed = false;
        if (!file.Has(AsFlags.LargeFolios))
        {
            ra.Order = 0;
            failed = true;
        }
        else
        {
            limit = Math.Min(limit, index + ra.Size - 1);
            int newOrder = Math.Min(MaxPagecacheOrder, ra.Order);
            newOrder = Math.Min(newOrder, System.Numerics.BitOperations.Log2((ulong)ra.Size));
            ra.Order = newOrder;
            while (index <= limit)
            {
                int order = newOrder;

                // Align with smaller folios if needed, and allocate none past EOF.
                if ((index & ((1L << order) - 1)) != 0)
                {
                    order = System.Numerics.BitOperations.TrailingZeroCount(index);
                }

                while (order > 0 && index + (1L << order) - 1 > limit)
                {
                    order--;
                }

                // ra_alloc_folio: the folio at the rounded-down mark gets PG_readahead before it is added.
                int pfn = pa.TryAllocPagesFast(FolioGfp(RaGfp, order), order, OwnerKind.File, file.Id);
                if (pfn < 0)
                {
                    yield return Wait.Call(pa.AllocPagesSlowpath(FolioGfp(RaGfp, order), order, OwnerKind.File, file.Id));
                    pfn = current.AllocResult;
                }

                // memcg: filemap_add_folio charges the folio (readahead's gfp) before it enters the mapping.
                if (pfn >= 0 && Memcg is { } memcg)
                {
                    yield return Wait.Call(ChargeNewFolio(memcg, pfn, current, RaGfp));
                    pfn = current.AllocResult;
                }

                stats.CountAlloc(order, pfn < 0);
                if (pfn < 0 || !FilemapAddFolio(file, index, pfn, stats))
                {
                    failed = true;
                    break;
                }

                if (index == (mark & ~((1L << order) - 1)))
                {
                    ra.SetMark(index, pfn);
                }

                CountReadIo(order);
                index += 1L << order;
            }
        }

        // Gaps left by pages already cached (or a failed allocation) are the order-0 code's.
        if (failed && ra.Size > index - start)
        {
            yield return Wait.Call(DoPageCacheRa(file, index, ra.Size - (index - start), ra.AsyncSize, stats));
        }
    }

    // mm/readahead.c: force_page_cache_ra — the request (up to max(io_pages, ra_pages)) in 2 MiB chunks,
    // without readahead state.
    private IEnumerable<Wait> ForcePageCacheRa(CachedFile file, long index, long nrToRead, IAllocAccount stats)
    {
        FileRaState ra = file.Ra;
        nrToRead = Math.Min(nrToRead, Math.Max(ra.IoPages, ra.RaPages));
        while (nrToRead > 0)
        {
            long chunk = Math.Min(ForceChunkPages, nrToRead);
            yield return Wait.Call(DoPageCacheRa(file, index, chunk, 0, stats));
            index += chunk;
            nrToRead -= chunk;
        }
    }

    // mm/readahead.c: do_page_cache_ra, page_cache_ra_unbounded — order-0 folios for the pages of
    // [index, +nrToRead) not cached (cut at EOF), the one at nrToRead - lookahead marked; stops at the first
    // allocation that fails.
    private IEnumerable<Wait> DoPageCacheRa(CachedFile file, long index, long nrToRead, long lookahead, IAllocAccount stats)
    {
        TaskContext current = pa.Current;
        long endIndex = file.NrPages - 1;
        if (index > endIndex)
        {
            yield break;
        }

        if (nrToRead > endIndex - index)
        {
            nrToRead = endIndex - index + 1;
        }

        long mark = lookahead <= nrToRead ? nrToRead - lookahead : long.MaxValue;
        for (long i = 0; i < nrToRead; i++)
        {
            // A page already present: the batch so far is submitted and the loop goes on past it.
            if (file.Pfn[index + i] >= 0)
            {
                continue;
            }

            int pfn = pa.TryAllocPagesFast(RaGfp, 0, OwnerKind.File, file.Id);
            if (pfn < 0)
            {
                yield return Wait.Call(pa.AllocPagesSlowpath(RaGfp, 0, OwnerKind.File, file.Id));
                pfn = current.AllocResult;
            }

            // memcg: filemap_add_folio charges the folio (readahead's gfp) before it enters the mapping.
            if (pfn >= 0 && Memcg is { } memcg)
            {
                yield return Wait.Call(ChargeNewFolio(memcg, pfn, current, RaGfp));
                pfn = current.AllocResult;
            }

            stats.CountAlloc(0, pfn < 0);
            if (pfn < 0)
            {
                break;
            }

            // -EEXIST (another task added the page while this one slept): skip it.
            if (!FilemapAddFolio(file, index + i, pfn, stats))
            {
                continue;
            }

            if (i == mark)
            {
                file.Ra.SetMark(index + i, pfn);
            }

            CountReadIo(0);
        }
    }

    // folio_alloc adds __GFP_COMP to a large folio's allocation.
    private static GfpFlags FolioGfp(GfpFlags gfp, int order) => order > 0 ? gfp | GfpFlags.Comp : gfp;

    // read_pages → submit_bio: pgpgin counts the sectors read.
    private void CountReadIo(int order) => alloc.Node.CountVmEvents(VmEventItem.Pgpgin, (long)SectorsPerPage << order);

    // filemap_add_folio of a newly allocated folio at index: false (and the folio freed, folio_put) when a
    // slot of its range already holds a page (-EEXIST).
    private bool FilemapAddFolio(CachedFile file, long index, int pfn, IAllocAccount stats)
    {
        int nr = 1 << alloc.Node.Pages[pfn].Order;
        int[] slots = file.Pfn;
        for (int i = 0; i < nr; i++)
        {
            if (slots[index + i] >= 0)
            {
                alloc.FreePages(pfn, alloc.Node.Pages[pfn].Order);
                stats.CountFree();
                return false;
            }
        }

        // (The memcg charge of filemap_add_folio ran in the caller, which may sleep.)
        InsertFolio(file, index, pfn);
        return true;
    }
}
