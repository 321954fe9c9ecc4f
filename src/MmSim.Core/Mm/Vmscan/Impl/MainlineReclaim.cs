// Mainline reclaim (mm/vmscan.c, Linux 6.18, classic LRU: MGLRU off). This file holds the object,
// its entry points (kswapd's shrink_node, direct reclaim, memcg limit reclaim) and the writeback
// accounting that wakes throttled reclaimers. The node pass is in MainlineReclaim.Node.cs, the LRU
// scanning in .Lruvec.cs, shrink_folio_list in .FolioList.cs, reclaim_throttle in .Throttle.cs,
// do_try_to_free_pages in .Direct.cs and shrink_slab in .Slab.cs.
using MmSim.Mm.Filemap;
using MmSim.Mm.Folio;
using MmSim.Mm.Memcontrol;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Rmap;
using MmSim.Mm.Swap;
using MmSim.Mm.Writeback;
using MmSim.Sim;

namespace MmSim.Mm.Vmscan.Impl;

/// <summary>
/// The kernel's reclaim: LRU aging and scanning per lruvec (one per memcg), shrink_folio_list with
/// its three writeback cases, eviction through the page cache with workingset shadows, slab
/// shrinking, reclaim_throttle, direct and memcg limit reclaim.
/// </summary>
/// <remarks>
/// mm/vmscan.c (6.18). Simplifications are listed in docs/fidelity.md, "Reclaim (issue 8)": no
/// per-PTE accessed bit (PG_referenced answers folio_referenced), no MGLRU, one node, no
/// pfmemalloc throttling, memory.min/low compared with usage directly.
/// </remarks>
[Impl("mainline", "mm/vmscan.c as in 6.18: classic LRU aging, shrink_folio_list with its writeback cases, workingset, shrinkers, reclaim_throttle")]
public sealed partial class MainlineReclaim : IReclaim, IMemcgReclaim, IReclaimWritebackAcct
{
    /// <summary>DEF_PRIORITY.</summary>
    public const int DefPriority = 12;

    /// <summary>SWAP_CLUSTER_MAX.</summary>
    public const int SwapClusterMax = 32;

    /// <summary>PAGE_ALLOC_COSTLY_ORDER.</summary>
    public const int PageAllocCostlyOrder = 3;

    /// <summary>Simulated CPU cost of scanning one page (isolate, check references, put back), in ns.</summary>
    public const long ScanNsPerPage = 40;

    /// <summary>Simulated CPU cost of evicting one page (unmap from the cache, free), in ns.</summary>
    public const long ReclaimNsPerPage = 150;

    // mm/internal.h: GFP_RECLAIM_MASK, the bits of the caller's mask reclaim keeps.
    private const GfpFlags GfpReclaimMask = GfpFlags.Reclaim | GfpFlags.High | GfpFlags.Io | GfpFlags.Fs | GfpFlags.NoWarn |
        GfpFlags.RetryMayFail | GfpFlags.NoFail | GfpFlags.NoRetry | GfpFlags.MemAlloc | GfpFlags.NoMemAlloc;

    private readonly ReclaimDeps deps;
    private readonly PgData node;
    private readonly PageFrame[] pages;
    private readonly Lru lru;
    private readonly FolioWait folioWait;
    private readonly FolioRefs refs;
    private readonly MemcgTree memcgs;

    // Reusable folio lists (isolated batches); several tasks may reclaim at once, so each pass takes its own.
    private readonly Stack<List<int>> listPool = new();

    /// <summary>Builds reclaim for the kernel described by <paramref name="deps"/>.</summary>
    /// <param name="deps">The kernel state reclaim works on.</param>
    public MainlineReclaim(ReclaimDeps deps)
    {
        ArgumentNullException.ThrowIfNull(deps);
        this.deps = deps;
        node = deps.Alloc.Node;
        pages = node.Pages;
        lru = deps.Lru;
        folioWait = deps.FolioWait;
        refs = deps.Rmap.Refs;
        memcgs = deps.Memcg;
        Workingset = deps.Workingset ?? new Workingset(node, lru, id => memcgs[id].Parent?.Id ?? -1);
        for (int i = 0; i < reclaimWait.Length; i++)
        {
            reclaimWait[i] = new WaitQueue($"reclaim_wait[{(VmscanThrottle)i}]");
        }
    }

    /// <summary>The workingset state (shadow entries); the page cache calls its Refault.</summary>
    public Workingset Workingset { get; }

    /// <summary>The rule deciding whether reclaim may wait on a folio's writeback (case 3).</summary>
    public IReclaimWritebackPolicy WritebackPolicy { get; set; } = KernelReclaimWritebackPolicy.Instance;

    /// <inheritdoc/>
    public IFlusher? Flusher { get; set; }

    /// <summary>PGDAT_WRITEBACK: kswapd found every isolated folio under writeback.</summary>
    public bool PgdatWriteback { get; private set; }

    /// <summary>PGDAT_DIRTY: kswapd found every isolated file folio dirty and unqueued.</summary>
    public bool PgdatDirty { get; private set; }

    private ISwapOut? Swap => Workingset.Swap;

    /// <inheritdoc/>
    public IEnumerable<Wait> ShrinkNode(PageAllocator alloc, ScanControl sc)
    {
        ArgumentNullException.ThrowIfNull(sc);
        sc.ReclaimerOffset = sc.IsKswapd ? 0 : 1;
        return ShrinkNodeCore(sc);
    }

    /// <inheritdoc/>
    /// <remarks>mm/vmscan.c: try_to_free_pages (no throttle_direct_reclaim: mmsim has no pfmemalloc wait).</remarks>
    public IEnumerable<Wait> TryToFreePages(PageAllocator alloc, ScanControl sc)
    {
        ArgumentNullException.ThrowIfNull(sc);
        sc.IsKswapd = false;
        sc.ReclaimerOffset = 1;
        sc.TargetMemCgroup = null;
        sc.GfpMask = deps.Current().CurrentGfpContext(sc.GfpMask);
        return DoTryToFreePages(sc);
    }

    /// <inheritdoc/>
    /// <remarks>mm/vmscan.c: try_to_free_mem_cgroup_pages (MEMCG_RECLAIM_MAY_SWAP always; writeback_throttling_sane
    /// follows the hierarchy version). Charges the pass's CPU cost before returning.</remarks>
    public IEnumerable<Wait> TryToFreeMemCgroupPages(MemCgroup memcg, long nrPages, GfpFlags gfp, bool mayWritepage = true)
    {
        ArgumentNullException.ThrowIfNull(memcg);
        TaskContext current = deps.Current();
        var sc = new ScanControl
        {
            NrToReclaim = Math.Max(nrPages, SwapClusterMax),
            GfpMask = (current.CurrentGfpContext(gfp) & GfpReclaimMask) | (GfpFlags.HighUserMovable & ~GfpReclaimMask),
            ReclaimIdx = (int)ZoneType.Movable,
            TargetMemCgroup = memcg,
            Priority = DefPriority,
            MayWritepage = mayWritepage,
            MayUnmap = true,
            MaySwap = true,
            ReclaimerOffset = 1,
        };
        TaskFlags saved = current.MemallocSave(TaskFlags.Memalloc);
        yield return Wait.Call(DoTryToFreePages(sc));
        current.MemallocRestore(TaskFlags.Memalloc, saved);
        if (sc.CostNs > 0)
        {
            yield return Wait.For(sc.CostNs);
        }

        current.Ret = (int)Math.Min(sc.NrReclaimed, int.MaxValue);
    }

    /// <inheritdoc/>
    public void ClearPgdatCongested()
    {
        // clear_pgdat_congested: the root lruvec's LRUVEC_NODE_CONGESTED and the node's bits.
        lru.LruvecOf(0).NodeCongested = false;
        PgdatDirty = false;
        PgdatWriteback = false;
    }

    /// <inheritdoc/>
    public void SnapshotRefaults() => SnapshotRefaults(null);

    /// <inheritdoc/>
    /// <remarks>NR_ISOLATED_* never negative, the writeback-throttle count never negative, lruvec costs non-negative.</remarks>
    public string? Verify()
    {
        long anon = node.VmStat[(int)Stat.NodeStatItem.NrIsolatedAnon];
        long file = node.VmStat[(int)Stat.NodeStatItem.NrIsolatedFile];
        if (anon < 0 || file < 0)
        {
            return $"nr_isolated_anon {anon}, nr_isolated_file {file}: isolation accounting went negative";
        }

        if (nrWritebackThrottled < 0 || nrWritebackThrottled > reclaimWait[(int)VmscanThrottle.Writeback].Count + deps.Sim.Tasks.Count)
        {
            return $"nr_writeback_throttled {nrWritebackThrottled} is not a count of sleepers";
        }

        foreach (Lruvec lruvec in lru.Lruvecs)
        {
            if (lruvec.AnonCost < 0 || lruvec.FileCost < 0)
            {
                return $"lruvec of memcg {lruvec.MemcgId}: anon_cost {lruvec.AnonCost}, file_cost {lruvec.FileCost}";
            }
        }

        return null;
    }

    // writeback_throttling_sane: global reclaim, or cgroup v2 (cgroup writeback exists); cgroup v1 limit reclaim is not.
    private bool WritebackThrottlingSane(ScanControl sc) =>
        sc.TargetMemCgroup is null || memcgs.Version == CgroupVersion.V2;

    // snapshot_refaults: remember WORKINGSET_ACTIVATE_* of the target lruvec, so prepare_scan_control sees new refaults.
    private void SnapshotRefaults(MemCgroup? target)
    {
        Lruvec lruvec = lru.LruvecOf(target?.Id ?? 0);
        long[] activate = ActivateCounts(lruvec);
        lruvec.Refaults[0] = activate[0];
        lruvec.Refaults[1] = activate[1];
    }

    // WORKINGSET_ACTIVATE_ANON/FILE of a lruvec: the node's for the root, the memcg's (hierarchical) otherwise.
    private long[] ActivateCounts(Lruvec lruvec)
    {
        if (lruvec.MemcgId == 0)
        {
            lruvec.WorkingsetActivate[0] = node.VmStat[(int)Stat.NodeStatItem.WorkingsetActivateAnon];
            lruvec.WorkingsetActivate[1] = node.VmStat[(int)Stat.NodeStatItem.WorkingsetActivateFile];
        }

        return lruvec.WorkingsetActivate;
    }

    private List<int> RentList() => listPool.Count > 0 ? listPool.Pop() : new List<int>(SwapClusterMax);

    private void ReturnList(List<int> list)
    {
        list.Clear();
        listPool.Push(list);
    }
}
