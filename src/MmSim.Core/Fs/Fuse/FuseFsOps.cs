// FUSE as the VFS sees it (fs/fuse/file.c): writeback into background FUSE_WRITE requests, the write
// paths with and without writeback cache, page_mkwrite, read, fsync and flush on close.
using MmSim.Mm;
using MmSim.Mm.Filemap;
using MmSim.Mm.Folio;
using MmSim.Sim;

namespace MmSim.Fs.Fuse;

/// <summary>What the operations of a FUSE mount work on besides their connection.</summary>
/// <param name="Cache">The page cache (dirty and writeback accounting, reads).</param>
/// <param name="Folios">Folio lock and writeback bits.</param>
/// <param name="Pages">The memory map.</param>
/// <param name="Env">Release, design switches, sysctls.</param>
/// <param name="Current"><c>current</c>.</param>
/// <param name="AbortStats">The designs' timeout and cancel records (false aborts), or null.</param>
internal sealed record FuseFsDeps(PageCache Cache, FolioWait Folios, PageFrame[] Pages, FuseEnv Env, Func<TaskContext> Current, Mm.Migrate.MigrateWritebackStats? AbortStats = null);

/// <summary>
/// The operations of a FUSE mount over its connection. Writeback follows the design: in place (6.16+),
/// or through <see cref="Copies"/> (temp pages, ≤ 6.15 and the pool design).
/// </summary>
/// <remarks>fs/fuse/file.c: fuse_init_file_inode, fuse_writepages, fuse_cache_write_iter, fuse_perform_write,
/// fuse_page_mkwrite, fuse_cache_read_iter, fuse_fsync, fuse_flush; <see cref="IWritebackOwner"/> is the
/// ask-fs and cancel-writeback seam no kernel has.</remarks>
internal sealed partial class FuseFsOps : IFsOps, IWritebackOwner
{
    private readonly PageCache cache;
    private readonly FolioWait folios;
    private readonly PageFrame[] pages;
    private readonly Func<TaskContext> current;
    private readonly Action<FuseReq> writepageEnd;
    private readonly WritebackIter iter;
    private readonly Mm.Migrate.MigrateWritebackStats? abortStats;

    /// <summary>Creates the operations of one FUSE mount.</summary>
    /// <param name="conn">The connection.</param>
    /// <param name="copies">Temp-page copies, or null to write back in place.</param>
    /// <param name="deps">The page cache and the rest.</param>
    public FuseFsOps(FuseConn conn, IFuseWritebackCopies? copies, FuseFsDeps deps)
    {
        ArgumentNullException.ThrowIfNull(deps);
        Conn = conn;
        Copies = copies;
        Env = deps.Env;
        cache = deps.Cache;
        folios = deps.Folios;
        pages = deps.Pages;
        current = deps.Current;
        abortStats = deps.AbortStats;
        writepageEnd = WritepageEnd;
        iter = new WritebackIter(cache, pages, folios);
    }

    /// <summary>The connection.</summary>
    public FuseConn Conn { get; }

    /// <summary>Temp-page copies, or null (in place).</summary>
    public IFuseWritebackCopies? Copies { get; }

    /// <summary>Release, design and sysctls.</summary>
    public FuseEnv Env { get; }

    // 6.16 removed the temp pages; a copies design keeps the ≤ 6.15 waits on fi->page_waitq whatever the release.
    private bool InPlace => Copies is null;

    // 6.17+: a write(2) with writeback cache goes through iomap_file_buffered_write (folio_wait_stable only).
    private bool IomapWrite => FuseRelease.AtLeast(Env.Release, 6, 17);

    /// <inheritdoc/>
    /// <remarks>fuse_init_file_inode: AS_WRITEBACK_MAY_DEADLOCK_ON_RECLAIM only with writeback cache (6.16+).
    /// No large folios: "fuse: enable large folios (if writeback cache is unused)" is not in fuse_init_file_inode
    /// of 6.18 nor of linux-mm after it; an explicit large_folios on a mount without writeback cache models it.</remarks>
    public void InitFileInode(SuperBlock sb, CachedFile file)
    {
        ArgumentNullException.ThrowIfNull(sb);
        ArgumentNullException.ThrowIfNull(file);
        file.Wb = sb.Bdi.Wb;
        file.SbIndex = sb.Index;
        file.WritebackOwner = this;
        if (Conn.Options.WritebackCache && Env.Design.FuseSetsReclaimFlag && FuseRelease.AtLeast(Env.Release, 6, 16))
        {
            file.Flags |= AsFlags.WritebackMayDeadlockOnReclaim;
        }

        if (sb.Spec.LargeFolios == true && !Conn.Options.WritebackCache)
        {
            file.Flags |= AsFlags.LargeFolios;
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// fuse_cache_write_iter. With writeback cache the page cache takes the write: ≤ 6.15 fuse_write_begin waits
    /// on an in-flight copy (fuse_wait_on_page_writeback), 6.16 on the folio (folio_wait_writeback), 6.17+
    /// iomap only on stable writes. Without it fuse_perform_write sends the data at once (write-through).
    /// </remarks>
    public IEnumerable<Wait> Write(CachedFile file, long index, IAllocAccount stats)
    {
        if (!Conn.Options.WritebackCache)
        {
            return PerformWrite(file, index, stats);
        }

        return WriteCached(file, index, stats);
    }

    private IEnumerable<Wait> WriteCached(CachedFile file, long index, IAllocAccount stats)
    {
        if (!IomapWrite || !InPlace)
        {
            yield return Wait.Call(WaitOnPageWriteback(file, index));
        }

        yield return Wait.Call(cache.Write(file, index, stats));
    }

    // fuse_perform_write: fuse_fill_write_pages takes the folio (FGP_WRITEBEGIN: lock, stable wait), copies the
    // data in and unlocks it uptodate; fuse_send_write_pages waits for its writeback (6.16+ folio_wait_writeback,
    // ≤ 6.15 fuse_wait_on_page_writeback) and sends a synchronous FUSE_WRITE. The folio stays clean.
    private IEnumerable<Wait> PerformWrite(CachedFile file, long index, IAllocAccount stats)
    {
        TaskContext cur = current();
        yield return Wait.Call(cache.FilemapGrabFolio(file, index, stats));
        if (cur.Ret == 0)
        {
            yield break;
        }

        yield return Wait.Call(WaitOnPageWriteback(file, index));
        FuseReq req = Conn.NewRequest(FuseOpcode.Write, background: false);
        req.NrPages = 1;
        yield return Wait.Call(Conn.SendAndWait(req));
        cur.Ret = req.Error < 0 ? req.Error : 1;
    }

    /// <inheritdoc/>
    /// <remarks>filemap_fault, then fuse_page_mkwrite: ≤ 6.15 fuse_wait_on_page_writeback, 6.16+ folio_wait_writeback
    /// (both before the folio is dirtied, whatever the writeback-cache mode), then the generic dirtying.</remarks>
    public IEnumerable<Wait> SharedWriteFault(CachedFile file, long index, IAllocAccount stats)
    {
        TaskContext cur = current();
        yield return Wait.Call(Read(file, index, 1, stats));
        if (cur.Ret != 1)
        {
            yield break;
        }

        yield return Wait.Call(WaitOnPageWriteback(file, index));
        yield return Wait.Call(cache.SharedWriteFault(file, index, stats));
    }

    /// <inheritdoc/>
    /// <remarks>fuse_cache_read_iter → filemap_read: pages the read and its readahead add cost FUSE_READ requests of
    /// at most max_pages each, which the reader waits for; ≤ 6.15 fuse_do_readfolio first waits on an in-flight copy of a page it must read.</remarks>
    public IEnumerable<Wait> Read(CachedFile file, long index, long nrPages, IAllocAccount stats)
    {
        TaskContext cur = current();
        if (!InPlace && file.Pfn[index] < 0)
        {
            yield return Wait.Call(Copies!.WaitOnPageWriteback(file, index));
        }

        long before = file.NrCached;
        yield return Wait.Call(cache.Read(file, index, nrPages, stats));
        if (cur.Ret != 1)
        {
            yield break;
        }

        long added = file.NrCached - before;
        int error = 0;
        while (added > 0)
        {
            int n = (int)Math.Min(added, Conn.Options.MaxPages);
            added -= n;
            FuseReq req = Conn.NewRequest(FuseOpcode.Read, background: false);
            req.NrPages = n;
            yield return Wait.Call(Conn.SendAndWait(req));
            error = error == 0 ? req.Error : error;
        }

        cur.Ret = error < 0 ? error : 1;
    }

    /// <inheritdoc/>
    /// <remarks>fuse_fsync: file_write_and_wait_range (WB_SYNC_ALL writepages, then filemap_fdatawait), fuse_sync_writes
    /// (≤ 6.15: the copies in flight), then a synchronous FUSE_FSYNC.</remarks>
    public IEnumerable<Wait> Fsync(CachedFile file) => WriteAndWait(file, FuseOpcode.Fsync);

    /// <inheritdoc/>
    /// <remarks>fuse_flush (close): write_inode_now(inode, 1) — WB_SYNC_ALL writepages and filemap_fdatawait —,
    /// fuse_sync_writes, filemap_check_errors, then a synchronous FUSE_FLUSH.</remarks>
    public IEnumerable<Wait> Flush(CachedFile file) => WriteAndWait(file, FuseOpcode.Flush);

    private IEnumerable<Wait> WriteAndWait(CachedFile file, FuseOpcode op)
    {
        TaskContext cur = current();
        if (file.Wb is not null)
        {
            var wbc = new WritebackControl { SyncMode = WbSyncMode.All, Reason = Mm.Writeback.WbReason.Sync };
            yield return Wait.Call(WritepagesOf(file, wbc));
            cache.InodeCleanIfNoDirty(file);
        }

        yield return Wait.Call(FdataWait(file));
        if (!InPlace)
        {
            yield return Wait.Call(Copies!.SyncWrites(file));
        }

        FuseReq req = Conn.NewRequest(op, background: false);
        yield return Wait.Call(Conn.SendAndWait(req));
        int err = file.WbErr != 0 ? file.WbErr : req.Error;
        cur.Ret = err < 0 ? err : 1;
    }

    // filemap_fdatawait_keep_errors: folio_wait_writeback (D) on each folio of the file under writeback.
    private IEnumerable<Wait> FdataWait(CachedFile file)
    {
        for (long i = 0; i < file.Pfn.Length && file.NrWriteback > 0; i++)
        {
            int pfn = file.Pfn[i];
            if (pfn >= 0 && pages[pfn].Has(PageFlags.Writeback))
            {
                yield return Wait.Call(folios.FolioWaitWriteback(pfn));
            }
        }
    }

    // The writer's wait on writeback of the page at index before it changes it: ≤ 6.15 fuse_wait_on_page_writeback
    // on fi->page_waitq (the copies in flight); 6.16+ folio_wait_writeback on the folio.
    private IEnumerable<Wait> WaitOnPageWriteback(CachedFile file, long index)
    {
        if (!InPlace)
        {
            return Copies!.WaitOnPageWriteback(file, index);
        }

        int slot = file.Pfn[index];
        if (slot < 0)
        {
            return [];
        }

        int head = FolioHeadOf(slot);
        return pages[head].Has(PageFlags.Writeback) ? folios.FolioWaitWriteback(head) : [];
    }

    // The head of the page-cache folio that holds pfn (large folios' slots hold head + i).
    private int FolioHeadOf(int pfn)
    {
        for (int k = 0; k <= MmConstants.MaxPageOrder; k++)
        {
            int head = pfn & ~((1 << k) - 1);
            if (pages[head].Has(PageFlags.Allocated) && head + (1 << pages[head].Order) > pfn)
            {
                return head;
            }
        }

        return pfn;
    }
}
