// The superblock shrinker of the run's filesystem (fs/super.c: super_cache_count, super_cache_scan) over
// the dentry and inode caches (fs/dcache.c: prune_dcache_sb; fs/inode.c: prune_icache_sb), and what
// drop_caches' slab bit does to them. x86-64 has no CONFIG_HIGHMEM: an inode with page cache is not
// shrinkable (mapping_shrinkable), so the inode shrinker never drops pages (no pginodesteal here).
using MmSim.Mm.Slab;

namespace MmSim.Mm.Filemap;

internal sealed partial class PageCache
{
    // alloc_super: s_shrink->batch = 1024.
    private const int SuperBatch = 1024;

    // Where the next dentry and inode LRU walks start in `files` (the lists are walked oldest first and
    // resume where the last walk stopped).
    private int dentryCursor;
    private int inodeCursor;

    /// <inheritdoc/>
    public int Batch => SuperBatch;

    /// <inheritdoc/>
    /// <remarks>
    /// drop_slab (shrink_slab at priority 0 until nothing more goes): every unused dentry, then every inode
    /// left unused with no page cache (mapping_shrinkable). Inodes with cached pages stay, with their pages.
    /// </remarks>
    public long DropSlab()
    {
        long pages = icache.Pages + dcache.Pages;
        long dentries = 0, inodes = 0;
        foreach (CachedFile file in files)
        {
            if (file.IsShmem || !file.DentryLoaded)
            {
                continue;
            }

            file.DentryLoaded = false;
            dentries++;
        }

        foreach (CachedFile file in files)
        {
            if (InodeOnLru(file))
            {
                file.InodeLoaded = false;
                inodes++;
            }
        }

        icache.Shrink(icache.Objects - inodes);
        dcache.Shrink(dcache.Objects - dentries);
        return pages - icache.Pages - dcache.Pages;
    }

    /// <inheritdoc/>
    /// <remarks>fs/super.c: super_cache_count — the dentry LRU plus the inode LRU (vfs_cache_pressure 100).</remarks>
    public long CountObjects(ShrinkControl sc)
    {
        ArgumentNullException.ThrowIfNull(sc);
        if (sc.MemcgId != 0)
        {
            return 0;
        }

        (long dentries, long inodes) = LruCounts();
        return dentries + inodes;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// fs/super.c: super_cache_scan — without __GFP_FS it stops; otherwise the scan is split between the two
    /// LRUs in proportion to their sizes, dentries first (a pruned dentry drops its inode's last reference).
    /// </remarks>
    public long ScanObjects(ShrinkControl sc)
    {
        ArgumentNullException.ThrowIfNull(sc);
        if ((sc.GfpMask & GfpFlags.Fs) == 0)
        {
            return IReclaimableSlab.ShrinkStop;
        }

        (long dentries, long inodes) = LruCounts();
        long total = dentries + inodes + 1;
        long dentryScan = (sc.NrToScan * dentries / total) + 1;
        long inodeScan = (sc.NrToScan * inodes / total) + 1;
        long pages = icache.Pages + dcache.Pages;
        long freed = PruneDcacheSb(dentryScan) + PruneIcacheSb(inodeScan);
        sc.ReclaimedPages += pages - icache.Pages - dcache.Pages;
        return freed;
    }

    // Unused dentries (every loaded one: readers hold none between calls) and unused inodes (no dentry, no
    // page cache), as list_lru_shrink_count reads them: kept as files change (SbLru), not counted per call.
    private (long Dentries, long Inodes) LruCounts() => (sbLru.Dentries, sbLru.CountInodes());

    // The same counts by a walk over every file, which the invariant check compares with LruCounts.
    private (long Dentries, long Inodes) LruCountsByWalk()
    {
        long dentries = 0, inodes = 0;
        foreach (CachedFile file in files)
        {
            dentries += !file.IsShmem && file.DentryLoaded ? 1 : 0;
            inodes += InodeOnLru(file) ? 1 : 0;
        }

        return (dentries, inodes);
    }

    private static bool InodeOnLru(CachedFile file) => file.InodeOnLru;

    // fs/dcache.c: prune_dcache_sb — frees up to nr unused dentries, oldest first. No DCACHE_REFERENCED
    // second chance (docs/fidelity.md).
    private long PruneDcacheSb(long nr)
    {
        long freed = 0;

        // With no unused dentry the walk below goes once round every file, frees nothing and stops where it
        // began: skip it.
        if (sbLru.Dentries == 0)
        {
            dcache.Shrink(dcache.Objects);
            return 0;
        }

        for (int seen = 0; seen < files.Count && freed < nr; seen++)
        {
            CachedFile file = files[dentryCursor];
            dentryCursor = (dentryCursor + 1) % files.Count;
            if (!file.IsShmem && file.DentryLoaded)
            {
                file.DentryLoaded = false;
                freed++;
            }
        }

        dcache.Shrink(dcache.Objects - freed);
        return freed;
    }

    // fs/inode.c: prune_icache_sb — evicts up to nr inodes of the inode LRU (unused, no page cache).
    private long PruneIcacheSb(long nr)
    {
        // Asked for more than the LRU holds, the walk below goes once round every file, frees every inode on
        // the LRU and stops where it began (the cursor moves files.Count places): the same without the walk,
        // which was O(files) on every shrinker call once the LRU was empty. (At nr equal to the LRU's size the
        // walk stops after the last one it frees, so the cursor moves: that case walks.)
        if (nr > sbLru.CountInodes())
        {
            long evicted = sbLru.EvictAllInodes();
            icache.Shrink(icache.Objects - evicted);
            return evicted;
        }

        long freed = 0;
        for (int seen = 0; seen < files.Count && freed < nr; seen++)
        {
            CachedFile file = files[inodeCursor];
            inodeCursor = (inodeCursor + 1) % files.Count;
            if (InodeOnLru(file))
            {
                file.InodeLoaded = false;
                freed++;
            }
        }

        icache.Shrink(icache.Objects - freed);
        return freed;
    }
}
