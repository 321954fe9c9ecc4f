// The kernel object: the root of all kernel state of one run. Mechanisms live in Mm/ under the
// kernel's file names and know nothing of this class; it builds them, wires them together and
// gives user space (Workloads/) its entry points. Daemons and the hang detectors are started here
// (KernelDaemons.cs); designs, the named sets of switches a run boots with, are in Designs/.
using MmSim.Mm;
using MmSim.Mm.Compaction;
using MmSim.Mm.Filemap;
using MmSim.Mm.Folio;
using MmSim.Mm.Migrate;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Rmap;
using MmSim.Mm.Slab;
using MmSim.Mm.Slowpath;
using MmSim.Mm.Swap;
using MmSim.Mm.Vmscan;
using MmSim.Sim;

namespace MmSim.Kernel;

/// <summary>
/// One booted kernel: the node with its zones and allocator, the folio state beyond the memory map
/// (mappings, reference counts, the reverse map, folio waits), the page cache, slab shrinkers,
/// the allocation slowpath with its compaction and reclaim mechanisms, the daemons, and the task
/// contexts. Nothing in mmsim is static: two kernels in one process never share state.
/// </summary>
/// <remarks>
/// The kernel's counterpart is not one structure but the globals of mm/ (NODE_DATA(0),
/// the shrinker list, folio_wait_table…) and <c>current</c>. Memory cgroups, LRU lists, mounts and
/// FUSE connections join here as they are modelled: each is one more field built in the constructor.
/// </remarks>
public sealed partial class LinuxKernel : IAllocPagesWait
{
    private readonly List<TaskContext?> taskContexts = [];

    // The hstates, created on first use (hugetlb_init makes them at boot; empty pools cost nothing).
    private Mm.Hugetlb.HugetlbPool? hugetlb2M;
    private Mm.Hugetlb.HugetlbPool? hugetlb1G;

    private LinuxKernel(Simulator sim, PageAllocator alloc, KernelParams parameters)
    {
        Sim = sim;
        Alloc = alloc;
        Params = parameters;
        Mappings = new MappingRegistry();
        Refs = new FolioRefs(alloc.Node, Mappings);
        Rmap = new Rmap(alloc.Node, Mappings, Refs);
        FolioWait = new FolioWait(alloc.Node.Pages, sim);
        Shrinkers = new Shrinkers();
        Lru = new Lru(alloc.Node, Mappings);
        Migrate = new Migration(alloc, Rmap, FolioWait, DesignMigrateWritebackPolicy.For(parameters.WritebackDesign), Lru); // designs: the migrate rule
        PageCache = new PageCache(alloc, this, Mappings, Rmap, Shrinkers, Lru);
        (DirtyThrottle, Fs) = InitWriteback(); // writeback (issue 8)
        Checks.Add(("LRU lists", Lru.Verify));
        Checks.Add(("page cache", PageCache.Verify)); // filemap: slots, counts and readahead marks
        Compact = parameters.Compact(new CompactDeps(alloc, Migrate, Refs, Mappings, parameters.Compaction, () => Current));

        // memcg: charges at allocation, uncharge on free, per-memcg LRU sizes for memory.stat, the charge invariant.
        Memcg = new Mm.Memcontrol.MemcgTree(alloc.Node, parameters.CgroupVersion);
        alloc.UnchargeOnFree = Memcg.UnchargeFolio;
        Memcg.LruSizeOf = (id, lru) => Lru.LruvecOf(id).LruSize((LruList)lru);
        PageCache.Memcg = Memcg;
        Checks.Add(("memcg charges", Memcg.Verify));

        // Reclaim (issue 8): workingset shadows, the page cache's __remove_mapping, memcg limit reclaim.
        Workingset = new Workingset(alloc.Node, Lru, id => Memcg[id].Parent?.Id ?? -1);
        Lru.Workingset = Workingset;
        PageCache.Workingset = new Mm.Filemap.WorkingsetRefault(Workingset); // filemap: refaults at insertion
        Reclaim = parameters.Reclaim(new ReclaimDeps(alloc, Lru, Rmap, Mappings, FolioWait, Shrinkers, Memcg, sim, () => Current, Workingset, PageCache));
        Memcg.Reclaim = Reclaim as Mm.Memcontrol.IMemcgReclaim;
        Checks.Add(("reclaim", Reclaim.Verify));

        // Reclaim meets writeback: shrink_inactive_list wakes the flushers, folio_end_writeback feeds
        // reclaim_throttle(VMSCAN_THROTTLE_WRITEBACK) through acct_reclaim_writeback.
        Reclaim.Flusher = Flusher;
        WireWritebackDesign(); // designs (issue 9): the reclaim and sync rules
        ReclaimWritebackAcct = Reclaim as Mm.Writeback.IReclaimWritebackAcct;
        Slowpath = new AllocSlowpath(alloc, Compact, Reclaim);

        // anon (issue 8): the OOM killer behind the page allocator's and memcg's OOM seams.
        Oom = new Mm.OomKill.OomKiller(alloc.Node, Memcg, sim, () => Current, ContextOf, (t, sig) => SendSignal(t, sig));
        Memcg.Oom = Oom;
        Slowpath.OomKiller = Oom;
        Checks.Add(("OOM processes", Oom.Verify));
        if (parameters.Swap is { } swapSpec)
        {
            Swap = new SwapState(alloc, Mappings, Lru, sim, swapSpec)
            {
                StartWriteback = pfn =>
                {
                    FolioWait.FolioStartWriteback(pfn, null);
                    alloc.Node.ModNodePageState(Mm.Stat.NodeStatItem.NrWriteback, 1);
                },
                EndWriteback = pfn =>
                {
                    alloc.Node.ModNodePageState(Mm.Stat.NodeStatItem.NrWriteback, -1);
                    FolioWait.FolioEndWriteback(pfn);
                    if (alloc.Node.Pages[pfn].Has(PageFlags.Reclaim))
                    {
                        alloc.Node.Pages[pfn].Clear(PageFlags.Reclaim);
                        Lru.FolioRotateReclaimable(pfn);
                    }
                },
            };
            Workingset.Swap = Swap;
            Oom.TotalSwapPages = () => Swap.TotalSwapPages;
            Slowpath.CanReclaimAnon = true;
            Checks.Add(("swap slots", Swap.Verify));
        }
        BootContext = new TaskContext(null);
    }

    /// <summary>The engine the kernel's tasks run on (clock, tasks, wait queues).</summary>
    public Simulator Sim { get; }

    /// <summary>The node (pglist_data): memory map, pageblocks, zones, counters.</summary>
    public PgData Node => Alloc.Node;

    /// <summary>The buddy allocator.</summary>
    public PageAllocator Alloc { get; }

    /// <summary>What the kernel was booted with.</summary>
    public KernelParams Params { get; }

    /// <summary>Every mapping (address spaces, anonymous VMAs, slab caches), by id.</summary>
    public MappingRegistry Mappings { get; }

    /// <summary>Folio reference, pin and map counts.</summary>
    public FolioRefs Refs { get; }

    /// <summary>The reverse map.</summary>
    public Rmap Rmap { get; }

    /// <summary>
    /// The invariant checks of the mechanisms wired into this kernel, in registration order: each returns
    /// a description of the first violation or null. <see cref="KernelChecker"/> runs them after the
    /// buddy, reverse-map and folio-table checks.
    /// </summary>
    public List<(string Name, Func<string?> Check)> Checks { get; } = [];

    /// <summary>The memory cgroups (mm/memcontrol.c): the hierarchy and charging.</summary>
    public Mm.Memcontrol.MemcgTree Memcg { get; }

    /// <summary>The swap device and swap cache (mm/swapfile.c, mm/swap_state.c), null without swap (anon, issue 8).</summary>
    public SwapState? Swap { get; }

    /// <summary>The OOM killer (mm/oom_kill.c): the user processes and the victim's choice (anon, issue 8).</summary>
    public Mm.OomKill.OomKiller Oom { get; }

    /// <summary>The node's LRU lists, one lruvec per memory cgroup (mm/swap.c).</summary>
    public Lru Lru { get; }

    /// <summary>Workingset shadow entries and refault detection (mm/workingset.c): the page-cache insert path calls
    /// <see cref="Workingset.Refault"/>; the swap device is wired on <see cref="Workingset.Swap"/>.</summary>
    public Workingset Workingset { get; }

    /// <summary>Folio lock and writeback waits.</summary>
    public FolioWait FolioWait { get; }

    /// <summary>Page migration (mm/migrate.c), with the run's writeback policy.</summary>
    public Migration Migrate { get; }

    /// <summary>The registered shrinkers (drop_caches and, later, reclaim call them).</summary>
    public Shrinkers Shrinkers { get; }

    /// <summary>The page cache of every file.</summary>
    internal PageCache PageCache { get; }

    /// <summary>The compaction mechanism.</summary>
    public ICompact Compact { get; }

    /// <summary>The reclaim mechanism.</summary>
    public IReclaim Reclaim { get; }

    /// <summary>__alloc_pages_slowpath for requests that may sleep.</summary>
    public AllocSlowpath Slowpath { get; }

    /// <summary>The daemons, once <see cref="StartDaemons"/> ran.</summary>
    public KernelDaemons? Daemons { get; private set; }

    /// <summary>The context of code that runs outside any task (boot, untimed workloads, timers): it cannot sleep.</summary>
    public TaskContext BootContext { get; }

    /// <summary><c>current</c>: the context of the task running now, or <see cref="BootContext"/>.</summary>
    public TaskContext Current => Sim.Current is { } task ? ContextOf(task) : BootContext;

    /// <summary>Boots a kernel on <paramref name="machine"/> (mm_init, then the page allocator's initcalls).</summary>
    /// <param name="machine">Zones and CMA areas.</param>
    /// <param name="parameters">Switches, sysctls and mechanisms.</param>
    /// <param name="seed">The run's seed (the engine's root generator).</param>
    /// <returns>The kernel, at time 0, with no daemon running yet.</returns>
    public static LinuxKernel Boot(MachineSpec machine, KernelParams parameters, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(machine);
        ArgumentNullException.ThrowIfNull(parameters);
        return Create(MmInit.Boot(machine, parameters.Alloc), parameters, seed);
    }

    /// <summary>A kernel over a node booted already (benchmarks and tests that shape the free lists first).</summary>
    /// <param name="alloc">The booted allocator.</param>
    /// <param name="parameters">Switches, sysctls and mechanisms (the allocator's options are <paramref name="alloc"/>'s).</param>
    /// <param name="seed">The engine's seed.</param>
    /// <returns>The kernel, at time 0.</returns>
    public static LinuxKernel Create(PageAllocator alloc, KernelParams parameters, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(alloc);
        ArgumentNullException.ThrowIfNull(parameters);
        return new LinuxKernel(new Simulator(seed), alloc, parameters);
    }

    /// <summary>Starts khungtaskd, the deadlock detector, kcompactd0, kswapd0 and the vmstat worker (once).</summary>
    /// <returns>The daemons.</returns>
    /// <exception cref="InvalidOperationException">They run already.</exception>
    public KernelDaemons StartDaemons()
    {
        if (Daemons is not null)
        {
            throw new InvalidOperationException("the kernel daemons run already");
        }

        Daemons = KernelDaemons.Start(Sim, Alloc, Params, Compact, Reclaim);
        RecordOutcomeFacts(Daemons); // outcomes (issue 9)
        return Daemons;
    }

    /// <summary>The kernel's context of <paramref name="task"/> (its task_struct), created on first use.</summary>
    /// <param name="task">A task of this kernel's engine.</param>
    /// <returns>The context.</returns>
    public TaskContext ContextOf(SimTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        int i = task.Pid - 1;
        while (taskContexts.Count <= i)
        {
            taskContexts.Add(null);
        }

        return taskContexts[i] ??= new TaskContext(task);
    }

    /// <summary>
    /// Allocates a block for a caller that does not sleep here (__alloc_pages): the fast path, then the
    /// slowpath's non-sleeping start. A request that could sleep behaves as if direct compaction and
    /// reclaim found nothing, so callers that may sleep use <see cref="AllocPagesWait"/>.
    /// </summary>
    /// <param name="gfp">Allocation flags.</param>
    /// <param name="order">Order.</param>
    /// <param name="owner">Owner kind of the head page.</param>
    /// <param name="mappingId">Mapping id of the head page (0: none).</param>
    /// <returns>The first PFN, or −1.</returns>
    public int AllocPages(GfpFlags gfp, int order, OwnerKind owner = OwnerKind.Kernel, int mappingId = 0) =>
        Alloc.AllocPages(gfp, order, owner, mappingId);

    /// <summary>
    /// Allocates a block for the running task, which may sleep in the slowpath (direct compaction,
    /// direct reclaim, throttling) when the mask has __GFP_DIRECT_RECLAIM. The PFN (or −1) is in
    /// <see cref="TaskContext.AllocResult"/> of <see cref="Current"/> when the coroutine ends.
    /// </summary>
    /// <param name="gfp">Allocation flags; the task's memalloc scopes apply (current_gfp_context).</param>
    /// <param name="order">Order.</param>
    /// <param name="owner">Owner kind of the head page.</param>
    /// <param name="mappingId">Mapping id of the head page (0: none).</param>
    /// <returns>The coroutine to await with <see cref="Wait.Call"/>.</returns>
    /// <remarks>The fast path runs before any coroutine exists, so an allocation that succeeds there
    /// costs what <see cref="AllocPages"/> costs; only the slowpath allocates its coroutine.</remarks>
    public IEnumerable<Wait> AllocPagesWait(GfpFlags gfp, int order, OwnerKind owner = OwnerKind.Kernel, int mappingId = 0)
    {
        int pfn = TryAllocPagesFast(gfp, order, owner, mappingId);
        Current.AllocResult = pfn;
        return pfn >= 0 ? [] : AllocPagesSlowpath(gfp, order, owner, mappingId);
    }

    /// <summary>mmap of a private anonymous region (do_mmap → vma_link): nothing is allocated until it is touched.</summary>
    /// <param name="account">Where the process's allocations are counted.</param>
    /// <param name="nrPages">Length in pages.</param>
    /// <param name="flags">THP, mlock and pin behaviour.</param>
    /// <param name="name">The process, for reports.</param>
    /// <returns>The VMA, registered as a mapping; its faults are <see cref="Mm.Memory.AnonVma.HandleMmFault"/>.</returns>
    internal Mm.Memory.AnonVma Mmap(IAllocAccount account, long nrPages, Mm.Memory.AnonVmaFlags flags, string name) =>
        new(Alloc, this, Rmap, Lru, account, nrPages, flags, name, Current.Mm, Swap) { Memcg = Memcg };

    /// <summary>A fresh buffer for a long-term pin: an anonymous mapping whose faults run under the pin scope.</summary>
    /// <param name="account">Where the process's allocations are counted.</param>
    /// <param name="nrPages">Length in pages.</param>
    /// <param name="name">The process, for reports.</param>
    /// <returns>The VMA, to pass to <see cref="PinUserPagesLongterm"/>.</returns>
    internal Mm.Memory.AnonVma MmapForPin(IAllocAccount account, long nrPages, string name) =>
        Mmap(account, nrPages, new Mm.Memory.AnonVmaFlags(Mm.Memory.ThpMode.Never, Mm.Memory.ThpDefrag.Madvise, Locked: false, LongtermPin: true), name);

    /// <summary>pin_user_pages(FOLL_LONGTERM) of every page of <paramref name="vma"/> (mm/gup.c).</summary>
    /// <param name="vma">A buffer from <see cref="MmapForPin"/>.</param>
    /// <returns>The coroutine; <see cref="TaskContext.Ret"/> is 1 when pinned, 0 when memory ran out (all released).</returns>
    internal IEnumerable<Wait> PinUserPagesLongterm(Mm.Memory.AnonVma vma) => Mm.Gup.LongtermPin.Pin(this, vma);

    /// <summary>Writes /proc/sys/vm/nr_hugepages: sets the 2 MiB hugetlb pool's size (mm/hugetlb.c).</summary>
    /// <param name="account">Where the allocations are counted.</param>
    /// <param name="count">Requested pool size.</param>
    /// <returns>The coroutine; <see cref="TaskContext.Ret"/> is the pool size reached.</returns>
    internal IEnumerable<Wait> SetNrHugepages(IAllocAccount account, long count) =>
        (hugetlb2M ??= new Mm.Hugetlb.HugetlbPool(Alloc, this, null, Mm.Memory.HugeMemory.HpagePmdOrder)).SetMaxHugePages(account, count);

    /// <summary>Writes nr_hugepages of the 1 GiB hstate (/sys/kernel/mm/hugepages/hugepages-1048576kB): sets a gigantic pool made by alloc_contig_pages.</summary>
    /// <param name="account">Where the allocations are counted.</param>
    /// <param name="count">Requested pool size.</param>
    /// <returns>The coroutine; <see cref="TaskContext.Ret"/> is the pool size reached.</returns>
    internal IEnumerable<Wait> SetNrGiganticHugepages(IAllocAccount account, long count) =>
        (hugetlb1G ??= new Mm.Hugetlb.HugetlbPool(Alloc, this, this, Mm.Hugetlb.HugetlbPool.GiganticOrder)).SetMaxHugePages(account, count);

    /// <inheritdoc/>
    public int TryAllocPagesFast(GfpFlags gfp, int order, OwnerKind owner = OwnerKind.Kernel, int mappingId = 0) =>
        Alloc.AllocPagesFast(Current.CurrentGfpContext(gfp), order, owner, mappingId);

    /// <inheritdoc/>
    public IEnumerable<Wait> AllocPagesSlowpath(GfpFlags gfp, int order, OwnerKind owner = OwnerKind.Kernel, int mappingId = 0)
    {
        TaskContext current = Current;
        gfp = current.CurrentGfpContext(gfp);
        return Slowpath.Run(current, gfp, order, Alloc.PrepareAllocPages(gfp), owner, mappingId);
    }

    /// <summary>Writes /proc/sys/vm/drop_caches (1: page cache, 2: reclaimable slab, 3: both).</summary>
    /// <param name="value">1, 2 or 3.</param>
    /// <returns>Pages freed.</returns>
    public long DropCaches(long value) => Mm.Filemap.DropCaches.Write(Node, PageCache, Shrinkers, value);
}
