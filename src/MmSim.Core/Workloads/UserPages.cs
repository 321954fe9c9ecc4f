using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Folio;
using MmSim.Mm.PageAlloc;

namespace MmSim.Workloads;

/// <summary>
/// The raw allocations of a workload that stand for user memory. A movable one is put on the LRU and
/// into the workload's own mapping (a <see cref="SlotMapping"/>, standing for the process's anon_vma
/// and page tables), so migration can move it: the workload then holds a slot index, not a PFN, and
/// finds the block wherever it is now. A non-movable one is a kernel page and is held by PFN.
/// </summary>
/// <remarks>
/// Handles: a slot index (≥ 0) for a mapped block, the complement of its PFN (&lt; 0) for a raw one.
/// Without a kernel (allocator-only runs and benchmarks) movable blocks are only marked PG_lru, as
/// before migration existed: nothing can migrate them there.
/// </remarks>
internal sealed class UserPages
{
    private readonly PageAllocator alloc;
    private readonly LinuxKernel? kernel;
    private readonly SlotMapping? mapping;
    private readonly PageFlags lruFlags;

    /// <summary>Creates the holder.</summary>
    /// <param name="alloc">The allocator the blocks come from.</param>
    /// <param name="kernel">The kernel (its mappings, rmap and migration), or null for allocator-only runs.</param>
    /// <param name="name">The mapping's name (the workload).</param>
    /// <param name="capacityPages">Initial size of the mapping's forward map.</param>
    /// <param name="lruFlags">Flags a movable block gets (PG_lru, and PG_swapbacked for anonymous memory).</param>
    public UserPages(PageAllocator alloc, LinuxKernel? kernel, string name, int capacityPages, PageFlags lruFlags)
    {
        ArgumentNullException.ThrowIfNull(alloc);
        this.alloc = alloc;
        this.kernel = kernel;
        this.lruFlags = lruFlags;
        if (kernel is not null)
        {
            mapping = kernel.Mappings.Register(new SlotMapping(name, capacityPages));
        }
    }

    /// <summary>Takes an allocated block into the workload's memory and returns its handle.</summary>
    /// <param name="pfn">Head PFN, just allocated.</param>
    /// <param name="order">Its order.</param>
    /// <param name="movable">Whether it stands for user (LRU) memory.</param>
    /// <returns>The handle.</returns>
    public int Add(int pfn, int order, bool movable)
    {
        if (!movable)
        {
            return ~pfn;
        }

        // PG_lru only through folio_add_lru, once the folio is in its mapping (and so findable again).
        alloc.Node.Pages[pfn].Set(lruFlags & ~PageFlags.Lru);
        if (mapping is null)
        {
            return ~pfn;
        }

        // Mapped in the process's page tables (folio_add_new_anon_rmap): mapcount 1, which is what
        // compaction's racy pinned-anon check (ref count above map count) compares against.
        int slot = mapping.Insert(pfn, order);
        kernel!.Rmap.SetFolioMapping(pfn, mapping, slot);
        alloc.Node.Pages[pfn].Set(PageFlags.Mapped);
        if ((lruFlags & PageFlags.Lru) != 0)
        {
            kernel.Lru.FolioAddLru(pfn);
        }

        return slot;
    }

    /// <summary>Where the block of <paramref name="handle"/> is now.</summary>
    /// <param name="handle">A handle from <see cref="Add"/>.</param>
    /// <returns>Its head PFN.</returns>
    public int Pfn(int handle) => handle < 0 ? ~handle : mapping!.Lookup(handle);

    /// <summary>Frees the block of <paramref name="handle"/>: unmaps it and releases it (an isolated one is freed by its isolator).</summary>
    /// <param name="handle">A handle from <see cref="Add"/>.</param>
    /// <param name="order">The block's order.</param>
    public void Free(int handle, int order)
    {
        if (handle < 0)
        {
            alloc.FreePages(~handle, order);
            return;
        }

        kernel!.Migrate.FolioPutMapped(mapping!.Lookup(handle));
        mapping.Release(handle, order);
    }

    /// <summary>Whether an allocation with <paramref name="gfp"/> stands for user memory (its migratetype is MOVABLE).</summary>
    /// <param name="alloc">The allocator (its mobility grouping setting).</param>
    /// <param name="gfp">The allocation's flags.</param>
    /// <returns>True for MOVABLE.</returns>
    public static bool IsMovable(PageAllocator alloc, GfpFlags gfp) =>
        Gfp.Migratetype(gfp, alloc.Options.GroupByMobilityDisabled) == MigrateType.Movable;
}
