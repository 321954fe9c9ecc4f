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
        for (long i = 0; i < index.Length && file.NrCached > 0; i++)
        {
            int pfn = index[i];
            if (pfn < 0 || (alloc.Node.Pages[pfn].Flags & (uint)(PageFlags.Writeback | PageFlags.Locked)) != 0)
            {
                continue;
            }

            freed += TruncateFolio(file, pfn);
        }

        EvictInode(file, freed);
        return freed;
    }

    /// <summary>
    /// unlink + evict as the kernel runs it (truncate_inode_pages_final): every folio is locked, waited
    /// on while under writeback (folio_wait_writeback, D), its dirty accounting cancelled and removed.
    /// <see cref="TaskContext.Ret"/> is the number of pages freed.
    /// </summary>
    /// <param name="file">The file.</param>
    /// <returns>The coroutine.</returns>
    public IEnumerable<Wait> UnlinkWait(CachedFile file)
    {
        TaskContext current = pa.Current;
        long freed = 0;
        int[] index = file.Pfn;
        for (long i = 0; i < index.Length && file.NrCached > 0; i++)
        {
            int pfn = index[i];
            if (pfn < 0)
            {
                continue;
            }

            if (Folios is not null)
            {
                yield return Wait.Call(LockFolioOf(file, i, pfn));
                if (file.Pfn[i] != pfn)
                {
                    i--;
                    continue;
                }

                // truncate_inode_pages_range: folio_wait_writeback under the folio lock.
                if (alloc.Node.Pages[pfn].Has(PageFlags.Writeback))
                {
                    yield return Wait.Call(Folios.FolioWaitWriteback(pfn));
                }

                Folios.FolioUnlock(pfn);
            }

            freed += TruncateFolio(file, pfn);
        }

        EvictInode(file, freed);
        current.Ret = (int)Math.Min(int.MaxValue, freed);
    }

    // truncate_cleanup_folio (folio_cancel_dirty → folio_account_cleaned) and filemap_remove_folio.
    private long TruncateFolio(CachedFile file, int pfn)
    {
        if (alloc.Node.Pages[pfn].Has(PageFlags.Dirty))
        {
            alloc.Node.Pages[pfn].Clear(PageFlags.Dirty);
            if (!file.IsShmem)
            {
                AccountCleaned(file, pfn, FolioPages(alloc.Node.Pages[pfn]));
            }
        }

        RemoveFolio(pfn);
        file.NrCached--;
        return 1;
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

        if (file.InodeLoaded)
        {
            file.InodeLoaded = false;
            icache.FreeObject();
            dcache.FreeObject();
        }
    }
}
