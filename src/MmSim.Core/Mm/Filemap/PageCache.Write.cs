// The buffered write path (mm/filemap.c: generic_perform_write with the simple_write_begin /
// write_end shape ext4 and xfs share) and the shared-mmap write fault (mm/memory.c: do_shared_fault
// → filemap_page_mkwrite), both ending in balance_dirty_pages_ratelimited.
using MmSim.Mm.Folio;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Writeback;
using MmSim.Sim;

namespace MmSim.Mm.Filemap;

internal sealed partial class PageCache
{
    /// <summary>
    /// A write that needs no sleep: the folio is cached, unlocked, not held by stable writes, and the
    /// throttle is not due. Dirties it.
    /// </summary>
    /// <param name="file">The file.</param>
    /// <param name="index">Page index.</param>
    /// <returns>True when the write is done; false when <see cref="Write"/> has to run.</returns>
    public bool TryWriteCached(CachedFile file, long index)
    {
        int slot = file.Pfn[index];
        if (slot < 0 || (!file.Opened && !TryLoadInode(file)))
        {
            return false;
        }

        int pfn = FolioHead(slot);

        ref PageFrame page = ref alloc.Node.Pages[pfn];
        if (page.Has(PageFlags.Locked) || (file.Has(AsFlags.StableWrites) && page.Has(PageFlags.Writeback)) || ThrottleDue(file, page))
        {
            return false;
        }

        FolioMarkDirty(file, pfn);
        return true;
    }

    /// <summary>
    /// write() of a whole page (generic_perform_write): write_begin finds or creates the folio, locks it
    /// and waits for stable writes; the copy; write_end dirties it and unlocks; then
    /// balance_dirty_pages_ratelimited. <see cref="TaskContext.Ret"/> is 1, or 0 when no memory could be had.
    /// </summary>
    /// <param name="file">The file.</param>
    /// <param name="index">Page index.</param>
    /// <param name="stats">Where the writer's allocations are counted.</param>
    /// <param name="balance">False for the scripted writeback step, which stands in for a FUSE server's writeback rather than a writer.</param>
    /// <returns>The coroutine the writing task awaits.</returns>
    public IEnumerable<Wait> Write(CachedFile file, long index, IAllocAccount stats, bool balance = true)
    {
        TaskContext current = pa.Current;
        if (!file.Opened)
        {
            yield return Wait.Call(LoadInode(file));
        }

        while (true)
        {
            current.Ret = 1;
            if (file.Pfn[index] < 0)
            {
                yield return Wait.Call(AddToPageCache(file, index, GfpFlags.HighUserMovable | GfpFlags.Write, stats, fastPathFailed: false, pgpgin: false));
                if (current.Ret == 0)
                {
                    yield break;
                }
            }

            // The folio (of any order) that holds the page: large folios are dirtied and locked whole.
            int pfn = FolioHead(file.Pfn[index]);
            if (Folios is null)
            {
                FolioMarkDirty(file, pfn);
                yield break;
            }

            // write_begin: __filemap_get_folio(FGP_WRITEBEGIN) locks the folio and waits for it to be stable.
            yield return Wait.Call(LockFolioOf(file, index, pfn));
            if (!SlotInFolio(file, index, pfn))
            {
                // Truncated or migrated while this task slept for the lock: look it up again.
                continue;
            }

            yield return Wait.Call(FolioWaitStable(file, pfn));

            // write_end: the copy is in; block_write_end/filemap_dirty_folio marks it dirty.
            FolioMarkDirty(file, pfn);
            Folios.FolioUnlock(pfn);
            break;
        }

        if (balance && Throttle is not null && WbOf(file) is { } wb)
        {
            yield return Wait.Call(Throttle.BalanceDirtyPagesRatelimited(wb));
        }
    }

    /// <summary>
    /// A store to a page of a MAP_SHARED file mapping (do_shared_fault): the folio is read in if absent
    /// (filemap_fault), then filemap_page_mkwrite locks it, waits for stable writes and dirties it;
    /// fault_dirty_shared_page runs balance_dirty_pages_ratelimited.
    /// </summary>
    /// <param name="file">The file.</param>
    /// <param name="index">Page index.</param>
    /// <param name="stats">Where the allocations are counted.</param>
    /// <returns>The coroutine; <see cref="TaskContext.Ret"/> is 1, or 0 without memory.</returns>
    public IEnumerable<Wait> SharedWriteFault(CachedFile file, long index, IAllocAccount stats)
    {
        TaskContext current = pa.Current;
        yield return Wait.Call(Read(file, index, stats));
        if (current.Ret == 0)
        {
            yield break;
        }

        int pfn = FolioHead(file.Pfn[index]);
        if (Folios is not null)
        {
            yield return Wait.Call(LockFolioOf(file, index, pfn));
            if (!SlotInFolio(file, index, pfn))
            {
                // filemap_page_mkwrite: the folio left the mapping; VM_FAULT_NOPAGE retries the fault.
                current.Ret = 1;
                yield break;
            }

            yield return Wait.Call(FolioWaitStable(file, pfn));
            FolioMarkDirty(file, pfn);
            Folios.FolioUnlock(pfn);
        }
        else
        {
            FolioMarkDirty(file, pfn);
        }

        current.Ret = 1;
        if (Throttle is not null && WbOf(file) is { } wb)
        {
            yield return Wait.Call(Throttle.BalanceDirtyPagesRatelimited(wb));
        }
    }

    // folio_wait_stable: waits on writeback only where the backing device needs stable pages.
    private IEnumerable<Wait> FolioWaitStable(CachedFile file, int pfn) =>
        file.Has(AsFlags.StableWrites) ? Folios!.FolioWaitWriteback(pfn) : [];

    // folio_lock of a folio the caller found in the mapping (filemap_get_folio's lock and recheck): while
    // the task sleeps the folio may be truncated or migrated, so it returns holding the lock only if
    // the slot still holds the folio; the caller rechecks the slot.
    private IEnumerable<Wait> LockFolioOf(CachedFile file, long index, int pfn)
    {
        while (!Folios!.FolioTrylock(pfn))
        {
            yield return Wait.Call(Folios.FolioWaitLocked(pfn));
            if (!SlotInFolio(file, index, pfn))
            {
                yield break;
            }
        }

        if (!SlotInFolio(file, index, pfn))
        {
            Folios.FolioUnlock(pfn);
        }
    }

    // The slot of page index still belongs to the folio whose head is pfn (a large folio's slots hold
    // head + i).
    private bool SlotInFolio(CachedFile file, long index, int head)
    {
        int slot = file.Pfn[index];
        ref PageFrame page = ref alloc.Node.Pages[head];
        return slot >= head && slot < head + (1 << page.Order) && page.Has(PageFlags.Allocated) && page.Owner == file.Id;
    }

    // balance_dirty_pages_ratelimited would run after this write (its nr_dirtied reaches the ratelimit).
    private bool ThrottleDue(CachedFile file, in PageFrame page)
    {
        if (Throttle is null || page.Has(PageFlags.Dirty) || WbOf(file) is not { } wb)
        {
            return false;
        }

        TaskContext cur = pa.Current;
        long ratelimit = wb.DirtyExceeded ? Math.Min(cur.NrDirtiedPause, 32 >> (MmConstants.PageShift - 10)) : cur.NrDirtiedPause;
        return cur.NrDirtied + FolioPages(page) >= ratelimit;
    }
}
