// filemap_grab_folio for a filesystem's own write path (FUSE write-through, fuse_fill_write_pages): the
// folio at an index, added to the page cache if absent, neither locked nor dirtied on return.
using MmSim.Mm.PageAlloc;
using MmSim.Sim;

namespace MmSim.Mm.Filemap;

internal sealed partial class PageCache
{
    /// <summary>
    /// __filemap_get_folio(FGP_CREAT) without the lock: finds or adds the folio holding <paramref name="index"/>
    /// (loading the inode first). <see cref="TaskContext.Ret"/> is 1, or 0 without memory; the head PFN is in
    /// <see cref="TaskContext.AllocResult"/>.
    /// </summary>
    /// <param name="file">The file.</param>
    /// <param name="index">Page index.</param>
    /// <param name="stats">Where the allocations are counted.</param>
    /// <returns>The coroutine.</returns>
    public IEnumerable<Wait> FilemapGrabFolio(CachedFile file, long index, IAllocAccount stats)
    {
        TaskContext current = pa.Current;
        if (!file.Opened)
        {
            yield return Wait.Call(LoadInode(file));
        }

        current.Ret = 1;
        if (file.Pfn[index] < 0)
        {
            yield return Wait.Call(AddToPageCache(file, index, GfpFlags.HighUserMovable | GfpFlags.Write, stats, fastPathFailed: false, pgpgin: false));
            if (current.Ret == 0)
            {
                yield break;
            }
        }

        current.AllocResult = FolioHead(file.Pfn[index]);
        current.Ret = 1;
    }
}
