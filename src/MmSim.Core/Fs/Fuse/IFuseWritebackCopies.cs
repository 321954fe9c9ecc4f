// The seam between FUSE writeback (FuseFsOps, in place) and the temp-page designs (≤ 6.15, temp-pages-pool).
using MmSim.Mm.Filemap;
using MmSim.Sim;

namespace MmSim.Fs.Fuse;

/// <summary>
/// Where FUSE writeback copies dirty pages to when the design uses temp pages: Linux ≤ 6.15 (order-0
/// GFP_NOFS | __GFP_HIGHMEM pages, unmovable and not memcg-charged) or the temp-pages-pool design (a
/// contiguous pool reserved at mount). Null on a connection that writes back in place (6.16+).
/// </summary>
/// <remarks>
/// fs/fuse/file.c (6.15): fuse_writepage_args_page_fill (folio_alloc + folio_copy, NR_WRITEBACK_TEMP,
/// WB_WRITEBACK), fuse_writepages_send (queue, then folio_end_writeback of the originals), fi->writepages
/// (the rb-tree of in-flight copies), fuse_writepage_finish_stat, fi->page_waitq and
/// fuse_wait_on_page_writeback / fuse_range_is_writeback. The writepages loop calls these at the same
/// points the 6.15 code does; everything else about the request is the connection's.
/// </remarks>
internal interface IFuseWritebackCopies
{
    /// <summary>
    /// Allocates the copy of the page-cache folio <paramref name="pfn"/> (locked, under writeback, already
    /// counted in the request) and copies it, charging the copy's CPU cost to the calling task. May sleep
    /// (GFP_NOFS direct reclaim; a wait for a free pool page).
    /// </summary>
    /// <param name="req">The writeback request being built.</param>
    /// <param name="file">The folio's file.</param>
    /// <param name="pfn">Head PFN of the page-cache folio.</param>
    /// <returns>The coroutine; <c>TaskContext.Ret</c> is 1 when copied, 0 when no temp page could be had (the folio is redirtied by the caller).</returns>
    IEnumerable<Wait> Copy(FuseReq req, CachedFile file, int pfn);

    /// <summary>
    /// After fuse_writepages_send queued <paramref name="req"/>: records its copies as in flight (fi->writepages)
    /// and ends writeback on the page-cache folios it copied.
    /// </summary>
    /// <param name="req">The queued request.</param>
    void Sent(FuseReq req);

    /// <summary>fuse_writepage_finish: frees the copies (NR_WRITEBACK_TEMP, WB_WRITEBACK down) and wakes fi->page_waitq.</summary>
    /// <param name="req">The ended request.</param>
    void Finished(FuseReq req);

    /// <summary>fuse_wait_on_page_writeback: sleeps (D) while page <paramref name="index"/> of <paramref name="file"/> has a copy in flight.</summary>
    /// <param name="file">The file.</param>
    /// <param name="index">Page index.</param>
    /// <returns>The coroutine.</returns>
    IEnumerable<Wait> WaitOnPageWriteback(CachedFile file, long index);

    /// <summary>fuse_sync_writes (fsync): sleeps (D) until no copy of <paramref name="file"/> is in flight.</summary>
    /// <param name="file">The file.</param>
    /// <returns>The coroutine.</returns>
    IEnumerable<Wait> SyncWrites(CachedFile file);

    /// <summary>Temp pages allocated now (NR_WRITEBACK_TEMP's value over all connections using this instance).</summary>
    long NrTempPages { get; }

    /// <summary>What the copies did since mount (temp-page part, issue 9).</summary>
    FuseTempPagesStats Stats { get; }

    /// <summary>The invariant check: copies in flight match their requests and the counters; null when consistent.</summary>
    /// <returns>The first violation, or null.</returns>
    string? Verify();
}
