// The page cache's half of reclaim's __remove_mapping (mm/vmscan.c, mm/filemap.c:
// __filemap_remove_folio with a shadow): a clean, unmapped folio of a regular file leaves its
// file's index, and the workingset shadow entry reclaim computed takes its slot.
using MmSim.Mm.Stat;
using MmSim.Mm.Swap;

namespace MmSim.Mm.Filemap;

internal sealed partial class PageCache : IRemoveMapping
{
    /// <inheritdoc/>
    /// <remarks>The folio stays allocated and isolated: reclaim frees it. tmpfs folios leave through swap, never here.</remarks>
    public bool RemoveMapping(int pfn, int shadow)
    {
        ref PageFrame page = ref alloc.Node.Pages[pfn];
        if (rmap.FolioMapping(pfn) is not CachedFile file || file.IsShmem || page.Has(PageFlags.Dirty) || page.Has(PageFlags.Writeback))
        {
            return false;
        }

        // A large folio's whole range takes the shadow (page_cache_delete stores it over the multi-index entry).
        long index = alloc.Node.FolioIndex[pfn];
        int nr = 1 << page.Order;
        if (file.Ra.MarkPfn == pfn)
        {
            file.Ra.ClearMark();
        }

        rmap.Unmap(pfn);
        Array.Fill(file.Pfn, shadow, (int)index, nr);
        file.NrCached -= nr;
        file.NrShadows += nr;
        alloc.Node.ModNodePageState(NodeStatItem.NrFilePages, -nr);
        return true;
    }
}
