// FUSE writeback through temp pages, as Linux did until 6.15 (fs/fuse/file.c before 0c58a97f919c "fuse:
// remove tmp folio for writebacks and internal rb tree", merged for 6.16), and the temp-pages-pool
// design that takes the copies from a reserved pool (FuseTempPool). The writepages loop (FuseFsOps)
// calls Copy/Sent/Finished where 6.15 filled, sent and finished a request; the write, page_mkwrite,
// read and fsync paths call WaitOnPageWriteback/SyncWrites where 6.15 waited on fi->page_waitq.
using MmSim.Mm;
using MmSim.Mm.Filemap;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Writeback;
using MmSim.Sim;

namespace MmSim.Fs.Fuse;

/// <summary>
/// The temp pages of one FUSE connection: each dirty page is copied into an unmovable order-0 page
/// (GFP_NOFS | __GFP_HIGHMEM, not memcg-charged) or a pool page; the page-cache folio's writeback ends as
/// soon as its request is queued, and the copy stays until the server answers. In-flight copies are
/// found by (file, index) — the rb-tree fi->writepages — so writers wait by index on the file's
/// fi->page_waitq, not on the folio, which is therefore migratable meanwhile (the seed's question A).
/// </summary>
/// <remarks>
/// fs/fuse/file.c (6.15): fuse_writepages_fill + fuse_writepage_args_page_fill (folio_alloc, folio_copy,
/// WB_WRITEBACK, NR_WRITEBACK_TEMP, tree insertion), fuse_writepages_send (folio_end_writeback of the
/// originals after queueing), fuse_writepage_finish / fuse_writepage_finish_stat, fuse_wait_on_page_writeback,
/// fuse_sync_writes. State is per request and per in-flight (file, index); nothing is kept per simulated page.
/// </remarks>
internal sealed class FuseTempPages : IFuseWritebackCopies
{
    /// <summary>
    /// CPU time of folio_copy of one 4 KiB page, ns. Derived from the thread's one figure (Jingbo Xu, June 2024):
    /// the single writeback kworker ran at ~100 % CPU while writing ~1800 MiB/s, 40 % of it in copy_page().
    /// 1800 MiB/s = 460 800 pages/s, so copy_page took 0.4 s / 460 800 ≈ 868 ns per page.
    /// </summary>
    public const long CopyPageNs = 868;

    /// <summary>Wait site of fuse_wait_on_page_writeback (write_begin, page_mkwrite, read, launder).</summary>
    public const string SiteWaitOnPageWriteback = "fuse_wait_on_page_writeback";

    /// <summary>Wait site of fuse_sync_writes (fsync, direct I/O over written-back ranges).</summary>
    public const string SiteSyncWrites = "fuse_sync_writes";

    // folio_alloc(GFP_NOFS | __GFP_HIGHMEM, 0): no __GFP_MOVABLE, so MIGRATE_UNMOVABLE; no __GFP_ACCOUNT, so not charged.
    private const GfpFlags TempGfp = GfpFlags.NoFs | GfpFlags.HighMem;

    private readonly FuseCopyDeps deps;
    private readonly FuseTempPool? pool;

    // Requests with copies, oldest first (deterministic iteration for Verify and the pool's releaser).
    private readonly List<TempReq> reqs = [];

    // fi->writepages: in-flight copies by (file id, index); sparse, looked up, never iterated for results.
    private readonly Dictionary<(int File, long Index), TempIndex> byIndex = [];

    // Per file: fi->page_waitq and the copies in flight (sparse, only files with writeback so far).
    private readonly Dictionary<int, TempFile> files = [];

    /// <summary>Creates the temp pages of a connection.</summary>
    /// <param name="deps">Allocator, page cache, engine, the mount's design.</param>
    /// <param name="pool">The pool for <see cref="FuseWritebackMode.TempPool"/>, null for buddy temp pages.</param>
    public FuseTempPages(FuseCopyDeps deps, FuseTempPool? pool)
    {
        ArgumentNullException.ThrowIfNull(deps);
        this.deps = deps;
        this.pool = pool;
    }

    /// <summary>The pool (temp-pages-pool design), or null.</summary>
    public FuseTempPool? Pool => pool;

    /// <inheritdoc/>
    public long NrTempPages { get; private set; }

    /// <summary>The most temp pages in flight at once since mount (outcomes, issue 9: summary.json's temp_pages_peak).</summary>
    public long NrTempPagesPeak { get; private set; }

    /// <summary>Copies made since mount.</summary>
    public long Copies { get; private set; }

    /// <summary>Copies that could not be made (no temp page): the folio was redirtied by the caller.</summary>
    public long CopyFailures { get; private set; }

    /// <summary>Times a writeback task slept for a free pool page.</summary>
    public long PoolWaits { get; private set; }

    /// <summary>Times a task slept in fuse_wait_on_page_writeback or fuse_sync_writes.</summary>
    public long PageWaitqWaits { get; private set; }

    /// <summary>CPU time charged to copying, ns.</summary>
    public long CopyNs { get; private set; }

    /// <summary>
    /// The seed's open question A: page-cache folios that were migrated (they moved to another PFN) while a copy of
    /// them was in flight — neither under writeback nor pinned, so nothing stopped MIGRATE_SYNC. Counted for copies
    /// that ended and for those still in flight.
    /// </summary>
    public long FoliosMigratedWithCopyInFlight => migratedEnded + MovedInFlight();

    /// <inheritdoc/>
    public FuseTempPagesStats Stats => new(Copies, CopyFailures, CopyNs, NrTempPages, PageWaitqWaits, FoliosMigratedWithCopyInFlight,
        pool?.Size ?? 0, pool?.NrUsed ?? 0, PoolWaits);

    private long migratedEnded;

    /// <inheritdoc/>
    public IEnumerable<Wait> Copy(FuseReq req, CachedFile file, int pfn)
    {
        ArgumentNullException.ThrowIfNull(req);
        ArgumentNullException.ThrowIfNull(file);
        TaskContext current = deps.Current();
        int nr = 1 << deps.Alloc.Node.Pages[pfn].Order;
        TempReq tr = ReqOf(req);
        int first = tr.Copies.Count;
        for (int i = 0; i < nr; i++)
        {
            int tmp = -1;
            if (pool is null)
            {
                // fuse_writepages_fill: folio_alloc(GFP_NOFS | __GFP_HIGHMEM, 0), which may reclaim and compact (no __GFP_FS).
                yield return Wait.Call(deps.AllocWait.AllocPagesWait(TempGfp, 0, OwnerKind.FuseTemp));
                tmp = current.AllocResult;
            }
            else
            {
                while ((tmp = pool.Take()) < 0 && OldestOtherHolder(req) is { } holder)
                {
                    PoolWaits++;
                    yield return Wait.On(pool.Waitq, TaskState.Uninterruptible, FuseTempPool.SiteTempPoolWait, -1, holder);
                }
            }

            if (tmp < 0)
            {
                // -ENOMEM: the pages copied of this folio so far go back; the caller redirties the folio.
                UndoCopies(tr, first);
                CopyFailures++;
                current.Ret = 0;
                yield break;
            }

            // fuse_writepage_args_page_fill: folio_copy, inc_wb_stat(WB_WRITEBACK), NR_WRITEBACK_TEMP. The copy is recorded
            // before its CPU time passes so the temp page is never held unaccounted while the task runs the copy.
            AddCopy(tr, file, pfn, i, tmp);
            CopyNs += CopyPageNs;
            yield return Wait.For(CopyPageNs);
        }

        current.Ret = 1;
    }

    /// <inheritdoc/>
    public void Sent(FuseReq req)
    {
        ArgumentNullException.ThrowIfNull(req);
        if (Find(req) is not { } tr || tr.Sent)
        {
            return;
        }

        // fuse_writepages_send: the request is queued (or already ended on a dead connection); only now does
        // writeback end on the page-cache folios, through folio_end_writeback with all its accounting.
        tr.Sent = true;
        int lastHead = -1;
        foreach (TempCopy c in tr.Copies)
        {
            if (c.CachePfn != lastHead)
            {
                deps.PageCache.FolioEndWriteback(c.CachePfn);
                lastHead = c.CachePfn;
            }
        }

        Retire(tr);
    }

    /// <inheritdoc/>
    public void Finished(FuseReq req)
    {
        ArgumentNullException.ThrowIfNull(req);
        if (Find(req) is not { } tr || tr.Finished)
        {
            return;
        }

        // fuse_writepage_finish: per copy fuse_writepage_finish_stat (WB_WRITEBACK and NR_WRITEBACK_TEMP down,
        // wb_writeout_inc), the rb_erase, the copy freed (fuse_writepage_free), then wake_up(&fi->page_waitq).
        tr.Finished = true;
        foreach (TempCopy c in tr.Copies)
        {
            FreeCopy(c);
            if (files.TryGetValue(c.File.Id, out TempFile? f))
            {
                f.Waitq.WakeUpAll();
            }
        }

        Retire(tr);
    }

    /// <inheritdoc/>
    public IEnumerable<Wait> WaitOnPageWriteback(CachedFile file, long index)
    {
        ArgumentNullException.ThrowIfNull(file);

        // wait_event(fi->page_waitq, !fuse_page_is_writeback(inode, index)).
        while (byIndex.TryGetValue((file.Id, index), out TempIndex? e))
        {
            PageWaitqWaits++;
            yield return Wait.On(files[file.Id].Waitq, TaskState.Uninterruptible, SiteWaitOnPageWriteback, -1, e.Req);
        }
    }

    /// <inheritdoc/>
    public IEnumerable<Wait> SyncWrites(CachedFile file)
    {
        ArgumentNullException.ThrowIfNull(file);

        // fuse_set_nowrite: wait_event(fi->page_waitq, fi->writectr == FUSE_NOWRITE): every write request of the inode ended.
        while (files.TryGetValue(file.Id, out TempFile? f) && f.InFlight > 0)
        {
            PageWaitqWaits++;
            yield return Wait.On(f.Waitq, TaskState.Uninterruptible, SiteSyncWrites, -1, OldestOf(file.Id));
        }
    }

    /// <summary>Whether page <paramref name="index"/> of <paramref name="file"/> has a copy in flight (fuse_page_is_writeback).</summary>
    /// <param name="file">The file.</param>
    /// <param name="index">Page index.</param>
    /// <returns>True while a copy is in flight.</returns>
    public bool PageIsWriteback(CachedFile file, long index)
    {
        ArgumentNullException.ThrowIfNull(file);
        return byIndex.ContainsKey((file.Id, index));
    }

    /// <inheritdoc/>
    public string? Verify()
    {
        long copies = 0;
        long poolCopies = 0;
        foreach (TempReq tr in reqs)
        {
            if (tr.Finished)
            {
                continue;
            }

            if (tr.Req.State == FuseReqState.Ended)
            {
                return $"fuse temp pages: {tr.Req.Describe()} ended with {tr.Copies.Count} copies not freed";
            }

            foreach (TempCopy c in tr.Copies)
            {
                copies++;
                if (pool is not null)
                {
                    poolCopies += pool.Contains(c.TmpPfn) ? 1 : 0;
                }
                else if (!deps.Alloc.Node.Pages[c.TmpPfn].Has(PageFlags.Allocated) || deps.Alloc.Node.Pages[c.TmpPfn].OwnerKind != OwnerKind.FuseTemp)
                {
                    return $"fuse temp pages: copy pfn 0x{c.TmpPfn:x} of {tr.Req.Describe()} is not an allocated temp page";
                }
            }
        }

        if (copies != NrTempPages)
        {
            return $"fuse temp pages: {copies} copies in flight, NrTempPages {NrTempPages}";
        }

        if (pool is not null && (poolCopies != copies || pool.NrUsed != copies))
        {
            return $"fuse temp pool: {copies} copies in flight, {poolCopies} in the pool, {pool.NrUsed} pool pages used";
        }

        return pool?.Verify();
    }

    // The request's copies, created on its first copy (fuse_writepage_add inserts it in fi->writepages).
    private TempReq ReqOf(FuseReq req)
    {
        if (Find(req) is { } tr)
        {
            return tr;
        }

        tr = new TempReq(req);
        reqs.Add(tr);
        return tr;
    }

    private TempReq? Find(FuseReq req)
    {
        // Newest last, and the request being built or just sent is almost always the newest.
        for (int i = reqs.Count - 1; i >= 0; i--)
        {
            if (ReferenceEquals(reqs[i].Req, req))
            {
                return reqs[i];
            }
        }

        return null;
    }

    // A request leaves the list once it was both sent (originals' writeback ended) and finished (copies freed).
    private void Retire(TempReq tr)
    {
        if (tr.Sent && tr.Finished)
        {
            reqs.Remove(tr);
        }
    }

    private void AddCopy(TempReq tr, CachedFile file, int head, int i, int tmp)
    {
        long index = deps.Alloc.Node.FolioIndex[head] + i;
        var c = new TempCopy(file, index, head, head + i, tmp);
        tr.Copies.Add(c);
        Copies++;
        NrTempPages++;
        NrTempPagesPeak = Math.Max(NrTempPagesPeak, NrTempPages); // outcomes
        deps.Alloc.Node.ModNrWritebackTemp(1);
        deps.PageCache.WbOf(file)?.ModStat(WbStatItem.Writeback, 1);
        if (!files.TryGetValue(file.Id, out TempFile? f))
        {
            f = new TempFile(new WaitQueue($"fi->page_waitq {file.Name}"));
            files.Add(file.Id, f);
        }

        f.InFlight++;
        if (byIndex.TryGetValue((file.Id, index), out TempIndex? e))
        {
            e.Count++; // a second copy of the page: 6.15 queued it on the first request's aux list (wpa->next)
        }
        else
        {
            byIndex.Add((file.Id, index), new TempIndex(tr.Req));
        }
    }

    // Undoes the copies tr made from index `first` on (an allocation failed part-way through a large folio).
    private void UndoCopies(TempReq tr, int first)
    {
        for (int i = tr.Copies.Count - 1; i >= first; i--)
        {
            FreeCopy(tr.Copies[i], countWriteout: false);
            Copies--;
            tr.Copies.RemoveAt(i);
        }
    }

    private void FreeCopy(TempCopy c, bool countWriteout = true)
    {
        NrTempPages--;
        deps.Alloc.Node.ModNrWritebackTemp(-1);
        if (deps.PageCache.WbOf(c.File) is { } wb)
        {
            wb.ModStat(WbStatItem.Writeback, -1);
            if (countWriteout)
            {
                // wb_writeout_inc: the completion counts toward the wb's share of the dirty limit.
                wb.ModStat(WbStatItem.Written, 1);
                deps.PageCache.Throttle?.WritebackCompleted(wb, 1);
            }
        }

        if (pool is null)
        {
            deps.Alloc.FreePages(c.TmpPfn, 0);
        }
        else
        {
            pool.Give(c.TmpPfn);
        }

        TempFile f = files[c.File.Id];
        f.InFlight--;
        TempIndex e = byIndex[(c.File.Id, c.Index)];
        if (--e.Count == 0)
        {
            byIndex.Remove((c.File.Id, c.Index));
        }

        if (Moved(c))
        {
            migratedEnded++;
        }
    }

    // The page-cache folio of a copy now lives elsewhere: it was migrated while the copy was in flight.
    private static bool Moved(TempCopy c)
    {
        int now = c.File.Lookup(c.Index);
        return now >= 0 && now != c.PagePfn;
    }

    private long MovedInFlight()
    {
        long n = 0;
        foreach (TempReq tr in reqs)
        {
            if (tr.Finished)
            {
                continue;
            }

            foreach (TempCopy c in tr.Copies)
            {
                n += Moved(c) ? 1 : 0;
            }
        }

        return n;
    }

    // The oldest request, other than the one being built, whose copies hold pool pages: the server thread holding
    // it (or the queue's next reader) is who frees pages. Null when only `building` holds them: waiting would
    // wait on itself, so the copy fails and the caller sends what it has.
    private FuseReq? OldestOtherHolder(FuseReq building)
    {
        foreach (TempReq tr in reqs)
        {
            if (!tr.Finished && tr.Copies.Count > 0 && !ReferenceEquals(tr.Req, building))
            {
                return tr.Req;
            }
        }

        return null;
    }

    private FuseReq? OldestOf(int fileId)
    {
        foreach (TempReq tr in reqs)
        {
            if (!tr.Finished && tr.Copies.Count > 0 && tr.Copies[0].File.Id == fileId)
            {
                return tr.Req;
            }
        }

        return null;
    }

    // One request's copies (struct fuse_writepage_args with its temp folios and orig_folios).
    private sealed class TempReq(FuseReq req)
    {
        public FuseReq Req { get; } = req;

        public List<TempCopy> Copies { get; } = [];

        public bool Sent { get; set; }

        public bool Finished { get; set; }
    }

    // One copy: the page-cache page (its index, folio head and own PFN when copied) and its temp page.
    private sealed class TempCopy(CachedFile file, long index, int cachePfn, int pagePfn, int tmpPfn)
    {
        public CachedFile File { get; } = file;

        public long Index { get; } = index;

        public int CachePfn { get; } = cachePfn;

        public int PagePfn { get; } = pagePfn;

        public int TmpPfn { get; } = tmpPfn;
    }

    // One in-flight index: the request that carries it (the wait target) and how many copies of it are in flight.
    private sealed class TempIndex(FuseReq req)
    {
        public FuseReq Req { get; } = req;

        public int Count { get; set; } = 1;
    }

    // Per file: fi->page_waitq and fi->writectr's share that temp pages keep.
    private sealed class TempFile(WaitQueue waitq)
    {
        public WaitQueue Waitq { get; } = waitq;

        public int InFlight { get; set; }
    }
}
