// Truncation of a whole file (mm/truncate.c: truncate_inode_pages_range), as unlink's evict runs it.
using MmSim.Mm.Stat;
using MmSim.Sim;

namespace MmSim.Mm.Filemap;

internal sealed partial class PageCache
{
    /// <summary>
    /// unlink of a file nobody holds open, then creating it again empty, without sleeping: the pages
    /// that truncate_inode_pages would not have to wait for (not locked, not under writeback) are freed,
    /// dirty ones with their accounting cancelled; evict frees the inode and dentry.
    /// </summary>
    /// <param name="file">The file.</param>
    /// <returns>Pages freed from the page cache.</returns>
    /// <remarks>The sleeping form is <see cref="UnlinkWait"/>; this one serves callers that cannot sleep.</remarks>
    public long Unlink(CachedFile file)
    {
        long freed = 0;
        int[] index = file.Pfn;
        for (long i = 0; i < index.Length && file.NrCached > 0;)
        {
            if (index[i] < 0)
            {
                i++;
                continue;
            }

            // Folios are aligned in the file, so the walk meets a folio's first slot first.
            int head = FolioHead(index[i]);
            i += FolioPages(alloc.Node.Pages[head]);
            if ((alloc.Node.Pages[head].Flags & (uint)(PageFlags.Writeback | PageFlags.Locked)) != 0)
            {
                continue;
            }

            freed += TruncateFolio(file, head);
        }

        EvictInode(file, freed);
        return freed;
    }

    /// <summary>
    /// unlink of a file nobody holds open, then creating it again empty, as a sleeping path:
    /// truncate_inode_pages_range locks each folio (D while another holds it) and waits for its writeback
    /// to end before it frees it. <see cref="TaskContext.Ret"/> is the number of pages freed.
    /// </summary>
    /// <param name="file">The file.</param>
    /// <returns>The coroutine the unlinking task awaits.</returns>
    public IEnumerable<Wait> UnlinkWait(CachedFile file)
    {
        TaskContext current = pa.Current;
        long freed = 0;
        int[] index = file.Pfn;
        for (long i = 0; i < index.Length && file.NrCached > 0;)
        {
            if (index[i] < 0)
            {
                i++;
                continue;
            }

            int head = FolioHead(index[i]);
            if (Folios is not null)
            {
                yield return Wait.Call(LockFolioOf(file, i, head));
                if (!SlotInFolio(file, i, head))
                {
                    // Truncated, migrated or reclaimed while this task slept: look at the slot again.
                    continue;
                }

                // truncate_inode_pages_range: folio_wait_writeback under the folio lock.
                if (alloc.Node.Pages[head].Has(PageFlags.Writeback))
                {
                    yield return Wait.Call(Folios.FolioWaitWriteback(head));
                }

                Folios.FolioUnlock(head);
            }

            i += FolioPages(alloc.Node.Pages[head]);
            freed += TruncateFolio(file, head);
        }

        EvictInode(file, freed);
        current.Ret = (int)Math.Min(int.MaxValue, freed);
    }

    // truncate_cleanup_folio (folio_cancel_dirty → folio_account_cleaned) and filemap_remove_folio of a
    // whole folio (of any order); returns its pages.
    private long TruncateFolio(CachedFile file, int pfn)
    {
        int nr = FolioPages(alloc.Node.Pages[pfn]);
        if (alloc.Node.Pages[pfn].Has(PageFlags.Dirty))
        {
            alloc.Node.Pages[pfn].Clear(PageFlags.Dirty);
            if (!file.IsShmem)
            {
                AccountCleaned(file, pfn, nr);
            }
        }

        RemoveFolio(file, pfn);
        file.NrCached -= nr;
        return nr;
    }

    // evict: the inode leaves the writeback lists and its slab objects are freed.
    private void EvictInode(CachedFile file, long freed)
    {
        alloc.Node.ModNodePageState(NodeStatItem.NrFilePages, -freed);
        InodeCleanIfNoDirty(file);
        if (file.NrDirty == 0 && file.DirtiedWhenNs >= 0)
        {
            file.DirtiedWhenNs = -1;
            WbOf(file)?.BDirty.Remove(file);
        }

        // truncate_inode_pages_final also clears the shadow entries and the readahead state.
        file.Ra.ClearMark();
        if (file.NrShadows > 0)
        {
            int[] slots = file.Pfn;
            for (long i = 0; i < slots.Length; i++)
            {
                slots[i] = slots[i] < Folio.Mapping.EmptySlot ? Folio.Mapping.EmptySlot : slots[i];
            }

            file.NrShadows = 0;
        }

        // evict frees the inode; the dentry goes with the unlink (d_delete).
        if (file.InodeLoaded)
        {
            file.InodeLoaded = false;
            icache.FreeObject();
        }

        if (file.DentryLoaded)
        {
            file.DentryLoaded = false;
            dcache.FreeObject();
        }
    }
}
