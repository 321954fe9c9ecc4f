// do_writepages → write_cache_pages (mm/page-writeback.c, with writeback_iter) for a file on a block
// device: each dirty folio is locked, waited on or skipped if under writeback, cleaned for I/O, put
// under writeback and added to a request; contiguous folios share a request up to its maximum size.
using MmSim.Block;
using MmSim.Mm;
using MmSim.Mm.Filemap;
using MmSim.Sim;

namespace MmSim.Fs;

/// <summary>write_cache_pages into block requests; completion ends the folios' writeback.</summary>
/// <remarks>ext4_writepages / iomap_writepages as far as the page cache sees them; <see cref="BlockFsOps"/> calls it.</remarks>
internal sealed class Writepages
{
    /// <summary>max_sectors_kb 1280 in pages (a common default for SATA/NVMe).</summary>
    public const int MaxRequestPages = 320;

    private readonly PageCache cache;
    private readonly PageFrame[] pages;
    private readonly FolioWait folios;
    private readonly Mm.Rmap.FolioRefs refs;
    private readonly Action<BlockRequest> endIo;
    private readonly WritebackIter iter;

    public Writepages(PageCache cache, PageFrame[] pages, FolioWait folios, Mm.Rmap.FolioRefs refs)
    {
        this.cache = cache;
        this.pages = pages;
        this.folios = folios;
        this.refs = refs;
        endIo = EndIo;
        iter = new WritebackIter(cache, pages, folios);
    }

    /// <summary>
    /// do_writepages: writes up to <see cref="WritebackControl.NrToWrite"/> pages of <paramref name="file"/>
    /// (range_cyclic from writeback_index for WB_SYNC_NONE, the whole file for WB_SYNC_ALL), submitting
    /// requests to the mount's device from the calling task, and decrements the budget by what it wrote.
    /// </summary>
    /// <param name="sb">The file's mount.</param>
    /// <param name="file">The file.</param>
    /// <param name="wbc">Mode and budget.</param>
    /// <returns>The coroutine.</returns>
    public IEnumerable<Wait> WriteInode(SuperBlock sb, CachedFile file, WritebackControl wbc)
    {
        BlockDevice? dev = sb.Device;
        WbSyncMode mode = wbc.SyncMode;
        long nrToWrite = wbc.NrToWrite;
        long written = 0;
        if (dev is null)
        {
            yield break;
        }

        int[] slots = file.Pfn;
        long n = slots.Length;
        long start = mode == WbSyncMode.None ? Math.Min(file.WritebackIndex, n) : 0;
        BlockRequest? rq = null;
        long nextIndex = -1;
        var take = new FolioTake();

        // Before sleeping on a folio's writeback, submit what was built (it may hold what that folio waits for).
        Func<IEnumerable<Wait>> submitPending = () =>
        {
            BlockRequest? built = rq;
            rq = null;
            return built is null ? [] : dev.SubmitBio(built);
        };
        long i = start;
        for (long k = 0; k < n && file.NrDirty > 0; k++, i = (i + 1) % n)
        {
            int pfn = slots[i];
            if (pfn < 0 || !pages[pfn].Has(PageFlags.Dirty))
            {
                continue;
            }

            yield return Wait.Call(iter.TakeFolio(file, slots, i, pfn, mode, take, submitPending));
            if (!take.Taken)
            {
                continue;
            }

            cache.FolioStartWriteback(file, pfn, dev);
            int nr = 1 << pages[pfn].Order;
            if (rq is not null && (i != nextIndex || rq.Bytes >= MaxRequestPages * (long)MmConstants.PageSize))
            {
                // Not contiguous, or full: submit_bio of what was built; may sleep for a tag (D).
                BlockRequest full = rq;
                rq = null;
                folios.FolioUnlock(pfn);
                yield return Wait.Call(dev.SubmitBio(full));
                rq = NewRequest(dev);
                rq.Folios.Add(pfn);
                rq.Bytes += nr * (long)MmConstants.PageSize;
            }
            else
            {
                rq ??= NewRequest(dev);
                rq.Folios.Add(pfn);
                rq.Bytes += nr * (long)MmConstants.PageSize;
                folios.FolioUnlock(pfn);
            }

            nextIndex = i + nr;
            written += nr;
            if (mode == WbSyncMode.None && written >= nrToWrite)
            {
                file.WritebackIndex = (i + nr) % n;
                break;
            }
        }

        if (rq is not null)
        {
            yield return Wait.Call(dev.SubmitBio(rq));
        }

        wbc.NrToWrite = nrToWrite - written;
    }

    private BlockRequest NewRequest(BlockDevice dev)
    {
        BlockRequest rq = dev.AllocRequest(BlockOp.Write);
        rq.EndIo = endIo;
        return rq;
    }

    // The bio's end_io (ext4_end_bio → folio_end_writeback), in softirq.
    private void EndIo(BlockRequest rq)
    {
        foreach (int pfn in rq.Folios)
        {
            cache.FolioEndWriteback(pfn);
        }
    }
}
