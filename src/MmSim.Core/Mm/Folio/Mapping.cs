// The address_space side of folio state: what a folio's page->mapping points to. A folio's head
// page records the mapping's id (PageFrame.Owner) and its index in the mapping (PgData.FolioIndex);
// the mapping keeps the forward map (index → PFN), so rmap (mm/rmap.c) and migration
// (mm/migrate.c) replace or unmap a folio in O(1) without a scan. Registry: MappingRegistry.cs.
namespace MmSim.Mm.Folio;

/// <summary>What kind of object a folio's mapping is.</summary>
/// <remarks>include/linux/page-flags.h: folio_test_anon, __folio_test_movable; include/linux/fs.h: struct address_space.</remarks>
public enum MappingKind : byte
{
    /// <summary>No mapping (page->mapping == NULL): kernel allocations, page tables, free pages.</summary>
    None = 0,

    /// <summary>Page cache of a regular file on a mounted filesystem.</summary>
    File,

    /// <summary>shmem/tmpfs: page cache that is swap-backed.</summary>
    Shmem,

    /// <summary>Anonymous memory: page->mapping is an anon_vma (PAGE_MAPPING_ANON).</summary>
    Anon,

    /// <summary>A slab cache's pages (struct slab).</summary>
    Slab,

    /// <summary>Kernel memory tracked by owner (hugetlb pool, contiguous ranges, op scripts).</summary>
    Kernel,

    /// <summary>Pages with movable_ops (zsmalloc, balloon): movable but not on an LRU.</summary>
    MovableOps,
}

/// <summary>Which <c>address_space_operations</c> a mapping provides (only the ones mm asks about).</summary>
/// <remarks>include/linux/fs.h: struct address_space_operations.</remarks>
[Flags]
public enum AopsCaps : byte
{
    /// <summary>None.</summary>
    None = 0,

    /// <summary><c>migrate_folio</c>: migration moves dirty folios itself (filemap_migrate_folio, migrate_folio).</summary>
    MigrateFolio = 1,

    /// <summary><c>writepages</c>: the mapping can be written back.</summary>
    Writepages = 2,

    /// <summary><c>dirty_folio</c>: folios can be dirtied (filemap_dirty_folio and friends).</summary>
    DirtyFolio = 4,
}

/// <summary>Address-space flags (<c>enum mapping_flags</c>) that mm consults.</summary>
/// <remarks>include/linux/pagemap.h: AS_UNEVICTABLE, AS_WRITEBACK_MAY_DEADLOCK_ON_RECLAIM (6.16+).</remarks>
[Flags]
public enum AsFlags : byte
{
    /// <summary>None.</summary>
    None = 0,

    /// <summary>AS_UNEVICTABLE: ramfs, SHM_LOCK, secretmem — folios go to the unevictable LRU.</summary>
    Unevictable = 1,

    /// <summary>AS_WRITEBACK_MAY_DEADLOCK_ON_RECLAIM: reclaim must not wait on this mapping's writeback (FUSE, 6.16+).</summary>
    WritebackMayDeadlockOnReclaim = 2,

    // Writeback (issue 8): set by the filesystem at inode init.

    /// <summary>
    /// mapping_set_large_folios: the page cache may hold folios up to MAX_PAGECACHE_ORDER (ext4, xfs in 6.18;
    /// the AS_FOLIO_ORDER_MAX bits set to it). Without it every page-cache folio is order 0.
    /// </summary>
    LargeFolios = 4,

    /// <summary>AS_STABLE_WRITES: folios under writeback must not change, so writers wait (folio_wait_stable).</summary>
    StableWrites = 8,
}

/// <summary>
/// A folio's mapping: an address space (file, shmem), an anonymous VMA's anon_vma, a slab cache, or
/// a kernel owner. It knows its kind, its operations, its flags and its backing device, and keeps the
/// forward map from index to the PFN that holds that index.
/// </summary>
/// <remarks>
/// include/linux/fs.h: struct address_space (i_pages is the xarray; here <see cref="Slots"/>);
/// mm/rmap.c: for anonymous memory the page tables are the forward map. Subclasses own their
/// slot arrays; the base class gives the O(1) replace and unmap that migration and reclaim need.
/// </remarks>
public class Mapping
{
    /// <summary>Creates a mapping; <see cref="MappingRegistry.Register"/> gives it its id.</summary>
    /// <param name="kind">What it is.</param>
    /// <param name="name">A name for reports (file name, cache name, process).</param>
    /// <param name="aops">Its address_space_operations.</param>
    /// <param name="flags">Its AS_* flags.</param>
    /// <param name="backingDev">Name of its backing device (bdi), or null for none.</param>
    public Mapping(MappingKind kind, string name, AopsCaps aops = AopsCaps.None, AsFlags flags = AsFlags.None, string? backingDev = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        Kind = kind;
        Name = name;
        Aops = aops;
        Flags = flags;
        BackingDev = backingDev;
    }

    /// <summary>Id recorded on the head page of each of its folios (0 means none); set at registration.</summary>
    public int Id { get; internal set; }

    /// <summary>What it is.</summary>
    public MappingKind Kind { get; }

    /// <summary>Name for reports.</summary>
    public string Name { get; }

    /// <summary>Its address_space_operations.</summary>
    public AopsCaps Aops { get; }

    /// <summary>AS_* flags (set_bit on mapping->flags).</summary>
    public AsFlags Flags { get; set; }

    /// <summary>Backing device name (inode_to_bdi), or null.</summary>
    public string? BackingDev { get; }

    /// <summary>The filesystem that ends this mapping's writeback, for the designs that ask it (FUSE sets it); null otherwise.</summary>
    public IWritebackOwner? WritebackOwner { get; set; }

    /// <summary>The forward map: PFN of the folio page at each index, negative when none; null for mappings without one.</summary>
    /// <remarks>Large folios occupy one slot per page, each holding that page's own PFN, as the
    /// xarray's multi-index entries and the page tables of a PTE-mapped folio resolve.</remarks>
    public int[]? Slots { get; protected set; }

    /// <summary>mapping_set_flags / test: whether <paramref name="flag"/> is set.</summary>
    /// <param name="flag">The flag.</param>
    /// <returns>True when set.</returns>
    public bool Has(AsFlags flag) => (Flags & flag) != 0;

    /// <summary>The PFN that holds <paramref name="index"/> (filemap_get_entry, follow_page), or a negative value.</summary>
    /// <param name="index">Page index in the mapping.</param>
    /// <returns>The PFN, or negative.</returns>
    public int Lookup(long index) => Slots is { } s && (ulong)index < (ulong)s.Length ? s[index] : -1;

    /// <summary>
    /// Points the <paramref name="nrPages"/> slots from <paramref name="index"/> at the folio that now starts at
    /// <paramref name="newPfn"/>, where they pointed at the folio at <paramref name="oldPfn"/>.
    /// </summary>
    /// <param name="index">The folio's first index.</param>
    /// <param name="oldPfn">The folio being replaced.</param>
    /// <param name="newPfn">Its replacement.</param>
    /// <param name="nrPages">Pages of the folio.</param>
    /// <remarks>mm/migrate.c: __folio_migrate_mapping (xas_store) and remove_migration_ptes. O(folio pages).</remarks>
    /// <exception cref="InvalidOperationException">A slot does not hold the old folio.</exception>
    public virtual void ReplaceFolio(long index, int oldPfn, int newPfn, int nrPages) => Repoint(index, oldPfn, newPfn, nrPages);

    /// <summary>Removes the folio at <paramref name="index"/> from the forward map (try_to_unmap of a page-table mapping, or __filemap_remove_folio).</summary>
    /// <param name="index">The folio's first index.</param>
    /// <param name="pfn">The folio.</param>
    /// <param name="nrPages">Pages of the folio.</param>
    /// <exception cref="InvalidOperationException">A slot does not hold the folio.</exception>
    public virtual void UnmapFolio(long index, int pfn, int nrPages) => Repoint(index, pfn, -1, nrPages);

    // Points the folio's slots at newPfn + i (or empty when newPfn < 0), checking each held oldPfn + i.
    // A partly unmapped large folio has empty slots, which stay empty; a slot pointing elsewhere is corruption.
    private void Repoint(long index, int oldPfn, int newPfn, int nrPages)
    {
        int[] s = Slots ?? throw new InvalidOperationException($"mapping {Name} has no forward map");
        for (int i = 0; i < nrPages; i++)
        {
            int slot = s[index + i];
            if (slot < 0 && nrPages > 1)
            {
                continue;
            }

            if (slot != oldPfn + i)
            {
                throw new InvalidOperationException(
                    $"mapping {Name} index {index + i}: slot holds pfn {slot}, not pfn {oldPfn + i}");
            }

            s[index + i] = newPfn < 0 ? EmptySlot : newPfn + i;
        }
    }

    /// <summary>The value of a slot with no folio.</summary>
    public const int EmptySlot = -1;

    /// <inheritdoc/>
    public override string ToString() => Name;
}
