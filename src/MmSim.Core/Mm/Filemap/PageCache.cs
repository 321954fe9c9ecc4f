using MmSim.Sim;
using MmSim.Mm.Folio;
using MmSim.Mm.Slab;
using System.Diagnostics;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;
using MmSim.Mm.Swap;

namespace MmSim.Mm.Filemap;

/// <summary>One cached file: its address_space (index → page, registered as a <see cref="Mapping"/>) and its inode state.</summary>
/// <remarks>include/linux/fs.h: struct address_space; the slots are i_pages.</remarks>
internal sealed partial class CachedFile : Mapping
{
    /// <summary>Creates the address space of a file of <paramref name="nrPages"/> pages.</summary>
    /// <param name="name">File name.</param>
    /// <param name="nrPages">Pages.</param>
    /// <param name="shmem">A tmpfs file: shmem_aops (migrate_folio, noop_dirty_folio, no writepages in 6.18).</param>
    public CachedFile(string name, long nrPages, bool shmem = false)
        : base(shmem ? MappingKind.Shmem : MappingKind.File, name, shmem ? AopsCaps.MigrateFolio | AopsCaps.DirtyFolio : AopsCaps.MigrateFolio | AopsCaps.Writepages | AopsCaps.DirtyFolio)
    {
        Slots = NewIndex(nrPages);
    }

    /// <summary>A tmpfs (shmem) file: swap-backed page cache.</summary>
    public bool IsShmem => Kind == MappingKind.Shmem;

    /// <summary>Pages of the file.</summary>
    public long NrPages => Pfn.Length;

    /// <summary>PFN of each cached page, -1 when not cached (the mapping's xarray).</summary>
    public int[] Pfn => Slots!;

    /// <summary>Pages in the page cache.</summary>
    public long NrCached { get; set; }

    /// <summary>Dirty pages.</summary>
    public long NrDirty { get; set; }

    /// <summary>The inode and its dentry are in their slab caches.</summary>
    public bool InodeLoaded { get; set; }

    /// <summary>Makes the file at least <paramref name="pages"/> long (another workload named it larger).</summary>
    public void Extend(long pages)
    {
        if (pages <= Pfn.Length)
        {
            return;
        }

        int[] index = NewIndex(pages);
        Array.Copy(Pfn, index, Pfn.Length);
        Slots = index;
    }

    private static int[] NewIndex(long pages)
    {
        var index = new int[pages];
        Array.Fill(index, EmptySlot);
        return index;
    }
}

/// <summary>
/// The page cache of the run's files (mm/filemap.c) and what drop_caches does to it
/// (fs/drop_caches.c, mm/truncate.c: invalidate_mapping_pages). No readahead, no writeback and no
/// reclaim: a page enters on first access and leaves only when caches are dropped.
/// </summary>
internal sealed partial class PageCache : IReclaimableSlab
{
    // /proc/slabinfo on x86-64: ext4_inode_cache has 27 objects per order-3 slab (3 in an order-0
    // slab), dentry 21 per order-0 slab.
    private const int InodeSlabOrder = 3;
    private const int InodesPerSlab = 27;
    private const int InodesPerMinSlab = 3;
    private const int DentriesPerSlab = 21;

    // readahead_gfp_mask: mapping_gfp_mask | __GFP_NORETRY | __GFP_NOWARN.
    private const GfpFlags ReadaheadGfp = GfpFlags.HighUserMovable | GfpFlags.NoRetry | GfpFlags.NoWarn;

    // 512-byte sectors per page: pgpgin is counted in sectors.
    private const int SectorsPerPage = MmConstants.PageSize / 512;

    private readonly PageAllocator alloc;
    private readonly IAllocPagesWait pa;
    private readonly MappingRegistry mappings;
    private readonly Rmap.Rmap rmap;
    private readonly Lru lru;
    private readonly List<CachedFile> files = [];
    private readonly Dictionary<string, CachedFile> byName = new(StringComparer.Ordinal);
    private readonly SlabCache icache;
    private readonly SlabCache dcache;

    public PageCache(PageAllocator alloc, IAllocPagesWait pa, MappingRegistry mappings, Rmap.Rmap rmap, Shrinkers shrinkers, Lru lru)
    {
        this.lru = lru;
        this.alloc = alloc;
        this.pa = pa;
        this.mappings = mappings;
        this.rmap = rmap;
        icache = new SlabCache(alloc, pa, SlabStats, "ext4_inode_cache", mappings.Register(new Mapping(MappingKind.Slab, "ext4_inode_cache")).Id, InodeSlabOrder, InodesPerSlab, InodesPerMinSlab);
        dcache = new SlabCache(alloc, pa, SlabStats, "dentry", mappings.Register(new Mapping(MappingKind.Slab, "dentry")).Id, 0, DentriesPerSlab, DentriesPerSlab);
        shrinkers.Register(this);
    }

    /// <summary>memcg: the memory cgroups new folios are charged to (the reader's or writer's); null when disabled.</summary>
    public Memcontrol.MemcgTree? Memcg { get; set; }

    // memcg: TryRead declined because the charge could not be made at once (not because the fast path
    // failed): ReadAfterFastPath then allocates from the start. Read and consumed within one event.
    private bool memcgDeferred;

    /// <summary>Counts of the inode and dentry slabs (no workload owns them).</summary>
    public AllocTally SlabStats { get; } = new();

    /// <summary>Pages held by the inode and dentry caches.</summary>
    public long InodeSlabPages => icache.Pages + dcache.Pages;

    /// <summary>Files in the order first opened.</summary>
    public IReadOnlyList<CachedFile> Files => files;

    /// <summary>The file named <paramref name="name"/>, made at least <paramref name="nrPages"/> long.</summary>
    public CachedFile Open(string name, long nrPages)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nrPages, 1);
        if (byName.TryGetValue(name, out CachedFile? file))
        {
            file.Extend(nrPages);
            return file;
        }

        file = mappings.Register(new CachedFile(name, nrPages));
        files.Add(file);
        byName.Add(name, file);
        return file;
    }

    /// <summary>A read that hits: the inode is in memory and the page is cached, so nothing is allocated (filemap_get_pages' fast case).</summary>
    /// <param name="file">The file.</param>
    /// <param name="index">Page index.</param>
    /// <returns>True when the read is done; false when <see cref="Read"/> has to run.</returns>
    public static bool TryReadCached(CachedFile file, long index) => file.InodeLoaded && file.Pfn[index] >= 0;

    /// <summary>
    /// A read that needs no sleep: a hit, or a miss of a loaded inode whose folio the allocator's fast path
    /// serves. False means <see cref="ReadAfterFastPath"/> must run (the fast path failed, or the inode is not loaded).
    /// </summary>
    /// <param name="file">The file.</param>
    /// <param name="index">Page index.</param>
    /// <param name="stats">Where the reader's allocations are counted.</param>
    /// <returns>True when the read is done.</returns>
    public bool TryRead(CachedFile file, long index, IAllocAccount stats)
    {
        if (!file.InodeLoaded && !TryLoadInode(file))
        {
            return false;
        }

        if (file.Pfn[index] >= 0)
        {
            return true;
        }

        TaskContext current = pa.Current;
        if (Memcg is { } memcg && !memcg.MayChargeAtOnce(current, 1))
        {
            memcgDeferred = true;
            return false;
        }

        int pfn = pa.TryAllocPagesFast(ReadaheadGfp, 0, OwnerKind.File, file.Id);
        if (pfn < 0)
        {
            return false;
        }

        Memcg?.ChargeAtOnce(pfn, current);
        stats.CountAlloc(0, false);
        InsertFolio(file, index, pfn);
        alloc.Node.CountVmEvents(VmEventItem.Pgpgin, SectorsPerPage);
        return true;
    }

    /// <summary>What <see cref="Read"/> does after <see cref="TryRead"/> returned false: loads the inode, or
    /// continues the allocation in the slowpath where the fast path just failed.</summary>
    /// <param name="file">The file.</param>
    /// <param name="index">Page index.</param>
    /// <param name="stats">Where the reader's allocations are counted.</param>
    /// <returns>The coroutine; <see cref="TaskContext.Ret"/> is 1, or 0 without memory.</returns>
    public IEnumerable<Wait> ReadAfterFastPath(CachedFile file, long index, IAllocAccount stats)
    {
        bool fastPathFailed = !memcgDeferred;
        memcgDeferred = false;
        return file.InodeLoaded ? AddToPageCache(file, index, ReadaheadGfp, stats, fastPathFailed, pgpgin: true) : Read(file, index, stats);
    }

    /// <summary>
    /// read() of page <paramref name="index"/> (filemap_read; a miss allocates as page_cache_ra_unbounded does);
    /// <see cref="TaskContext.Ret"/> is 1, or 0 when the page was not cached and no memory could be had (-ENOMEM).
    /// </summary>
    /// <param name="file">The file.</param>
    /// <param name="index">Page index.</param>
    /// <param name="stats">Where the reader's allocations are counted.</param>
    /// <returns>The coroutine the reading task awaits.</returns>
    public IEnumerable<Wait> Read(CachedFile file, long index, IAllocAccount stats)
    {
        TaskContext current = pa.Current;
        if (!file.InodeLoaded)
        {
            yield return Wait.Call(LoadInode(file));
        }

        current.Ret = 1;
        if (file.Pfn[index] >= 0)
        {
            yield break;
        }

        yield return Wait.Call(AddToPageCache(file, index, ReadaheadGfp, stats, fastPathFailed: false, pgpgin: true));
    }

    /// <summary>drop_caches bit 1: invalidate_mapping_pages on every file; returns the pages freed.</summary>
    public long DropPagecache()
    {
        long freed = 0;
        foreach (CachedFile file in files)
        {
            // tmpfs pages are dirty from their first write and have nowhere to go but swap.
            if (!file.IsShmem)
            {
                freed += InvalidateMappingPages(file);
            }
        }

        return freed;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// fs/inode.c: prune_icache_sb evicts unused inodes, dropping their clean pages (pginodesteal);
    /// an inode with dirty pages stays, as do its inode and dentry objects.
    /// </remarks>
    public long DropSlab()
    {
        long keep = 0;
        foreach (CachedFile file in files)
        {
            // A tmpfs inode lives as long as its dentry (the file is not deleted), so it is never pruned.
            if (!file.InodeLoaded || file.IsShmem)
            {
                continue;
            }

            if (file.NrDirty > 0)
            {
                keep++;
                continue;
            }

            alloc.Node.CountVmEvents(VmEventItem.Pginodesteal, InvalidateMappingPages(file));
            file.InodeLoaded = false;
        }

        return icache.Shrink(keep) + dcache.Shrink(keep);
    }

    // LoadInode when both caches have a free object in a slab they hold: nothing to allocate, nothing to
    // sleep for (the common case; a slab holds 21 to 27 objects). False leaves everything as it was.
    private bool TryLoadInode(CachedFile file)
    {
        if (!icache.HasFreeObject || !dcache.HasFreeObject)
        {
            return false;
        }

        icache.TakeFreeObject();
        dcache.TakeFreeObject();
        file.InodeLoaded = true;
        return true;
    }

    // The first access opens the file: iget loads the inode, the lookup adds a dentry. Both objects are
    // allocated even if the first fails; without memory for them the open would fail, and the access goes
    // on regardless (counted in SlabStats).
    private IEnumerable<Wait> LoadInode(CachedFile file)
    {
        if (file.InodeLoaded)
        {
            yield break;
        }

        TaskContext current = pa.Current;
        yield return Wait.Call(icache.AllocObject());
        bool inode = current.Ret == 1;
        yield return Wait.Call(dcache.AllocObject());
        bool dentry = current.Ret == 1;
        if (file.InodeLoaded)
        {
            // Another task loaded it while this one slept in the allocator: give the objects back.
            FreeObjectIf(icache, inode);
            FreeObjectIf(dcache, dentry);
            yield break;
        }

        file.InodeLoaded = inode & dentry;
    }

    private static void FreeObjectIf(SlabCache cache, bool taken)
    {
        if (taken)
        {
            cache.FreeObject();
        }
    }

    // filemap_add_folio of a new order-0 folio: an LRU page of the file, in NR_FILE_PAGES (and pgpgin for a
    // read). Ret is 1, or 0 without memory. A folio another task added while this one slept wins (-EEXIST:
    // the caller finds it). After a failed fast path only the slowpath runs, as __alloc_pages continues.
    private IEnumerable<Wait> AddToPageCache(CachedFile file, long index, GfpFlags gfp, IAllocAccount stats, bool fastPathFailed, bool pgpgin)
    {
        TaskContext current = pa.Current;
        yield return Wait.Call(fastPathFailed
            ? pa.AllocPagesSlowpath(gfp, 0, OwnerKind.File, file.Id)
            : pa.AllocPagesWait(gfp, 0, OwnerKind.File, file.Id));
        int pfn = current.AllocResult;
        if (pfn >= 0 && Memcg is { } memcg)
        {
            yield return Wait.Call(ChargeNewFolio(memcg, pfn, current));
            pfn = current.AllocResult;
        }

        stats.CountAlloc(0, pfn < 0);
        current.Ret = pfn < 0 ? 0 : 1;
        if (pfn < 0)
        {
            yield break;
        }

        if (file.Pfn[index] >= 0)
        {
            alloc.FreePages(pfn, 0);
            stats.CountFree();
            yield break;
        }

        InsertFolio(file, index, pfn);
        if (pgpgin)
        {
            alloc.Node.CountVmEvents(VmEventItem.Pgpgin, SectorsPerPage);
        }

        // memcg: the return to user space pays for pages charged over memory.high.
        if (Memcg is { } memcg2 && current.MemcgNrPagesOverHigh != 0)
        {
            yield return Wait.Call(memcg2.HandleOverHigh(current));
        }
    }

    // The new folio enters the mapping: an uptodate LRU page of the file.
    private void InsertFolio(CachedFile file, long index, int pfn)
    {
        alloc.Node.Pages[pfn].Set(PageFlags.Uptodate);
        rmap.SetFolioMapping(pfn, file, index);
        lru.FolioAddLru(pfn);
        file.Pfn[index] = pfn;
        file.NrCached++;
        alloc.Node.ModNodePageState(NodeStatItem.NrFilePages, 1);
    }

    // __filemap_remove_folio, then the page cache's reference is dropped and the folio freed — unless
    // migration holds it isolated: its reference is then the last, and the isolator frees it.
    private void RemoveFolio(int pfn)
    {
        rmap.Unmap(pfn);
        if (!alloc.Node.Pages[pfn].Has(PageFlags.Isolated))
        {
            lru.FolioPutLru(pfn);
            alloc.FreePages(pfn, 0);
        }
    }

    // mm/truncate.c: mapping_evict_folio skips dirty, writeback, locked and mapped folios, and folios
    // with references beyond the cache's (an isolated folio holds the isolation's).
    private long InvalidateMappingPages(CachedFile file)
    {
        long freed = 0;
        int[] index = file.Pfn;
        for (long i = 0; i < index.Length && file.NrCached > 0; i++)
        {
            int pfn = index[i];
            if (pfn < 0 || (alloc.Node.Pages[pfn].Flags & (uint)(PageFlags.Dirty | PageFlags.Writeback | PageFlags.Locked | PageFlags.Isolated)) != 0)
            {
                continue;
            }

            RemoveFolio(pfn);
            file.NrCached--;
            freed++;
        }

        alloc.Node.ModNodePageState(NodeStatItem.NrFilePages, -freed);
        Debug.Assert(file.NrCached >= file.NrDirty, "dirty pages stay cached");
        return freed;
    }
}

/// <summary>fs/drop_caches.c: what writing to /proc/sys/vm/drop_caches does.</summary>
internal static class DropCaches
{
    /// <summary>drop_caches_sysctl_handler: bit 1 drops clean page cache, bit 2 shrinks reclaimable slab.</summary>
    /// <param name="node">The node (for the counters).</param>
    /// <param name="pageCache">The page cache.</param>
    /// <param name="shrinkers">The registered shrinkers, in registration order.</param>
    /// <param name="value">1, 2 or 3.</param>
    /// <returns>Pages freed.</returns>
    public static long Write(PgData node, PageCache pageCache, Shrinkers shrinkers, long value)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 3);
        long freed = 0;
        if ((value & 1) != 0)
        {
            freed += pageCache.DropPagecache();
            node.CountVmEvent(VmEventItem.DropPagecache);
        }

        if ((value & 2) != 0)
        {
            foreach (IReclaimableSlab cache in shrinkers.Registered)
            {
                freed += cache.DropSlab();
            }

            node.CountVmEvent(VmEventItem.DropSlab);
        }

        return freed;
    }
}
