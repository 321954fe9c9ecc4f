// The page cache's part of memory failure (mm/memory-failure.c, mm/truncate.c): soft offline first tries to
// invalidate a clean folio (mapping_evict_folio); hard memory_failure truncates the folio from its file, setting
// the mapping's error first when it was dirty (me_pagecache_dirty → me_pagecache_clean → truncate_error_folio).
using MmSim.Mm.Stat;

namespace MmSim.Mm.Filemap;

internal sealed partial class PageCache
{
    /// <summary>-EIO: what me_pagecache_dirty sets on the mapping (mapping_set_error).</summary>
    public const int EIO = -5;

    /// <summary>
    /// mapping_evict_folio for soft_offline_in_use_page: a folio that is clean, not under writeback, unmapped and has
    /// no reference beyond the cache's (and its caller's) leaves its file and is freed.
    /// </summary>
    /// <param name="file">The folio's file.</param>
    /// <param name="pfn">Head PFN of a page-cache folio of <paramref name="file"/>, not locked by anyone else.</param>
    /// <returns>True when it was evicted.</returns>
    /// <remarks>mm/truncate.c: mapping_evict_folio ("if (folio_test_dirty(folio) || folio_test_writeback(folio)) return 0",
    /// the refcount test, remove_mapping). No shadow entry: invalidation leaves a hole.</remarks>
    public bool MappingEvictFolio(CachedFile file, int pfn)
    {
        ArgumentNullException.ThrowIfNull(file);
        ref PageFrame page = ref alloc.Node.Pages[pfn];
        const PageFlags busy = PageFlags.Dirty | PageFlags.Writeback | PageFlags.Mapped | PageFlags.Isolated | PageFlags.Pinned;
        if (file.IsShmem || page.Owner != file.Id || (page.Flags & (uint)busy) != 0 || (Refs is { } r && r.ExtraRefs(pfn) != 0))
        {
            return false;
        }

        int nr = 1 << page.Order;
        RemoveFolio(file, pfn);
        file.NrCached -= nr;
        alloc.Node.ModNodePageState(NodeStatItem.NrFilePages, -nr);
        return true;
    }

    /// <summary>
    /// truncate_error_folio for memory_failure: a dirty folio first sets -EIO on its mapping (its data is lost, and
    /// the next fsync says so), then the folio is truncated from its file and freed.
    /// </summary>
    /// <param name="file">The folio's file.</param>
    /// <param name="pfn">Head PFN of an unmapped page-cache folio of <paramref name="file"/>, not under writeback.</param>
    /// <returns>True when the folio was dirty (me_pagecache_dirty).</returns>
    /// <remarks>mm/memory-failure.c: me_pagecache_dirty, me_pagecache_clean, truncate_error_folio;
    /// mm/truncate.c: generic_error_remove_folio → truncate_inode_folio.</remarks>
    public bool TruncateErrorFolio(CachedFile file, int pfn)
    {
        ArgumentNullException.ThrowIfNull(file);
        bool dirty = alloc.Node.Pages[pfn].Has(PageFlags.Dirty);
        if (dirty)
        {
            file.WbErr = EIO;
            file.WbErrCount++;
        }

        long nr = TruncateFolio(file, pfn);
        alloc.Node.ModNodePageState(NodeStatItem.NrFilePages, -nr);
        InodeCleanIfNoDirty(file);
        return dirty;
    }
}
