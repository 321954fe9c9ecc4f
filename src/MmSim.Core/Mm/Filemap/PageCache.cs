using MmSim.Sim;
using MmSim.Mm.Folio;
using MmSim.Mm.Slab;
using System.Diagnostics;
using System.Runtime.InteropServices;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;
using MmSim.Mm.Swap;

namespace MmSim.Mm.Filemap;

/// <summary>One cached file: its address_space (index → page, registered as a <see cref="Mapping"/>) and its inode state.</summary>
/// <remarks>include/linux/fs.h: struct address_space; the slots are i_pages.</remarks>
internal sealed partial class CachedFile : Mapping
{
    private long nrCached;
    private long nrShadows;
    private bool inodeLoaded;
    private bool dentryLoaded;
    private SbLru? sb;

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
    public long NrCached
    {
        get => nrCached;
        set
        {
            bool zeroChanged = (nrCached == 0) != (value == 0);
            nrCached = value;
            if (zeroChanged)
            {
                Sb?.Update(this);
            }
        }
    }

    /// <summary>Dirty pages.</summary>
    public long NrDirty { get; set; }

    /// <summary>Slots holding a workingset shadow entry (a value below <see cref="Mapping.EmptySlot"/>).</summary>
    public long NrShadows
    {
        get => nrShadows;
        set
        {
            bool fewChanged = (nrShadows <= 1) != (value <= 1);
            nrShadows = value;
            if (fewChanged)
            {
                Sb?.Update(this);
            }
        }
    }

    /// <summary>The inode is in the inode cache (ext4_inode_cache).</summary>
    public bool InodeLoaded
    {
        get => inodeLoaded;
        set
        {
            if (inodeLoaded != value)
            {
                inodeLoaded = value;
                Sb?.Update(this);
            }
        }
    }

    /// <summary>Its dentry is in the dentry cache; it holds the inode's reference, so the inode is unused only without it.</summary>
    public bool DentryLoaded
    {
        get => dentryLoaded;
        set
        {
            if (dentryLoaded == value)
            {
                return;
            }

            dentryLoaded = value;
            if (Sb != null && !IsShmem)
            {
                Sb.DentryChanged(value ? 1 : -1);
                Sb.Update(this);
            }
        }
    }

    /// <summary>The superblock LRUs this file's dentry and inode count in; set once when the page cache opens it.</summary>
    public SbLru? Sb
    {
        get => sb;
        set
        {
            sb = value;
            if (sb != null && !IsShmem && dentryLoaded)
            {
                sb.DentryChanged(1);
            }

            sb?.Update(this);
        }
    }

    /// <summary>Its place in <see cref="SbLru"/>'s inode candidates, -1 when not there.</summary>
    public int SbLruSlot { get; set; } = -1;

    /// <summary>Possibly on the inode LRU: unused, no cached page, at most one shadow (<see cref="InodeOnLru"/> decides).</summary>
    public bool InodeLruCandidate => !IsShmem && inodeLoaded && !dentryLoaded && nrCached == 0 && nrShadows <= 1;

    /// <summary>
    /// On the inode LRU: unused (its dentry gone) and mapping_shrinkable without HIGHMEM — no page cache and no
    /// shadow entries, except a lone shadow at index 0 (stored in the xarray head, not in a node).
    /// </summary>
    public bool InodeOnLru => InodeLruCandidate && (nrShadows == 0 || Pfn[0] < EmptySlot);

    /// <summary>Both are in memory: a lookup and iget need no allocation.</summary>
    public bool Opened => InodeLoaded && DentryLoaded;

    /// <summary>Its readahead state (the f_ra its readers share).</summary>
    public FileRaState Ra { get; } = new();

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
/// (fs/drop_caches.c, mm/truncate.c: invalidate_mapping_pages). Reads go through readahead
/// (PageCache.Readahead.cs) and may add large folios where the mapping allows them.
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
    private readonly SbLru sbLru = new();
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

    /// <summary>Counts of the inode and dentry slabs (no workload owns them).</summary>
    public AllocTally SlabStats { get; } = new();

    /// <summary>Pages held by the inode and dentry caches.</summary>
    public long InodeSlabPages => icache.Pages + dcache.Pages;

    /// <summary>Files in the order first opened.</summary>
    public IReadOnlyList<CachedFile> Files => files;

    /// <summary>workingset_refault, called for a folio added where reclaim left a shadow entry; null: shadows are only holes.</summary>
    public IWorkingsetRefault? Workingset { get; set; }

    /// <summary>The file named <paramref name="name"/>, made at least <paramref name="nrPages"/> long.</summary>
    public CachedFile Open(string name, long nrPages)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nrPages, 1);

        // One hash lookup for both the find and the add: a preset opens hundreds of thousands of files before time 0.
        ref CachedFile? slot = ref CollectionsMarshal.GetValueRefOrAddDefault(byName, name, out bool exists);
        if (exists)
        {
            slot!.Extend(nrPages);
            return slot;
        }

        CachedFile file;
        try
        {
            file = mappings.Register(new CachedFile(name, nrPages));
        }
        catch
        {
            // No memory for the index: leave no empty entry under the name.
            byName.Remove(name);
            throw;
        }

        slot = file;
        file.Sb = sbLru;
        files.Add(file);
        return file;
    }

    /// <summary>
    /// The page is cached and its inode in memory, so an access needs no allocation (a mapped read's hit:
    /// the fault path, whose read-around is not modelled, leaves the readahead state alone).
    /// </summary>
    /// <param name="file">The file.</param>
    /// <param name="index">Page index.</param>
    /// <returns>True when the page is there; false when <see cref="Read(CachedFile, long, IAllocAccount)"/> has to run.</returns>
    public static bool TryReadCached(CachedFile file, long index) => file.Opened && file.Pfn[index] >= 0;

    /// <summary>read() of the one page <paramref name="index"/>: <see cref="Read(CachedFile, long, long, IAllocAccount)"/> of one page.</summary>
    /// <param name="file">The file.</param>
    /// <param name="index">Page index.</param>
    /// <param name="stats">Where the reader's allocations are counted.</param>
    /// <returns>The coroutine the reading task awaits.</returns>
    public IEnumerable<Wait> Read(CachedFile file, long index, IAllocAccount stats) => Read(file, index, 1, stats);

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

    // LoadInode when the caches have a free object in a slab they hold for what is missing: nothing to
    // allocate, nothing to sleep for (the common case; a slab holds 21 to 27 objects). False leaves
    // everything as it was.
    private bool TryLoadInode(CachedFile file)
    {
        if ((!file.InodeLoaded && !icache.HasFreeObject) || (!file.DentryLoaded && !dcache.HasFreeObject))
        {
            return false;
        }

        if (!file.InodeLoaded)
        {
            icache.TakeFreeObject();
            file.InodeLoaded = true;
        }

        if (!file.DentryLoaded)
        {
            dcache.TakeFreeObject();
            file.DentryLoaded = true;
        }

        return true;
    }

    // An access opens the file: iget loads the inode unless the inode cache still has it, the lookup adds
    // a dentry unless the dentry cache has it. Each object is allocated even if the other fails; without
    // memory for them the open would fail, and the access goes on regardless (counted in SlabStats).
    private IEnumerable<Wait> LoadInode(CachedFile file)
    {
        TaskContext current = pa.Current;
        if (!file.InodeLoaded)
        {
            yield return Wait.Call(icache.AllocObject());
            bool inode = current.Ret == 1;

            // Another task may have loaded it while this one slept in the allocator: give the object back.
            FreeObjectIf(icache, inode && file.InodeLoaded);
            file.InodeLoaded |= inode;
        }

        if (!file.DentryLoaded)
        {
            yield return Wait.Call(dcache.AllocObject());
            bool dentry = current.Ret == 1;
            FreeObjectIf(dcache, dentry && file.DentryLoaded);
            file.DentryLoaded |= dentry;
        }
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

    // __filemap_add_folio, then folio_add_lru: the new folio (of any order) takes its slots, one per page,
    // each holding that page's PFN. A shadow entry in its range (a value below EmptySlot, left by reclaim's
    // eviction) is handed to workingset_refault before the folio joins the LRU, which may make it start active.
    private void InsertFolio(CachedFile file, long index, int pfn)
    {
        int nr = 1 << alloc.Node.Pages[pfn].Order;
        int[] slots = file.Pfn;
        int shadow = Mapping.EmptySlot;
        for (int i = 0; i < nr; i++)
        {
            if (slots[index + i] < Mapping.EmptySlot)
            {
                shadow = shadow == Mapping.EmptySlot ? slots[index + i] : shadow;
                file.NrShadows--;
            }

            slots[index + i] = pfn + i;
        }

        alloc.Node.Pages[pfn].Set(PageFlags.Uptodate);
        rmap.SetFolioMapping(pfn, file, index);
        file.NrCached += nr;
        alloc.Node.ModNodePageState(NodeStatItem.NrFilePages, nr);
        if (shadow != Mapping.EmptySlot)
        {
            Workingset?.Refault(pfn, shadow);
        }

        lru.FolioAddLru(pfn);
    }

    // __filemap_remove_folio, then the page cache's reference is dropped and the folio freed — unless
    // migration holds it isolated: its reference is then the last, and the isolator frees it. A readahead
    // mark goes with the folio.
    private void RemoveFolio(CachedFile file, int pfn)
    {
        if (file.Ra.MarkPfn == pfn)
        {
            file.Ra.ClearMark();
        }

        rmap.Unmap(pfn);
        if (!alloc.Node.Pages[pfn].Has(PageFlags.Isolated))
        {
            lru.FolioPutLru(pfn);
            alloc.FreePages(pfn, alloc.Node.Pages[pfn].Order);
        }
    }

    // mm/truncate.c: mapping_evict_folio skips dirty, writeback, locked and mapped folios, and folios
    // with references beyond the cache's (an isolated folio holds the isolation's).
    private long InvalidateMappingPages(CachedFile file)
    {
        long freed = 0;
        int[] index = file.Pfn;
        for (long i = 0; i < index.Length && file.NrCached > 0;)
        {
            int pfn = index[i];
            if (pfn < 0)
            {
                i++;
                continue;
            }

            // A folio's head slot comes first; a large folio goes whole (mapping_evict_folio of the folio).
            int nr = 1 << alloc.Node.Pages[pfn].Order;
            i += nr;
            if ((alloc.Node.Pages[pfn].Flags & (uint)(PageFlags.Dirty | PageFlags.Writeback | PageFlags.Locked | PageFlags.Isolated)) != 0)
            {
                continue;
            }

            RemoveFolio(file, pfn);
            file.NrCached -= nr;
            freed += nr;
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
