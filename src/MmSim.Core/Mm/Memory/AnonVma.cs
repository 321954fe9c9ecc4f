using MmSim.Sim;
using MmSim.Mm.Folio;
using System.Diagnostics;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;
using MmSim.Mm.Swap;

namespace MmSim.Mm.Memory;

/// <summary>How a mapping's pages are allocated and kept.</summary>
/// <param name="Thp">How THP applies to the mapping.</param>
/// <param name="Defrag">transparent_hugepage/defrag.</param>
/// <param name="Locked">VM_LOCKED (mlock, MAP_LOCKED).</param>
/// <param name="LongtermPin">Faulted by pin_user_pages(FOLL_LONGTERM) and pinned.</param>
internal readonly record struct AnonVmaFlags(ThpMode Thp, ThpDefrag Defrag, bool Locked, bool LongtermPin);

/// <summary>What a page fault did.</summary>
internal enum FaultResult
{
    /// <summary>The page was already mapped: no fault.</summary>
    Present,

    /// <summary>An order-0 page was mapped.</summary>
    Base,

    /// <summary>A PMD-mapped THP now maps the whole 2 MiB range.</summary>
    Huge,

    /// <summary>No memory for the page or its page table (VM_FAULT_OOM).</summary>
    Oom,

    /// <summary>
    /// Returned only by <see cref="AnonVma.TryHandleMmFault"/>: the fault needs a path that may sleep,
    /// so the task must await <see cref="AnonVma.HandleMmFault"/> (passing whether the fast path already failed).
    /// </summary>
    NeedsSleepablePath,
}

/// <summary>
/// One private anonymous mapping (a VMA starting on a 2 MiB boundary) and the memory behind it:
/// page faults with the THP path and base-page fallback, page tables, mlock, long-term pins, and
/// munmap with the kernel's split and deferred-split behaviour for partly unmapped THPs.
/// </summary>
/// <remarks>
/// mm/memory.c: __handle_mm_fault, do_anonymous_page, __pte_alloc, zap_pte_range, free_pgtables;
/// mm/huge_memory.c: do_huge_pmd_anonymous_page, zap_huge_pmd, __split_huge_pmd, deferred_split_folio.
/// Page tables: one PTE page per 2 MiB range touched (also deposited for a THP); upper levels are not
/// modelled. State is per page (what is mapped) and per 2 MiB range (THP, page table, pages still in the VMA).
/// </remarks>
internal sealed partial class AnonVma : Mapping, IMmVma, ISwapPte
{
    /// <summary>Metric: THP faults of the workload that got a huge page (its share of thp_fault_alloc).</summary>
    public const string ThpFaultAllocMetric = "thp_fault_alloc";

    /// <summary>Metric: THP faults of the workload that fell back (its share of thp_fault_fallback).</summary>
    public const string ThpFaultFallbackMetric = "thp_fault_fallback";

    private const int NotPresent = -1;
    private const int Unmapped = -2;

    private readonly PageAllocator alloc;
    private readonly IAllocPagesWait pa;
    private readonly Rmap.Rmap rmap;
    private readonly Lru lru;
    private readonly IAllocAccount stats;
    private readonly AnonVmaFlags flags;
    private readonly int ownerId;
    private readonly int[] pte;
    private readonly int[] pmdHuge;
    private readonly int[] pmdHugeMapped;
    private readonly int[] pmdTable;
    private readonly int[] pmdInVma;
    private readonly byte[] pmdState;

    // The process whose rss and page tables this mapping counts (null: a mapping outside any process).
    private readonly MmStruct? mm;

    // The swap device whose entries this mapping's PTEs may hold (null: no swap).
    private readonly SwapState? swap;
    private long pagesInVma;

    /// <summary>Maps <paramref name="nrPages"/> pages and registers the mapping; nothing is allocated until they are touched.</summary>
    /// <param name="alloc">The node's allocator.</param>
    /// <param name="pa">Allocation for the faulting task, which may sleep.</param>
    /// <param name="rmap">The reverse map (its registry gives this mapping its id).</param>
    /// <param name="lru">The node's LRU lists (faulted folios join them).</param>
    /// <param name="stats">Where the owner's allocations are counted.</param>
    /// <param name="nrPages">Length in pages.</param>
    /// <param name="flags">THP, mlock and pin behaviour.</param>
    /// <param name="name">Name for reports (the process).</param>
    /// <param name="mm">The process the mapping belongs to (its rss counters), or null.</param>
    /// <param name="swap">The swap device, or null.</param>
    public AnonVma(PageAllocator alloc, IAllocPagesWait pa, Rmap.Rmap rmap, Lru lru, IAllocAccount stats, long nrPages, AnonVmaFlags flags, string name, MmStruct? mm = null, SwapState? swap = null)
        : base(MappingKind.Anon, name, AopsCaps.MigrateFolio)
    {
        this.lru = lru;
        ArgumentOutOfRangeException.ThrowIfLessThan(nrPages, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(nrPages, MachineSpec.MaxPages);
        this.alloc = alloc;
        this.pa = pa;
        this.rmap = rmap;
        this.stats = stats;
        this.flags = flags;
        ownerId = rmap.Mappings.Register(this).Id;
        NrPages = nrPages;
        int ranges = (int)((nrPages + HugeMemory.HpagePmdNr - 1) >> HugeMemory.HpagePmdOrder);
        pte = new int[nrPages];
        Array.Fill(pte, NotPresent);
        Slots = pte;
        pmdHuge = new int[ranges];
        Array.Fill(pmdHuge, -1);
        pmdHugeMapped = new int[ranges];
        pmdTable = new int[ranges];
        Array.Fill(pmdTable, -1);
        pmdInVma = new int[ranges];
        for (int r = 0; r < ranges; r++)
        {
            pmdInVma[r] = (int)Math.Min(HugeMemory.HpagePmdNr, nrPages - ((long)r << HugeMemory.HpagePmdOrder));
        }

        pmdState = new byte[ranges];
        this.mm = mm;
        this.swap = swap;
        pagesInVma = nrPages;
        mm?.AddVma(this, nrPages);
    }

    // Per-range state bits.
    [Flags]
    private enum PmdState : byte
    {
        None = 0,

        // The THP is mapped by PTEs now (__split_huge_pmd).
        Split = 1,

        // The THP is on the deferred-split queue (partly unmapped).
        DeferredSplit = 2,
    }

    /// <summary>Pages of the mapping.</summary>
    public long NrPages { get; }

    /// <summary>memcg: the memory cgroups faults charge to (the faulting task's); null when memory cgroups are disabled.</summary>
    public Memcontrol.MemcgTree? Memcg { get; init; }

    /// <summary>A fault returned VM_FAULT_OOM (the task was OOM-killed, or nobody could be killed).</summary>
    public bool FaultOom { get; private set; }

    /// <summary>The process the mapping belongs to, or null.</summary>
    public MmStruct? Mm => mm;

    /// <summary>Whether page <paramref name="index"/> holds a swap entry (the page is swapped out).</summary>
    public bool IsSwapped(long index) => SwapState.IsSwapPte(pte[index]);

    /// <summary>Whether page <paramref name="index"/> is mapped.</summary>
    public bool IsMapped(long index) => pte[index] >= 0;

    /// <summary>Whether page <paramref name="index"/> is mapped by a THP.</summary>
    public bool IsHuge(long index) => pmdHuge[index >> HugeMemory.HpagePmdOrder] >= 0 && pte[index] >= 0;

    /// <summary>The PFN mapped at <paramref name="index"/>, or a negative value.</summary>
    public int PfnAt(long index) => pte[index];

    /// <summary>
    /// The common fault without a coroutine: a present page, or a base page in a range whose page table
    /// exists, served by the allocator's fast path. Anything else — a THP attempt, a page table to
    /// allocate, a fast path that failed — answers <see cref="FaultResult.NeedsSleepablePath"/>.
    /// </summary>
    /// <param name="index">Page index in the mapping.</param>
    /// <param name="fastPathFailed">Set when the base page's fast path failed: <see cref="HandleMmFault"/> then
    /// continues with the slowpath, as __alloc_pages would, instead of trying the fast path again.</param>
    /// <returns>The fault's result, or <see cref="FaultResult.NeedsSleepablePath"/>.</returns>
    public FaultResult TryHandleMmFault(long index, out bool fastPathFailed)
    {
        fastPathFailed = false;
        if (pte[index] >= 0)
        {
            return FaultResult.Present;
        }

        int r = (int)(index >> HugeMemory.HpagePmdOrder);
        if (pmdTable[r] < 0 || SwapState.IsSwapPte(pte[index]))
        {
            return FaultResult.NeedsSleepablePath;
        }

        // memcg: a charge that might reclaim or cross memory.high takes the sleeping path.
        TaskContext current = pa.Current;
        if (Memcg is { } memcg && !memcg.MayChargeAtOnce(current, 1))
        {
            return FaultResult.NeedsSleepablePath;
        }

        int pfn = pa.TryAllocPagesFast(AnonGfp, 0, OwnerKind.Anon, ownerId);
        if (pfn < 0)
        {
            fastPathFailed = true;
            return FaultResult.NeedsSleepablePath;
        }

        Memcg?.ChargeAtOnce(pfn, current);
        return MapBasePage(index, pfn);
    }

    /// <summary>
    /// A write to page <paramref name="index"/> (handle_mm_fault for a write fault): a coroutine the faulting
    /// task awaits, since each of its allocations may sleep in the slowpath. The result, a
    /// <see cref="FaultResult"/>, is in <see cref="TaskContext.Ret"/> when it ends.
    /// </summary>
    /// <param name="index">Page index in the mapping.</param>
    /// <param name="fastPathFailed">True when <see cref="TryHandleMmFault"/> just failed the base page's fast path.</param>
    /// <returns>The coroutine.</returns>
    /// <remarks>mm/memory.c: __handle_mm_fault, do_anonymous_page; mm/huge_memory.c: do_huge_pmd_anonymous_page.
    /// A THP is tried only while the PMD is empty, so a range that fell back stays on base pages. After an
    /// allocation the entry is checked again, as the kernel does under the page-table lock: if another task
    /// mapped it meanwhile, the new folio is freed and the fault is done.</remarks>
    public IEnumerable<Wait> HandleMmFault(long index, bool fastPathFailed = false)
    {
        yield return Wait.Call(DoHandleMmFault(index, fastPathFailed));

        // memcg: the return to user space pays for pages charged over memory.high.
        TaskContext current = pa.Current;
        if (Memcg is { } memcg && current.MemcgNrPagesOverHigh != 0)
        {
            yield return Wait.Call(memcg.HandleOverHigh(current));
        }
    }

    // __handle_mm_fault for a fault the fast path could not serve.
    private IEnumerable<Wait> DoHandleMmFault(long index, bool fastPathFailed)
    {
        Debug.Assert(index >= 0 && index < NrPages, "fault inside the mapping");
        TaskContext current = pa.Current;
        current.Ret = (int)FaultResult.Present;
        if (pte[index] >= 0)
        {
            yield break;
        }

        if (SwapState.IsSwapPte(pte[index]))
        {
            yield return Wait.Call(DoSwapPage(index));
            yield break;
        }

        Debug.Assert(pte[index] == NotPresent, "no fault on an unmapped page");
        int r = (int)(index >> HugeMemory.HpagePmdOrder);
        if (pmdTable[r] < 0 && ThpVmaSuitable(r))
        {
            GfpFlags gfp = HugeMemory.VmaThpGfpMask(flags.Defrag, flags.Thp == ThpMode.Madvise);
            // The folio joins the mapping (folio->mapping) only when mapped: the page table's allocation may
            // sleep in between (even wait for an OOM victim), and until then the rmap must not see it.
            yield return Wait.Call(Mempolicy.AllocPagesMpol(pa, gfp, HugeMemory.HpagePmdOrder, OwnerKind.Anon, 0));
            int head = current.AllocResult;
            if (ThpAllocated(head))
            {
                // vma_alloc_anon_folio_pmd: mem_cgroup_charge with the THP mask; a failed charge falls back.
                bool charged = true;
                if (Memcg is { } memcg)
                {
                    yield return Wait.Call(memcg.ChargeFolio(head, memcg.MemcgOf(current), gfp, current));
                    charged = current.Ret == 0;
                }

                if (charged)
                {
                    // __do_huge_pmd_anonymous_page deposits a page table for a later split.
                    yield return Wait.Call(PteAllocOne(current));
                    current.Ret = (int)MapHugePmd(r, head, AccountPteAlloc(current.AllocResult));
                    yield break;
                }

                ThpChargeFallback(head);
            }
        }

        // do_anonymous_page: __pte_alloc first.
        if (pmdTable[r] < 0)
        {
            yield return Wait.Call(PteAllocOne(current));
            int table = AccountPteAlloc(current.AllocResult);
            if (table < 0)
            {
                FaultOom = true;
                current.Ret = (int)FaultResult.Oom;
                yield break;
            }

            InstallPteTable(r, table);
        }

        yield return Wait.Call(fastPathFailed
            ? pa.AllocPagesSlowpath(AnonGfp, 0, OwnerKind.Anon, ownerId)
            : pa.AllocPagesWait(AnonGfp, 0, OwnerKind.Anon, ownerId));
        int pfn = current.AllocResult;
        if (pfn >= 0 && Memcg is { } memcg2)
        {
            // alloc_anon_folio → folio_prealloc: mem_cgroup_charge(folio, mm, GFP_KERNEL); a failed charge
            // frees the folio and the fault returns VM_FAULT_OOM (the memcg OOM killer already ran).
            yield return Wait.Call(memcg2.ChargeFolio(pfn, memcg2.MemcgOf(current), GfpFlags.Kernel, current));
            if (current.Ret != 0)
            {
                alloc.FreePages(pfn, 0);
                pfn = -1;
            }
        }

        current.Ret = (int)MapBasePage(index, pfn);
    }

    // pte_alloc_one → pagetable_alloc(GFP_PGTABLE_USER): the allocation, then (in __alloc_pages) the
    // __GFP_ACCOUNT charge to the task's memcg, whose failure frees the page. The PFN or -1 is left in
    // AllocResult.
    private IEnumerable<Wait> PteAllocOne(TaskContext current)
    {
        yield return Wait.Call(pa.AllocPagesWait(PgtableGfp, 0, OwnerKind.PageTable));
        int table = current.AllocResult;
        if (table >= 0 && Memcg is { } memcg)
        {
            yield return Wait.Call(memcg.ChargeKmemPage(table, PgtableGfp, current));
            if (current.Ret != 0)
            {
                alloc.FreePages(table, 0);
                current.AllocResult = -1;
            }
        }
    }

    // vma_alloc_anon_folio_pmd after a failed charge: the THP goes back, thp_fault_fallback and
    // thp_fault_fallback_charge count, and the fault continues with base pages.
    private void ThpChargeFallback(int head)
    {
        alloc.FreePages(head, HugeMemory.HpagePmdOrder);
        stats.CountFree();
        stats.AddMetric(ThpFaultFallbackMetric, 1);
        alloc.Node.CountVmEvent(VmEventItem.ThpFaultFallback);
        alloc.Node.CountVmEvent(VmEventItem.ThpFaultFallbackCharge);
    }

    /// <inheritdoc/>
    /// <remarks>A PMD-mapped THP is also repointed at its PMD (remove_migration_pmd).</remarks>
    public override void ReplaceFolio(long index, int oldPfn, int newPfn, int nrPages)
    {
        base.ReplaceFolio(index, oldPfn, newPfn, nrPages);
        if (swap is not null && alloc.Node.Pages[oldPfn].Has(PageFlags.SwapCache))
        {
            swap.MigrateSwapCacheFolio(oldPfn, newPfn); // a mapped folio in the swap cache: the cache follows too
        }

        int r = (int)(index >> HugeMemory.HpagePmdOrder);
        if (nrPages > 1 && pmdHuge[r] == oldPfn)
        {
            pmdHuge[r] = newPfn;
        }
    }

    /// <inheritdoc/>
    /// <remarks>The PMD of a THP is cleared too (try_to_unmap of a PMD mapping).</remarks>
    public override void UnmapFolio(long index, int pfn, int nrPages)
    {
        base.UnmapFolio(index, pfn, nrPages);
        int r = (int)(index >> HugeMemory.HpagePmdOrder);
        if (nrPages > 1 && pmdHuge[r] == pfn)
        {
            pmdHuge[r] = -1;
            pmdHugeMapped[r] = 0;
        }
    }

    /// <summary>munmap of pages [<paramref name="first"/>, <paramref name="first"/> + <paramref name="count"/>).</summary>
    /// <remarks>mm/mmap.c: do_vmi_munmap → unmap_region: zap the pages, then free page tables no VMA covers any more.</remarks>
    public void Unmap(long first, long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(first + count, NrPages);
        long end = first + count;
        long removed = 0;
        for (long lo = first; lo < end;)
        {
            int r = (int)(lo >> HugeMemory.HpagePmdOrder);
            long hi = Math.Min(end, (long)(r + 1) << HugeMemory.HpagePmdOrder);
            removed += ZapRange(r, lo, hi);
            lo = hi;
        }

        // The pages leave the address space (total_vm); an emptied VMA leaves the mm.
        pagesInVma -= removed;
        if (mm is not null && removed > 0)
        {
            mm.SubTotalVm(removed);
            if (pagesInVma == 0)
            {
                mm.RemoveVma(this);
            }
        }
    }

    /// <inheritdoc/>
    /// <remarks>exit_mmap: pins the process still holds go with it, then every page and page table.</remarks>
    public void ExitMmap()
    {
        if (flags.LongtermPin)
        {
            UnpinAll();
        }

        UnmapAll();
    }

    /// <summary>munmap of the whole mapping (also what exit does).</summary>
    public void UnmapAll() => Unmap(0, NrPages);

    /// <summary>unpin_user_pages of every pinned page.</summary>
    public void UnpinAll()
    {
        Debug.Assert(flags.LongtermPin, "only a pinned mapping is unpinned");
        for (long i = 0; i < NrPages; i++)
        {
            if (pte[i] >= 0 && alloc.Node.Pages[pte[i]].Has(PageFlags.Pinned))
            {
                rmap.Refs.AddPins(pte[i], -1);
                alloc.Node.ModNodePageState(NodeStatItem.NrFollPinReleased, 1);
            }
        }
    }

    // thp_vma_suitable_order: the whole 2 MiB range lies in the VMA.
    private bool ThpVmaSuitable(int r) =>
        !flags.LongtermPin && HugeMemory.ThpVmaAllowable(flags.Thp) && pmdInVma[r] == HugeMemory.HpagePmdNr;

    // GFP_PGTABLE_USER: page tables are accounted kernel memory.
    private const GfpFlags PgtableGfp = GfpFlags.KernelAccount | GfpFlags.Zero;

    // vma_alloc_zeroed_movable_folio: GFP_HIGHUSER_MOVABLE | __GFP_ZERO; a pinning fault runs under
    // memalloc_pin_save(), whose current_gfp_context strips __GFP_MOVABLE (LongtermPin sets the scope).
    private const GfpFlags AnonGfp = GfpFlags.HighUserMovable | GfpFlags.Zero;

    // do_huge_pmd_anonymous_page's allocation outcome: counts it; false means VM_FAULT_FALLBACK.
    private bool ThpAllocated(int head)
    {
        stats.CountAlloc(HugeMemory.HpagePmdOrder, head < 0);
        if (head >= 0)
        {
            return true;
        }

        stats.AddMetric(ThpFaultFallbackMetric, 1);
        alloc.Node.CountVmEvent(VmEventItem.ThpFaultFallback);
        return false;
    }

    // __do_huge_pmd_anonymous_page after its allocations: map the THP at the PMD, or give up.
    private FaultResult MapHugePmd(int r, int head, int table)
    {
        if (table < 0)
        {
            alloc.FreePages(head, HugeMemory.HpagePmdOrder);
            stats.CountFree();
            FaultOom = true;
            return FaultResult.Oom;
        }

        if (pmdTable[r] >= 0)
        {
            // Another task populated the PMD while this one slept: release and retry as done.
            FreeRaced(head, HugeMemory.HpagePmdOrder);
            FreeRaced(table, 0);
            alloc.Node.ModNodePageState(NodeStatItem.NrPageTablePages, -1);
            mm?.AddPgtables(-1);
            return FaultResult.Present;
        }

        pmdTable[r] = table;
        pmdHuge[r] = head;
        pmdHugeMapped[r] = HugeMemory.HpagePmdNr;
        long first = (long)r << HugeMemory.HpagePmdOrder;
        for (int i = 0; i < HugeMemory.HpagePmdNr; i++)
        {
            pte[first + i] = head + i;
        }

        MapFolio(head, HugeMemory.HpagePmdNr, first);
        stats.AddMetric(ThpFaultAllocMetric, 1);
        alloc.Node.CountVmEvent(VmEventItem.ThpFaultAlloc);
        Memcg?.CountMemcgEvents(alloc.Node.FolioMemcg[head], VmEventItem.ThpFaultAlloc, 1);
        alloc.Node.ModNodePageState(NodeStatItem.NrAnonTransparentHugepages, HugeMemory.HpagePmdNr);
        return FaultResult.Huge;
    }

    // pmd_install: a table allocated while another task installed one is freed (__pte_alloc).
    private void InstallPteTable(int r, int table)
    {
        if (pmdTable[r] >= 0)
        {
            FreeRaced(table, 0);
            alloc.Node.ModNodePageState(NodeStatItem.NrPageTablePages, -1);
            mm?.AddPgtables(-1);
            return;
        }

        pmdTable[r] = table;
    }

    // do_anonymous_page after its allocation: map the page, or report VM_FAULT_OOM.
    private FaultResult MapBasePage(long index, int pfn)
    {
        stats.CountAlloc(0, pfn < 0);
        if (pfn < 0)
        {
            FaultOom = true;
            return FaultResult.Oom;
        }

        if (pte[index] >= 0)
        {
            FreeRaced(pfn, 0);
            return FaultResult.Present;
        }

        pte[index] = pfn;
        MapFolio(pfn, 1, index);
        return FaultResult.Base;
    }

    // pte_alloc_one's outcome, accounted in NR_PAGETABLE.
    private int AccountPteAlloc(int table)
    {
        stats.CountAlloc(0, table < 0);
        if (table >= 0)
        {
            alloc.Node.ModNodePageState(NodeStatItem.NrPageTablePages, 1);
            mm?.AddPgtables(1);
        }

        return table;
    }

    // A folio allocated for an entry another task filled meanwhile goes straight back.
    private void FreeRaced(int pfn, int order)
    {
        alloc.FreePages(pfn, order);
        stats.CountFree();
    }

    // folio_add_new_anon_rmap + folio_add_lru_vma (+ mlock, + the long-term pin), one fault.
    private void MapFolio(int head, int nrPages, long index)
    {
        rmap.SetFolioMapping(head, this, index);
        ref PageFrame page = ref alloc.Node.Pages[head];
        page.Set(PageFlags.SwapBacked | PageFlags.Uptodate | PageFlags.Mapped);
        if (flags.Locked)
        {
            page.Set(PageFlags.Mlocked);
            alloc.Node.PageZone(head).ModZonePageState(ZoneStatItem.NrMlock, nrPages);
            alloc.Node.CountVmEvents(VmEventItem.UnevictablePgsMlocked, nrPages);
        }

        // folio_add_lru_vma: an mlocked folio goes to the unevictable list (folio_evictable).
        lru.FolioAddLru(head);

        if (flags.LongtermPin)
        {
            rmap.Refs.AddPins(head, 1);
            alloc.Node.ModNodePageState(NodeStatItem.NrFollPinAcquired, nrPages);
        }

        alloc.Node.CountVmEvent(VmEventItem.Pgfault);
        Memcg?.CountMemcgEvents(alloc.Node.FolioMemcg[head], VmEventItem.Pgfault, 1);
        alloc.Node.ModNodePageState(NodeStatItem.NrAnonPages, nrPages);
        mm?.AddMmCounter(MmCounter.AnonPages, nrPages);
    }
}
