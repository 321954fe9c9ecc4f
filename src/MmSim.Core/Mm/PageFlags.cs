namespace MmSim.Mm;

/// <summary>Boolean page flags packed in <see cref="PageFrame.Flags"/> above the packed fields (bits 11–31, all used).</summary>
/// <remarks>include/linux/page-flags.h (PG_*), plus the page types (PageBuddy) and simulator-only states.</remarks>
[Flags]
#pragma warning disable CA1711 // "Flags" is the kernel's own word.
public enum PageFlags : uint
#pragma warning restore CA1711
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary>PageBuddy: head of a free block on a buddy free list.</summary>
    Buddy = 1u << 11,

    /// <summary>Free page held on a per-cpu list (free, but not in buddyinfo).</summary>
    Pcp = 1u << 12,

    /// <summary>PG_reserved: present but never given to the allocator.</summary>
    Reserved = 1u << 13,

    /// <summary>Head page of an allocated block (page_owner: PAGE_EXT_OWNER_ALLOCATED).</summary>
    Allocated = 1u << 14,

    /// <summary>PG_lru: on an LRU list, so compaction and migration can isolate it.</summary>
    Lru = 1u << 15,

    /// <summary>page_has_movable_ops (zsmalloc, balloon): movable but not LRU.</summary>
    MovableOps = 1u << 16,

    /// <summary>PG_dirty.</summary>
    Dirty = 1u << 17,

    /// <summary>PG_writeback.</summary>
    Writeback = 1u << 18,

    /// <summary>PG_reclaim.</summary>
    Reclaim = 1u << 19,

    /// <summary>PG_active.</summary>
    Active = 1u << 20,

    /// <summary>PG_referenced.</summary>
    Referenced = 1u << 21,

    /// <summary>PG_locked.</summary>
    Locked = 1u << 22,

    /// <summary>folio_maybe_dma_pinned: a long-term pin holds an extra reference.</summary>
    Pinned = 1u << 23,

    /// <summary>PG_unevictable.</summary>
    Unevictable = 1u << 24,

    /// <summary>Isolated from its LRU by compaction or reclaim.</summary>
    Isolated = 1u << 25,

    /// <summary>PG_swapbacked: anonymous or shmem.</summary>
    SwapBacked = 1u << 26,

    /// <summary>PG_uptodate: the folio's contents are valid.</summary>
    Uptodate = 1u << 27,

    /// <summary>PG_private: the filesystem attached private data (buffer heads, iomap state), one reference.</summary>
    Private = 1u << 28,

    /// <summary>PG_swapcache: an anonymous folio in the swap cache.</summary>
    SwapCache = 1u << 29,

    /// <summary>PG_mlocked: mapped by a VM_LOCKED VMA.</summary>
    Mlocked = 1u << 30,

    /// <summary>Mapped by at least one page table (folio_mapped); the mapcount is 1 unless the folio reference table records more.</summary>
    Mapped = 1u << 31,
}

/// <summary>Who owns an allocated block (page_owner's view plus the subsystem).</summary>
public enum OwnerKind : byte
{
    /// <summary>Free or unowned.</summary>
    None = 0,

    /// <summary>Generic non-LRU kernel allocation.</summary>
    Kernel = 1,

    /// <summary>Anonymous memory of a process.</summary>
    Anon = 2,

    /// <summary>Page cache of a file.</summary>
    File = 3,

    /// <summary>Unreclaimable slab.</summary>
    Slab = 4,

    /// <summary>Reclaimable slab (SLAB_RECLAIM_ACCOUNT).</summary>
    SlabReclaimable = 5,

    /// <summary>Page tables.</summary>
    PageTable = 6,

    /// <summary>Network buffers.</summary>
    NetBuf = 7,

    /// <summary>FUSE writeback temp page (≤ 6.15).</summary>
    FuseTemp = 8,

    /// <summary>Pages with movable_ops (zsmalloc, balloon).</summary>
    MovableOps = 9,

    /// <summary>An allocation made by an op script or the churn workload.</summary>
    Script = 10,

    /// <summary>Contiguous allocation (alloc_contig_range, CMA).</summary>
    Contig = 11,

    /// <summary>A hugetlb pool page (nr_hugepages): movable by gfp but not on an LRU.</summary>
    Hugetlb = 12,
}
