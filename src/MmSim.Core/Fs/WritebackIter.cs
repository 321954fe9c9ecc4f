// writeback_iter's per-folio step (mm/page-writeback.c: writeback_get_folio, folio_prepare_writeback,
// folio_clear_dirty_for_io), shared by block writepages and FUSE writepages as both share it in the kernel.
using MmSim.Mm;
using MmSim.Mm.Filemap;
using MmSim.Sim;

namespace MmSim.Fs;

/// <summary>
/// Takes one dirty folio of a file for writeback, as writeback_iter does for every ->writepages: lock it (the folio
/// may be truncated or migrated while the task sleeps for the lock), recheck that it is dirty, skip it under
/// writeback for WB_SYNC_NONE or wait for that writeback (D, lock held) for WB_SYNC_ALL, and clear its dirty bit for I/O.
/// </summary>
/// <param name="cache">The page cache.</param>
/// <param name="pages">The memory map.</param>
/// <param name="folios">Folio lock and writeback waits.</param>
internal sealed class WritebackIter(PageCache cache, PageFrame[] pages, FolioWait folios)
{
    /// <summary>
    /// Takes the folio <paramref name="pfn"/> found dirty in slot <paramref name="index"/>. When the coroutine ends,
    /// <see cref="FolioTake.Taken"/> says whether the caller now holds it locked and cleaned for I/O (else it holds nothing).
    /// </summary>
    /// <param name="file">The file.</param>
    /// <param name="slots">The file's slot array when the walk started (a changed array means the file was resized).</param>
    /// <param name="index">The slot.</param>
    /// <param name="pfn">The folio the slot held.</param>
    /// <param name="mode">WB_SYNC_NONE or WB_SYNC_ALL.</param>
    /// <param name="take">Where the outcome goes (one per writepages call).</param>
    /// <param name="beforeWritebackWait">What the caller does before sleeping on a folio's writeback (block: submit the bio it was building); null for nothing.</param>
    /// <returns>The coroutine.</returns>
    public IEnumerable<Wait> TakeFolio(CachedFile file, int[] slots, long index, int pfn, WbSyncMode mode, FolioTake take, Func<IEnumerable<Wait>>? beforeWritebackWait)
    {
        take.Taken = false;
        bool locked = folios.FolioTrylock(pfn);
        while (!locked)
        {
            yield return Wait.Call(folios.FolioWaitLocked(pfn));
            if (slots != file.Pfn || file.Pfn[index] != pfn)
            {
                yield break;
            }

            locked = folios.FolioTrylock(pfn);
        }

        if (!pages[pfn].Has(PageFlags.Dirty))
        {
            folios.FolioUnlock(pfn);
            yield break;
        }

        // folio_prepare_writeback: WB_SYNC_NONE skips a folio under writeback, WB_SYNC_ALL waits for it (D), lock held.
        if (pages[pfn].Has(PageFlags.Writeback))
        {
            if (mode == WbSyncMode.None)
            {
                folios.FolioUnlock(pfn);
                yield break;
            }

            if (beforeWritebackWait is not null)
            {
                yield return Wait.Call(beforeWritebackWait());
            }

            yield return Wait.Call(folios.FolioWaitWriteback(pfn));
        }

        if (!cache.FolioClearDirtyForIo(file, pfn))
        {
            folios.FolioUnlock(pfn);
            yield break;
        }

        take.Taken = true;
    }
}

/// <summary>The outcome of <see cref="WritebackIter.TakeFolio"/>: one per writepages call, reused for each folio.</summary>
internal sealed class FolioTake
{
    /// <summary>The caller holds the folio locked and cleaned for I/O.</summary>
    public bool Taken { get; set; }
}
