// tmpfs files (mm/shmem.c) in the page cache: written page by page, and holes punched with
// fallocate(FALLOC_FL_PUNCH_HOLE), which truncates that range of the file's page cache.
using System.Diagnostics;
using MmSim.Mm.Stat;
using MmSim.Sim;

namespace MmSim.Mm.Filemap;

internal sealed partial class PageCache
{
    // mapping_gfp_mask of a shmem inode: GFP_HIGHUSER_MOVABLE (shmem_get_inode).
    private const GfpFlags ShmemGfp = GfpFlags.HighUserMovable;

    /// <summary>The tmpfs file named <paramref name="name"/> (shmem_file_setup / creat on tmpfs), made at least <paramref name="nrPages"/> long.</summary>
    /// <param name="name">File name.</param>
    /// <param name="nrPages">Pages.</param>
    /// <returns>The file.</returns>
    /// <exception cref="InvalidOperationException">A regular file has that name.</exception>
    public CachedFile OpenShmem(string name, long nrPages)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nrPages, 1);
        if (byName.TryGetValue(name, out CachedFile? file))
        {
            if (!file.IsShmem)
            {
                throw new InvalidOperationException($"'{name}' is a regular file, not a tmpfs file");
            }

            file.Extend(nrPages);
            return file;
        }

        // The shmem inode and its dentry are not allocated from slab here (see docs/fidelity.md).
        file = mappings.Register(new CachedFile(name, nrPages, shmem: true));
        file.InodeLoaded = true;
        file.DentryLoaded = true;
        file.Sb = sbLru;
        files.Add(file);
        byName.Add(name, file);
        return file;
    }

    /// <summary>
    /// write() of a whole page of a tmpfs file: shmem_write_begin → shmem_get_folio(SGP_WRITE), which
    /// allocates an order-0 folio with the mapping's mask and adds it (NR_FILE_PAGES, NR_SHMEM, swap-backed
    /// LRU), then shmem_write_end marks it dirty (noop_dirty_folio: no dirty accounting). <see cref="TaskContext.Ret"/>
    /// is 1, or 0 without memory (-ENOMEM).
    /// </summary>
    /// <param name="file">A tmpfs file.</param>
    /// <param name="index">Page index.</param>
    /// <param name="stats">Where the writer's allocations are counted.</param>
    /// <returns>The coroutine the writing task awaits.</returns>
    public IEnumerable<Wait> ShmemWrite(CachedFile file, long index, IAllocAccount stats)
    {
        Debug.Assert(file.IsShmem, "shmem_write_begin on a tmpfs file");
        TaskContext current = pa.Current;
        current.Ret = 1;
        if (file.Pfn[index] < 0)
        {
            yield return Wait.Call(pa.AllocPagesWait(ShmemGfp, 0, OwnerKind.File, file.Id));
            int pfn = current.AllocResult;
            if (pfn >= 0 && Memcg is { } memcg)
            {
                // shmem_alloc_and_add_folio: mem_cgroup_charge before the folio joins the cache.
                yield return Wait.Call(ChargeNewFolio(memcg, pfn, current));
                pfn = current.AllocResult;
            }

            stats.CountAlloc(0, pfn < 0);
            if (pfn < 0)
            {
                current.Ret = 0;
                yield break;
            }

            if (file.Pfn[index] >= 0)
            {
                // Another task added the folio while this one slept (-EEXIST): use that one.
                alloc.FreePages(pfn, 0);
                stats.CountFree();
            }
            else
            {
                // shmem_alloc_folio's folio is swap-backed before it joins the (anon) LRU.
                alloc.Node.Pages[pfn].Set(PageFlags.SwapBacked);
                InsertFolio(file, index, pfn);
                alloc.Node.ModNodePageState(NodeStatItem.NrShmem, 1);
            }
        }

        // noop_dirty_folio: PG_dirty only.
        alloc.Node.Pages[file.Pfn[index]].Set(PageFlags.Dirty);
    }

    /// <summary>
    /// fallocate(FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE) of pages [<paramref name="start"/>,
    /// <paramref name="start"/> + <paramref name="nrPages"/>) of a tmpfs file: shmem_fallocate →
    /// shmem_truncate_range → shmem_undo_range. The first pass removes every folio it can lock at once and
    /// that is not under writeback; the second locks (sleeping in D) and waits for writeback on the rest, as
    /// truncate_inode_pages_range does, holding a reference so the folio cannot be migrated or freed meanwhile.
    /// <see cref="TaskContext.Ret"/> is the number of pages freed.
    /// </summary>
    /// <param name="file">A tmpfs file.</param>
    /// <param name="start">First page index.</param>
    /// <param name="nrPages">Pages.</param>
    /// <param name="folioWait">The folio lock and writeback waits.</param>
    /// <returns>The coroutine the punching task awaits.</returns>
    public IEnumerable<Wait> ShmemPunchHole(CachedFile file, long start, long nrPages, FolioWait folioWait)
    {
        Debug.Assert(file.IsShmem, "shmem_fallocate on a tmpfs file");
        ArgumentNullException.ThrowIfNull(folioWait);
        TaskContext current = pa.Current;
        long end = Math.Min(start + nrPages, file.NrPages);
        long freed = 0;

        // First pass (find_lock_entries): only folios locked without sleeping and not under writeback.
        for (long i = start; i < end; i++)
        {
            int pfn = file.Pfn[i];
            if (pfn >= 0 && !alloc.Node.Pages[pfn].Has(PageFlags.Writeback) && folioWait.FolioTrylock(pfn))
            {
                folioWait.FolioUnlock(pfn);
                ShmemRemoveFolio(file, i, pfn);
                freed++;
            }
        }

        // Second pass: folio_lock and folio_wait_writeback on what is left, with a reference held.
        for (long i = start; i < end; i++)
        {
            int pfn = file.Pfn[i];
            if (pfn < 0)
            {
                continue;
            }

            rmap.Refs.AddExtraRefs(pfn, 1);
            yield return Wait.Call(folioWait.FolioLock(pfn));
            yield return Wait.Call(folioWait.FolioWaitWriteback(pfn));
            folioWait.FolioUnlock(pfn);
            rmap.Refs.AddExtraRefs(pfn, -1);
            if (file.Pfn[i] == pfn)
            {
                ShmemRemoveFolio(file, i, pfn);
                freed++;
            }
        }

        current.Ret = (int)Math.Min(freed, int.MaxValue);
    }

    // truncate_inode_folio → filemap_remove_folio (NR_FILE_PAGES, NR_SHMEM), then the last reference goes.
    private void ShmemRemoveFolio(CachedFile file, long index, int pfn)
    {
        Debug.Assert(file.Pfn[index] == pfn, "the slot holds the folio");
        lru.FolioPutLru(pfn);
        alloc.Node.Pages[pfn].Clear(PageFlags.Dirty | PageFlags.SwapBacked);
        RemoveFolio(file, pfn);
                file.NrCached--;
        alloc.Node.ModNodePageState(NodeStatItem.NrFilePages, -1);
        alloc.Node.ModNodePageState(NodeStatItem.NrShmem, -1);
    }
}
