// kcompactd, the per-node background compaction thread (mm/compaction.c: kcompactd, wakeup_kcompactd,
// kcompactd_node_suitable, kcompactd_do_work, compact_node, should_proactive_compact_node). This file
// owns the thread, its wake-up protocol and the proactive timer; the suitability and fragmentation
// score checks are in CompactionSuitable.cs; compact_zone (scanners, migration) and the deferral
// state sit behind ICompact (Impl/NoCompaction until compaction lands). kswapd (Mm/Vmscan) wakes it.
using System.Diagnostics;
using MmSim.Mm.Migrate;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;
using MmSim.Sim;

namespace MmSim.Mm.Compaction;

/// <summary>The sysctls and release switches kcompactd reads.</summary>
public sealed record CompactionSysctl
{
    /// <summary>vm.compaction_proactiveness, 0..100 (default 20); 0 disables the proactive timer.</summary>
    public int CompactionProactiveness { get; init; } = 20;

    /// <summary>vm.extfrag_threshold, 0..1000 (default 500).</summary>
    public int ExtfragThreshold { get; init; } = 500;

    /// <summary>vm.compact_unevictable_allowed (default 1, CONFIG_COMPACT_UNEVICTABLE_DEFAULT without PREEMPT_RT): the migrate scanner takes unevictable folios (ISOLATE_UNEVICTABLE).</summary>
    public bool CompactUnevictableAllowed { get; init; } = true;

    /// <summary>vm.defrag_mode (6.15+): kcompactd compacts to the high watermark of whole free pageblocks.</summary>
    public bool DefragMode { get; init; }

    /// <summary>The proactive marks of releases before 6.16 (low = max(100 − p, 5), high = low + 10).</summary>
    public bool ProactiveWmarksBefore616 { get; init; }
}

/// <summary>
/// <c>kcompactd0</c>: sleeps on <c>kcompactd_wait</c>; woken by kswapd (or a non-blocking allocation)
/// for a high order it compacts each suitable zone; every 500 ms it also checks the node's
/// fragmentation score and compacts proactively when it is above the high mark.
/// </summary>
/// <remarks>
/// mm/compaction.c as in Linux 6.18. <c>kcompactd_max_order</c>, <c>kcompactd_highest_zoneidx</c>,
/// <c>kcompactd_wait</c> and <c>proactive_compact_trigger</c> live here, as mmsim models one node.
/// The zone work is the <see cref="ICompact"/> of the run (mainline compaction in the release designs).
/// </remarks>
public sealed class Kcompactd
{
    /// <summary>HPAGE_FRAG_CHECK_INTERVAL_MSEC: the proactive check period.</summary>
    public const long HpageFragCheckIntervalNs = 500 * SimTime.NsPerMs;

    /// <summary>COMPACT_MAX_DEFER_SHIFT: a proactive run that did not lower the score defers the next by 2^6 periods.</summary>
    public const int CompactMaxDeferShift = 6;

    /// <summary>The wait site kcompactd sleeps in (its wchan).</summary>
    public const string WaitSite = "kcompactd";

    private readonly PageAllocator alloc;
    private readonly int nrZones;

    /// <summary>Creates the daemon for the allocator's node; <see cref="Start"/> spawns its thread.</summary>
    /// <param name="alloc">The node's allocator.</param>
    /// <param name="compact">The compaction mechanism (chosen by the caller: the mechanism layer does not import its implementations).</param>
    /// <param name="sysctl">Settings; null for the defaults.</param>
    public Kcompactd(PageAllocator alloc, ICompact compact, CompactionSysctl? sysctl = null)
    {
        ArgumentNullException.ThrowIfNull(alloc);
        ArgumentNullException.ThrowIfNull(compact);
        this.alloc = alloc;
        Sysctl = sysctl ?? new CompactionSysctl();
        Compact = compact;

        // pgdat->nr_zones: one past the highest populated zone.
        for (int z = alloc.Node.Zones.Length - 1; z >= 0 && nrZones == 0; z--)
        {
            nrZones = alloc.Node.Zones[z].IsPopulated ? z + 1 : 0;
        }

        KcompactdHighestZoneidx = Math.Max(nrZones - 1, 0);
    }

    /// <summary>The settings in force.</summary>
    public CompactionSysctl Sysctl { get; }

    /// <summary>The compaction mechanism.</summary>
    public ICompact Compact { get; }

    /// <summary>pgdat->kcompactd_wait.</summary>
    public WaitQueue KcompactdWait { get; } = new("kcompactd_wait");

    /// <summary>pgdat->kcompactd_max_order: the highest order asked for since the last run.</summary>
    public int KcompactdMaxOrder { get; private set; }

    /// <summary>pgdat->kcompactd_highest_zoneidx: the lowest "highest zone" asked for.</summary>
    public int KcompactdHighestZoneidx { get; private set; }

    /// <summary>pgdat->proactive_compact_trigger (set by writing compaction_proactiveness).</summary>
    public bool ProactiveCompactTrigger { get; private set; }

    /// <summary>The node's kswapd thread, read by kswapd_is_running; null if there is none.</summary>
    public SimTask? KswapdTask { get; set; }

    /// <summary>The kcompactd0 thread, once started.</summary>
    public SimTask? Task { get; private set; }

    /// <summary>Times wakeup_kcompactd woke the thread (trace event mm_compaction_wakeup_kcompactd).</summary>
    public long Wakeups { get; private set; }

    /// <summary>Proactive compaction runs (compact_node(pgdat, true)).</summary>
    public long ProactiveRuns { get; private set; }

    /// <summary>Spawns <c>kcompactd0</c>.</summary>
    /// <param name="sim">The engine.</param>
    /// <returns>The thread.</returns>
    /// <exception cref="InvalidOperationException">Already started.</exception>
    /// <remarks>mm/compaction.c: kcompactd_run.</remarks>
    public SimTask Start(Simulator sim)
    {
        ArgumentNullException.ThrowIfNull(sim);
        if (Task is not null)
        {
            throw new InvalidOperationException("kcompactd0 is already running.");
        }

        Task = sim.Spawn("kcompactd0", Body(), kernelThread: true);
        return Task;
    }

    /// <summary>
    /// Records a request for <paramref name="order"/> and wakes kcompactd if it sleeps and some zone
    /// is suitable for compaction at that order.
    /// </summary>
    /// <param name="order">Order; 0 is ignored.</param>
    /// <param name="highestZoneidx">Highest zone of the request.</param>
    /// <remarks>mm/compaction.c: wakeup_kcompactd. Cost: O(zones × orders) when it sleeps.</remarks>
    public void WakeupKcompactd(int order, int highestZoneidx)
    {
        Debug.Assert(order >= 0 && order <= MmConstants.MaxPageOrder, "order in range");
        Debug.Assert(highestZoneidx >= 0, "zone index");
        if (order == 0)
        {
            return;
        }

        KcompactdMaxOrder = Math.Max(KcompactdMaxOrder, order);
        KcompactdHighestZoneidx = Math.Min(KcompactdHighestZoneidx, highestZoneidx);
        if (KcompactdWait.Count == 0 || !KcompactdNodeSuitable())
        {
            return;
        }

        Wakeups++;
        (alloc.Trace as ICompactionTrace)?.MmCompactionKcompactdWake("mm_compaction_wakeup_kcompactd", order, (ZoneType)highestZoneidx);
        KcompactdWait.WakeUpAll();
    }

    /// <summary>kcompactd_node_suitable: some populated zone up to the requested one would compact at the requested order.</summary>
    /// <returns>True if some zone's check returns CONTINUE.</returns>
    internal bool KcompactdNodeSuitable()
    {
        AllocFlags flags = Sysctl.DefragMode ? AllocFlags.WmarkHigh : AllocFlags.WmarkMin;
        Zone[] zones = alloc.Node.Zones;
        for (int z = 0; z <= KcompactdHighestZoneidx && z < zones.Length; z++)
        {
            if (zones[z].IsPopulated && SuitAllocationOrder(zones[z], KcompactdMaxOrder, KcompactdHighestZoneidx, flags) == CompactResult.Continue)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>should_proactive_compact_node: proactiveness on, kswapd idle, node score above the high mark.</summary>
    /// <returns>True to compact proactively now.</returns>
    internal bool ShouldProactiveCompactNode()
    {
        int p = Sysctl.CompactionProactiveness;
        if (p == 0 || (KswapdTask is { } k && k.State is TaskState.Running or TaskState.Runnable))
        {
            return false;
        }

        int wmarkHigh = CompactionSuitable.FragmentationScoreWmark(p, low: false, Sysctl.ProactiveWmarksBefore616);
        return CompactionSuitable.FragmentationScoreNode(alloc.Node) > wmarkHigh;
    }

    /// <summary>The thread body (mm/compaction.c: kcompactd).</summary>
    private IEnumerable<Wait> Body()
    {
        long timeoutNs = HpageFragCheckIntervalNs;
        KcompactdMaxOrder = 0;
        KcompactdHighestZoneidx = Math.Max(nrZones - 1, 0);

        // A kernel thread: it runs until the simulation ends.
        while (true)
        {
            // No proactive compaction: no timer either.
            if (Sysctl.CompactionProactiveness == 0)
            {
                timeoutNs = -1;
            }

            // wait_event_freezable_timeout: the condition is tested before sleeping and again on wake-up or timeout.
            bool workRequested = KcompactdWorkRequested;
            if (!workRequested)
            {
                yield return Wait.On(KcompactdWait, TaskState.Interruptible, WaitSite, timeoutNs);
                workRequested = KcompactdWorkRequested;
            }

            timeoutNs = HpageFragCheckIntervalNs;
            if (workRequested && !ProactiveCompactTrigger)
            {
                yield return Wait.Call(KcompactdDoWork());

                continue;
            }

            if (ShouldProactiveCompactNode())
            {
                int prevScore = CompactionSuitable.FragmentationScoreNode(alloc.Node);
                yield return Wait.Call(CompactNode(proactive: true));

                // No progress: back off.
                if (CompactionSuitable.FragmentationScoreNode(alloc.Node) >= prevScore)
                {
                    timeoutNs = HpageFragCheckIntervalNs << CompactMaxDeferShift;
                }
            }

            ProactiveCompactTrigger = false;
        }
    }

    private bool KcompactdWorkRequested => KcompactdMaxOrder > 0 || ProactiveCompactTrigger;

    /// <summary>Compacts every suitable, non-deferred zone for the requested order (mm/compaction.c: kcompactd_do_work).</summary>
    private IEnumerable<Wait> KcompactdDoWork()
    {
        var cc = new CompactControl
        {
            Order = KcompactdMaxOrder,
            SearchOrder = KcompactdMaxOrder,
            HighestZoneidx = KcompactdHighestZoneidx,
            Mode = MigrateMode.SyncLight,
            IgnoreSkipHint = false,
            GfpMask = GfpFlags.Kernel,
            AllocFlags = Sysctl.DefragMode ? AllocFlags.WmarkHigh : AllocFlags.WmarkMin,
        };
        (alloc.Trace as ICompactionTrace)?.MmCompactionKcompactdWake("mm_compaction_kcompactd_wake", cc.Order, (ZoneType)cc.HighestZoneidx);
        CountVmEvents(VmEventItem.CompactDaemonWake, 1);
        Zone[] zones = alloc.Node.Zones;
        for (int z = 0; z <= cc.HighestZoneidx && z < zones.Length; z++)
        {
            Zone zone = zones[z];
            if (!zone.IsPopulated || Compact.CompactionDeferred(zone, cc.Order) ||
                SuitAllocationOrder(zone, cc.Order, z, cc.AllocFlags) != CompactResult.Continue)
            {
                continue;
            }

            cc.Zone = zone;
            yield return Wait.Call(Compact.CompactZone(alloc, cc));
            yield return Wait.For(cc.CostNs);
            cc.CostNs = 0;
            AfterZoneCompacted(zone, cc.Order, cc.Result);
            FlushScanned(cc);
        }

        // Done until woken again, but keep a request that arrived meanwhile for a higher order or tighter zone.
        if (KcompactdMaxOrder <= cc.Order)
        {
            KcompactdMaxOrder = 0;
        }

        if (KcompactdHighestZoneidx >= cc.HighestZoneidx)
        {
            KcompactdHighestZoneidx = Math.Max(nrZones - 1, 0);
        }
    }

    // kcompactd_do_work: success resets deferral; a finished scan drains the pcp lists (buddy pages may
    // be stranded there) and defers, as sync direct compaction does.
    private void AfterZoneCompacted(Zone zone, int order, CompactResult status)
    {
        if (status == CompactResult.Success)
        {
            Compact.CompactionDeferReset(zone, order, allocSuccess: false);
        }
        else if (status is CompactResult.PartialSkipped or CompactResult.Complete)
        {
            alloc.DrainPagesZone(zone);
            Compact.DeferCompaction(zone, order);
        }
    }

    /// <summary>Compacts every populated zone as a whole, proactively (mm/compaction.c: compact_node(pgdat, true)).</summary>
    private IEnumerable<Wait> CompactNode(bool proactive)
    {
        ProactiveRuns += proactive ? 1 : 0;
        return CompactNodeRun.Run(alloc, Compact, proactive, KswapdIsRunning);
    }

    private bool KswapdIsRunning() => KswapdTask is { } k && k.State is TaskState.Running or TaskState.Runnable;

    private CompactResult SuitAllocationOrder(Zone zone, int order, int highestZoneidx, AllocFlags flags) =>
        CompactionSuitable.CompactionSuitAllocationOrder(
            zone, order, highestZoneidx, flags, async: false, kcompactd: true, Sysctl.DefragMode, Sysctl.ExtfragThreshold);

    // count_compact_events(KCOMPACTD_*_SCANNED, cc.total_*_scanned) once per zone, as the kernel flushes them.
    private void FlushScanned(CompactControl cc)
    {
        CountVmEvents(VmEventItem.CompactDaemonMigrateScanned, cc.TotalMigrateScanned);
        CountVmEvents(VmEventItem.CompactDaemonFreeScanned, cc.TotalFreeScanned);
        cc.TotalMigrateScanned = 0;
        cc.TotalFreeScanned = 0;
    }

    private void CountVmEvents(VmEventItem item, long delta) => alloc.Node.CountVmEvents(item, delta);
}
