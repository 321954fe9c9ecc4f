// fuse_writepages (6.17+: iomap_writepages with fuse_iomap_writeback_range / _submit; 6.16: write_cache_pages
// with fuse_writepages_fill): dirty folios batched into background FUSE_WRITE requests.
using MmSim.Mm;
using MmSim.Mm.Filemap;
using MmSim.Mm.Writeback;
using MmSim.Sim;

namespace MmSim.Fs.Fuse;

internal sealed partial class FuseFsOps
{
    /// <summary>Background FUSE_WRITE requests of writeback sent so far.</summary>
    public long WritebackRequests { get; private set; }

    /// <summary>Pages those requests carried.</summary>
    public long WritebackPages { get; private set; }

    /// <inheritdoc/>
    public IEnumerable<Wait> Writepages(SuperBlock sb, CachedFile file, WritebackControl wbc) => WritepagesOf(file, wbc);

    /// <summary>
    /// fuse_writepages: a WB_SYNC_NONE pass returns at once while num_background ≥ congestion_threshold. Otherwise
    /// writeback_iter walks the dirty folios (range_cyclic from writeback_index for WB_SYNC_NONE, the whole file for
    /// WB_SYNC_ALL): each is locked; folio_prepare_writeback skips one under writeback (WB_SYNC_NONE) or waits for
    /// it (WB_SYNC_ALL); it is cleaned for I/O and put under writeback with the request as ender; contiguous folios
    /// share a request up to max_pages (fuse_folios_need_send); each full or final request is queued in the
    /// background (fuse_writepages_send). With temp pages each folio is copied (and its writeback ends once its
    /// request is queued).
    /// </summary>
    /// <param name="file">The file.</param>
    /// <param name="wbc">Mode and budget; <see cref="WritebackControl.NrToWrite"/> drops by the pages written.</param>
    /// <returns>The coroutine.</returns>
    internal IEnumerable<Wait> WritepagesOf(CachedFile file, WritebackControl wbc)
    {
        WbSyncMode mode = wbc.SyncMode;
        if (mode == WbSyncMode.None && Conn.NumBackground >= Conn.Options.CongestionThreshold)
        {
            yield break;
        }

        TaskContext cur = current();
        long nrToWrite = wbc.NrToWrite;
        long written = 0;
        int[] slots = file.Pfn;
        long n = slots.Length;
        long start = mode == WbSyncMode.None ? Math.Min(file.WritebackIndex, n) : 0;
        FuseReq? req = null;
        var take = new FolioTake();
        long i = start;
        for (long k = 0; k < n && file.NrDirty > 0; k++, i = (i + 1) % n)
        {
            int pfn = slots[i];
            if (pfn < 0 || !pages[pfn].Has(PageFlags.Dirty) || !pages[pfn].Has(PageFlags.Allocated) || pages[pfn].Owner != file.Id)
            {
                continue;
            }

            yield return Wait.Call(iter.TakeFolio(file, slots, i, pfn, mode, take, null));
            if (!take.Taken)
            {
                continue;
            }

            int nr = 1 << pages[pfn].Order;

            // fuse_folios_need_send: the batch is full (max_pages) or the folio is not contiguous.
            if (req is not null && NeedSend(req, i, nr))
            {
                Send(req);
                req = null;
            }

            req ??= NewWritepage(file);
            var args = (FuseWritepageArgs)req.Args!;
            cache.FolioStartWriteback(file, pfn, req);
            long prevNext = args.NextIndex;
            args.Folios.Add(pfn);
            args.NextIndex = i + nr;
            req.NrPages += nr;
            if (Copies is { } copies)
            {
                // fuse_writepage_args_page_fill (≤ 6.15): the temp page, allocated GFP_NOFS (may reclaim) and copied.
                yield return Wait.Call(copies.Copy(req, file, pfn));
                if (cur.Ret == 0)
                {
                    // No temp page: the folio is redirtied and left for a later pass.
                    args.Folios.RemoveAt(args.Folios.Count - 1);
                    args.NextIndex = prevNext;
                    req.NrPages -= nr;
                    cache.FolioEndWriteback(pfn);
                    cache.FolioMarkDirty(file, pfn);
                    folios.FolioUnlock(pfn);
                    continue;
                }
            }

            folios.FolioUnlock(pfn);
            written += nr;
            if (mode == WbSyncMode.None && written >= nrToWrite)
            {
                file.WritebackIndex = (i + nr) % n;
                break;
            }
        }

        // fuse_iomap_writeback_submit: the last batch.
        if (req is not null)
        {
            if (req.NrPages > 0)
            {
                Send(req);
            }
        }

        wbc.NrToWrite = nrToWrite - written;
    }

    private bool NeedSend(FuseReq req, long index, int nr)
    {
        var args = (FuseWritepageArgs)req.Args!;
        return args.Folios.Count > 0 && (args.Folios.Count >= Conn.Options.MaxPages
            || req.NrPages + nr > Conn.Options.MaxPages
            || args.NextIndex != index);
    }

    // fuse_writepage_args_setup: a background FUSE_WRITE whose end is fuse_writepage_end.
    private FuseReq NewWritepage(CachedFile file)
    {
        FuseReq req = Conn.NewRequest(FuseOpcode.Write, background: true);
        req.Args = new FuseWritepageArgs(file);
        req.End = writepageEnd;
        return req;
    }

    // fuse_writepages_send → fuse_flush_writepages → fuse_send_writepage → fuse_simple_background. With temp pages
    // the originals' writeback ends here (Sent); on a dead connection the request ends at once with -ENOTCONN.
    private void Send(FuseReq req)
    {
        WritebackRequests++;
        WritebackPages += req.NrPages;
        Copies?.Sent(req);
        Conn.QueueBackground(req);
    }

    // fuse_writepage_end: mapping_set_error, then fuse_writepage_finish ends the folios' writeback (in place) or
    // frees the copies (temp pages). After an error the folios stay clean: the data is lost.
    private void WritepageEnd(FuseReq req)
    {
        var args = (FuseWritepageArgs)req.Args!;
        CachedFile file = args.File;
        if (req.Error < 0)
        {
            file.WbErr = req.Error;
            file.WbErrCount++;
        }

        if (Copies is { } copies)
        {
            copies.Finished(req);
            return;
        }

        ReportCancels(args, req.Error);
        foreach (int pfn in args.Folios)
        {
            // designs (issue 9): an error end (abort, request timeout) is not a writeback that "would have completed".
            if (req.Error < 0)
            {
                abortStats?.ForgetAbort(pfn);
            }

            cache.FolioEndWriteback(pfn);
        }

        args.Folios.Clear();
    }

    // designs (issue 9): each folio cancel-writeback took out of this request: answered, the cancel was a false abort
    // (the writeback would have ended); failed, it was not.
    private void ReportCancels(FuseWritepageArgs args, int error)
    {
        if (abortStats is not { } stats)
        {
            return;
        }

        foreach ((int pfn, int mappingId, long index) in args.Cancelled)
        {
            if (error < 0)
            {
                stats.ForgetCancel(pfn, mappingId, index);
            }
            else
            {
                stats.CancelledWritebackWouldHaveEnded(pfn, mappingId, index);
            }
        }

        args.Cancelled.Clear();
    }
}
