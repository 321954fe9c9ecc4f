using System.Runtime.CompilerServices;
using MmSim.Mm.Stat;
using static MmSim.Mm.VmBug;

namespace MmSim.Mm.PageAlloc;

/// <summary>
/// The page allocator of one node: allocation and freeing of 2^order page blocks with mobility
/// grouping, per-cpu lists, watermarks and fallback. The free lists live in <see cref="Zone"/>.
/// </summary>
/// <remarks>
/// mm/page_alloc.c ("Manages the free list, the system allocates free pages here"). This class is
/// split by mechanism: FreeList.cs (list and counter primitives), Rmqueue.cs (__rmqueue_smallest,
/// expand, __rmqueue), Fallback.cs (claim/steal, 6.15+), Fallback612.cs, FreeOnePage.cs,
/// Pcp.cs (per-cpu lists), Watermarks.cs, GetPageFromFreelist.cs, Highatomic.cs. Compaction,
/// reclaim and isolation live in their own folders and call in through the internal primitives.
/// </remarks>
public sealed partial class PageAllocator
{
    private readonly PageFrame[] pages;
    private readonly bool pcpEnabled;

    /// <summary>Creates the allocator over a node built by <see cref="MmInit"/>.</summary>
    /// <param name="pgdat">The node.</param>
    /// <param name="options">Sysctls and release switches.</param>
    public PageAllocator(PgData pgdat, PageAllocOptions options)
    {
        ArgumentNullException.ThrowIfNull(pgdat);
        ArgumentNullException.ThrowIfNull(options);
        Node = pgdat;
        Options = options;
        pages = pgdat.Pages;
        pcpEnabled = options.PcpEnabled;
    }

    /// <summary>The node.</summary>
    public PgData Node { get; }

    /// <summary>Configuration.</summary>
    public PageAllocOptions Options { get; }

    /// <summary>Attached tracepoint sink, or null.</summary>
    public IKmemTrace? Trace { get; set; }

    /// <summary>Called when the allocator would wake kswapd (wakeup_kswapd); the engine wires kswapd here.</summary>
    public Action<Zone, GfpFlags, int, ZoneType>? WakeupKswapd { get; set; }

    /// <summary>Allocation attempts that failed after the min-watermark retry.</summary>
    public long AllocFailures { get; private set; }

    /// <summary>
    /// Allocates 2^<paramref name="order"/> contiguous pages (__alloc_pages): the fast path at the low
    /// watermark with ALLOC_NOFRAGMENT where the kernel sets it, then one slowpath attempt at the min
    /// watermark (reclaim and compaction are not modelled yet).
    /// </summary>
    /// <param name="gfp">Allocation flags.</param>
    /// <param name="order">Order, 0..MAX_PAGE_ORDER.</param>
    /// <param name="owner">Owner kind recorded on the head page.</param>
    /// <param name="ownerId">Owner id recorded on the head page.</param>
    /// <returns>The first PFN, or -1 on failure.</returns>
    /// <remarks>mm/page_alloc.c: __alloc_pages_noprof, prepare_alloc_pages, __alloc_pages_slowpath (first steps).</remarks>
    public int AllocPages(GfpFlags gfp, int order, OwnerKind owner = OwnerKind.Kernel, int ownerId = 0)
    {
        if ((uint)order > MmConstants.MaxPageOrder)
        {
            throw new ArgumentOutOfRangeException(nameof(order), order, "order must be 0..MAX_PAGE_ORDER");
        }

        var ac = PrepareAllocPages(gfp);
        int pfn = -1;
        if (ac.PreferredZone != null)
        {
            pfn = GetPageFromFreelistFirstPass(gfp, order, ac);
            if (pfn < 0)
            {
                pfn = AllocPagesSlowpathNoSleep(gfp, order, ac);
            }
        }

        return FinishAllocPages(pfn, gfp, order, ac, owner, ownerId);
    }

    /// <summary>
    /// The fast path alone (get_page_from_freelist with the first pass's flags): the block on success,
    /// ready for its owner; −1 with nothing counted on failure, for the caller to enter the slowpath.
    /// </summary>
    /// <param name="gfp">Allocation flags.</param>
    /// <param name="order">Order.</param>
    /// <param name="owner">Owner kind recorded on the head page.</param>
    /// <param name="ownerId">Mapping id recorded on the head page.</param>
    /// <returns>The first PFN, or −1.</returns>
    /// <remarks>mm/page_alloc.c: __alloc_pages_noprof up to the slowpath; the slowpath recomputes the
    /// allocation context with <see cref="PrepareAllocPages"/>, a pure function of the mask.</remarks>
    public int AllocPagesFast(GfpFlags gfp, int order, OwnerKind owner, int ownerId)
    {
        if ((uint)order > MmConstants.MaxPageOrder)
        {
            throw new ArgumentOutOfRangeException(nameof(order), order, "order must be 0..MAX_PAGE_ORDER");
        }

        AllocContext ac = PrepareAllocPages(gfp);
        int pfn = ac.PreferredZone == null ? -1 : GetPageFromFreelistFirstPass(gfp, order, ac);
        if (pfn >= 0)
        {
            PrepNewPage(pfn, order, ac.Migratetype, owner, ownerId);
            Trace?.MmPageAlloc(pfn, order, gfp, ac.Migratetype);
        }

        return pfn;
    }

    /// <summary>
    /// Ends an allocation that went through the slowpath: prepares the block on success, or counts the
    /// failure (and its trace line).
    /// </summary>
    /// <param name="pfn">The block, or −1.</param>
    /// <param name="gfp">Allocation flags.</param>
    /// <param name="order">Order.</param>
    /// <param name="ac">The allocation context.</param>
    /// <param name="owner">Owner kind.</param>
    /// <param name="ownerId">Mapping id.</param>
    /// <returns><paramref name="pfn"/>.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int FinishAllocPages(int pfn, GfpFlags gfp, int order, in AllocContext ac, OwnerKind owner, int ownerId)
    {
        if (pfn < 0)
        {
            AllocFailures++;
            Trace?.MmPageAlloc(-1, order, gfp, ac.Migratetype);
            return -1;
        }

        PrepNewPage(pfn, order, ac.Migratetype, owner, ownerId);
        Trace?.MmPageAlloc(pfn, order, gfp, ac.Migratetype);
        return pfn;
    }

    /// <summary>get_page_from_freelist with the slowpath's alloc_flags (after reclaim or compaction made progress).</summary>
    /// <param name="gfp">Allocation flags.</param>
    /// <param name="order">Order.</param>
    /// <param name="ac">The allocation context.</param>
    /// <returns>The block (not yet prepared), or −1.</returns>
    public int GetPageFromFreelistSlowpath(GfpFlags gfp, int order, in AllocContext ac) =>
        GetPageFromFreelist(order, GfpToAllocFlags(gfp, order, ac.Migratetype), ac);

    // The first pass: the low watermark, and no fragmenting fallback until all local zones were considered.
    private int GetPageFromFreelistFirstPass(GfpFlags gfp, int order, in AllocContext ac)
    {
        AllocFlags flags = AllocFlags.WmarkLow | CmaFlag(ac.Migratetype) | AllocFlagsNofragment(ac.PreferredZone!, gfp);

        // Writeback (issue 8): one node, so a node over its dirty limit leaves no zone to spread to.
        if (SpreadDirtyPagesRefuses(gfp))
        {
            return -1;
        }

        return GetPageFromFreelist(order, flags, ac);
    }

    /// <summary>The memcg uncharge of a folio being freed with a memcg id (set by the kernel that wires memory cgroups).</summary>
    public Action<int, int>? UnchargeOnFree { get; set; }

    /// <summary>Frees a block allocated by <see cref="AllocPages"/> (__free_pages → free_frozen_pages).</summary>
    /// <param name="pfn">First PFN of the block.</param>
    /// <param name="order">Its order.</param>
    /// <remarks>mm/page_alloc.c: __free_frozen_pages, free_pages_prepare.</remarks>
    public void FreePages(int pfn, int order)
    {
        ref PageFrame page = ref pages[pfn];

        // __free_pages_prepare: VM_BUG_ON_PAGE(compound && compound_order(page) != order, page), and
        // free_page_is_bad for a page that is not allocated. With DEBUG_VM the kernel check names
        // itself; without it the always-on check below still refuses the free (API input check).
        VmBugOnPage(!page.Has(PageFlags.Allocated), pages, pfn, "free_pages_prepare: freeing a page that is not allocated (bad_page)");
        VmBugOnPage(page.Order != order, pages, pfn, "VM_BUG_ON_PAGE(compound && compound_order(page) != order, page) in __free_pages_prepare");
        VmBugOnPage(page.Has(PageFlags.Lru), pages, pfn, "free_page_is_bad: PG_lru is in PAGE_FLAGS_CHECK_AT_FREE (the folio is still on an LRU list)");
        if (!page.Has(PageFlags.Allocated) || page.Order != order)
        {
            throw new InvalidOperationException($"free of pfn 0x{pfn:x} order {order}: not an allocated block of that order");
        }

        if (Node.FolioMemcg[pfn] != 0)
        {
            // __folio_put → mem_cgroup_uncharge; free_pages_prepare → __memcg_kmem_uncharge_page.
            UnchargeOnFree!(pfn, order);
        }

        FreePagesPrepare(ref page, pfn, order);
        if (pcpEnabled && PerCpuPages.AllowedOrder(order))
        {
            FreeToPcp(pfn, order);
        }
        else
        {
            FreeOnePageCounted(Node.PageZone(pfn), pfn, order, FreeFlags.None);
        }
    }

    /// <summary>The allocation context (struct alloc_context).</summary>
    /// <param name="PreferredZone">The first zone of the zonelist that is populated, or null.</param>
    /// <param name="HighestZoneIdx">highest_zoneidx of the gfp mask.</param>
    /// <param name="Migratetype">The gfp mask's migratetype.</param>
    public readonly record struct AllocContext(Zone? PreferredZone, ZoneType HighestZoneIdx, MigrateType Migratetype);

    /// <summary>prepare_alloc_pages: the allocation context of a mask (a pure function of it on one node).</summary>
    /// <param name="gfp">Allocation flags.</param>
    /// <returns>The context.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public AllocContext PrepareAllocPages(GfpFlags gfp)
    {
        ZoneType highest = Gfp.Zone(gfp);
        MigrateType mt = Gfp.Migratetype(gfp, Options.GroupByMobilityDisabled);
        Zone? preferred = null;
        for (int z = (int)highest; z >= 0; z--)
        {
            if (Node.Zones[z].IsPopulated)
            {
                preferred = Node.Zones[z];
                break;
            }
        }

        return new AllocContext(preferred, highest, mt);
    }

    // mm/page_alloc.c: gfp_to_alloc_flags_cma — movable allocations may use CMA.
    private static AllocFlags CmaFlag(MigrateType mt) => mt == MigrateType.Movable ? AllocFlags.Cma : 0;

    // mm/page_alloc.c: alloc_flags_nofragment.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private AllocFlags AllocFlagsNofragment(Zone preferred, GfpFlags gfp)
    {
        // __GFP_KSWAPD_RECLAIM is ALLOC_KSWAPD.
        AllocFlags flags = (gfp & GfpFlags.KswapdReclaim) != 0 ? AllocFlags.Kswapd : 0;
        if (Options.DefragMode)
        {
            return flags | AllocFlags.NoFragment;
        }

        // CONFIG_ZONE_DMA32: only a Normal preferred zone avoids fragmenting fallbacks on the first
        // pass (on UMA, a populated Normal implies a populated DMA32).
        return preferred.Type == ZoneType.Normal ? flags | AllocFlags.NoFragment : flags;
    }

    // mm/page_alloc.c: gfp_to_alloc_flags.
    private AllocFlags GfpToAllocFlags(GfpFlags gfp, int order, MigrateType mt)
    {
        AllocFlags flags = AllocFlags.WmarkMin | AllocFlags.Cpuset;
        if ((gfp & GfpFlags.High) != 0)
        {
            flags |= AllocFlags.MinReserve;
        }

        if ((gfp & GfpFlags.KswapdReclaim) != 0)
        {
            flags |= AllocFlags.Kswapd;
        }

        if ((gfp & GfpFlags.DirectReclaim) == 0)
        {
            if ((gfp & GfpFlags.NoMemAlloc) == 0)
            {
                flags |= AllocFlags.NonBlock;
                if (order > 0 && (flags & AllocFlags.MinReserve) != 0)
                {
                    flags |= AllocFlags.HighAtomic;
                }
            }

            if ((flags & AllocFlags.MinReserve) != 0)
            {
                flags &= ~AllocFlags.Cpuset;
            }
        }

        flags |= CmaFlag(mt);
        if (Options.DefragMode)
        {
            flags |= AllocFlags.NoFragment;
        }

        return flags;
    }

    /// <summary>
    /// The start of __alloc_pages_slowpath, the part that never sleeps: wake kswapd, then retry at the
    /// min watermark with the slowpath's alloc_flags. Direct compaction and reclaim follow in
    /// <c>Mm/Slowpath</c> for requests that may sleep.
    /// </summary>
    /// <param name="gfp">Allocation flags.</param>
    /// <param name="order">Order.</param>
    /// <param name="ac">The allocation context.</param>
    /// <returns>The block (not yet prepared), or −1.</returns>
    public int AllocPagesSlowpathNoSleep(GfpFlags gfp, int order, in AllocContext ac)
    {
        AllocFlags flags = GfpToAllocFlags(gfp, order, ac.Migratetype);
        if ((flags & AllocFlags.Kswapd) != 0)
        {
            WakeAllKswapds(order, gfp, ac);
        }

        return GetPageFromFreelist(order, flags, ac);
    }

    // mm/page_alloc.c: prep_new_page / post_alloc_hook, and page_owner's __set_page_owner.
    private void PrepNewPage(int pfn, int order, MigrateType mt, OwnerKind owner, int ownerId)
    {
        CheckNewPages(pfn, order);
        ref PageFrame page = ref pages[pfn];

        // One store of the packed word (order, allocation type, owner kind, PG_allocated), not a
        // read-modify-write per field: this runs once per allocation.
        page.Flags = PageFrame.Pack(order, (byte)mt, owner, PageFlags.Allocated);
        page.Owner = ownerId;

        // page->index and the memcg id are not touched here: they are another cache line each on a random
        // PFN, and they mean something only once the folio is added to a mapping or charged, which set them.
    }

    // mm/page_alloc.c: check_new_pages (enabled by CONFIG_DEBUG_VM through check_pages_enabled):
    // no page of a block leaving the allocator may be a buddy, a pcp page, allocated or reserved
    // (PAGE_FLAGS_CHECK_AT_PREP). Checks every page of the block, as the kernel does: O(2^order),
    // and compiled out without DEBUG_VM.
    [System.Diagnostics.Conditional("DEBUG_VM")]
    private void CheckNewPages(int pfn, int order)
    {
        const uint CheckAtPrep = (uint)(PageFlags.Buddy | PageFlags.Pcp | PageFlags.Allocated | PageFlags.Reserved);
        VmBugOnPage((pages[pfn].Flags & (uint)PageFlags.Pcp) != 0, pages, pfn, "check_new_pages: page still on a pcp list");
        for (int i = 0; i < 1 << order; i++)
        {
            VmBugOnPage((pages[pfn + i].Flags & CheckAtPrep) != 0, pages, pfn + i, "check_new_pages: PAGE_FLAGS_CHECK_AT_PREP flag(s) set (bad_page)");
        }
    }

    // mm/page_alloc.c: __free_pages_prepare: the tail pages of the block being freed carry no
    // state of their own (free_tail_page_prepare, free_page_is_bad): a set flag on a tail means the
    // block overlaps another allocation or a free block. O(2^order); compiled out without DEBUG_VM.
    [System.Diagnostics.Conditional("DEBUG_VM")]
    private void FreeTailPagesCheck(int pfn, int order)
    {
        const uint CheckAtFree = (uint)(PageFlags.Buddy | PageFlags.Pcp | PageFlags.Allocated | PageFlags.Reserved);
        for (int i = 1; i < 1 << order; i++)
        {
            VmBugOnPage((pages[pfn + i].Flags & CheckAtFree) != 0, pages, pfn + i, "__free_pages_prepare: tail page in use (free_page_is_bad)");
        }
    }

    // mm/page_alloc.c: free_pages_prepare — page_owner reset, flags cleared, trace.
    private void FreePagesPrepare(ref PageFrame page, int pfn, int order)
    {
        FreeTailPagesCheck(pfn, order);
        Trace?.MmPageFree(pfn, order);
        page.Flags = PageFrame.Pack(0, MigrateTypes.None, 0, 0);
        page.Owner = 0;
    }

    /// <summary>Adds to a vm event counter (count_vm_events).</summary>
    private void CountVmEvents(VmEventItem item, long delta) => Node.CountVmEvents(item, delta);
}
