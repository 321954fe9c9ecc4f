// kswapd, the per-node background reclaim thread (mm/vmscan.c: kswapd, kswapd_try_to_sleep,
// prepare_kswapd_sleep, wakeup_kswapd). This file owns the thread and its wake-up protocol;
// balance_pgdat and the node balance checks are in BalancePgdat.cs. The LRU scanning itself sits
// behind IReclaim (Impl/MainlineReclaim; Impl/NoReclaim reclaims nothing). kcompactd, which kswapd wakes, is in
// Mm/Compaction/Kcompactd.cs; the page allocator reaches WakeupKswapd through PageAllocator.WakeupKswapd.
using System.Diagnostics;
using MmSim.Mm.Compaction;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;
using MmSim.Sim;

namespace MmSim.Mm.Vmscan;

/// <summary>
/// <c>kswapd0</c>: sleeps on <c>kswapd_wait</c> until an allocation finds the node short of free
/// pages (or a watermark boosted), then reclaims until some eligible zone is back above its high
/// watermark, wakes kcompactd, and goes back to sleep.
/// </summary>
/// <remarks>
/// <para>
/// mm/vmscan.c, as in Linux 6.18. The fields that the kernel keeps in <c>pg_data_t</c>
/// (<c>kswapd_order</c>, <c>kswapd_highest_zoneidx</c>, <c>kswapd_failures</c>,
/// <c>kswapd_wait</c>) live here, as mmsim models one node.
/// </para>
/// <para>
/// The LRU scanning is behind <see cref="IReclaim"/> (<c>Impl.MainlineReclaim</c> in the designs).
/// kswapd_failures grows only when a whole balance_pgdat run reclaims nothing; after
/// MAX_RECLAIM_RETRIES such runs the node is left to direct reclaim until some reclaim makes
/// progress again (<see cref="ClearHopeless"/>), as in the kernel.
/// </para>
/// </remarks>
public sealed partial class Kswapd
{
    /// <summary>MAX_RECLAIM_RETRIES: failed balance_pgdat runs before kswapd leaves the node alone.</summary>
    public const int MaxReclaimRetries = 16;

    /// <summary>DEF_PRIORITY: the first (lightest) scan priority.</summary>
    public const int DefPriority = 12;

    /// <summary>SWAP_CLUSTER_MAX: the smallest reclaim target per zone.</summary>
    public const int SwapClusterMax = 32;

    /// <summary>HZ/10: the short sleep that tells a premature sleep from a real one.</summary>
    public const long ShortSleepNs = 100 * SimTime.NsPerMs;

    /// <summary>MAX_NR_ZONES on x86-64 (DMA, DMA32, Normal, Movable, Device): the "no request" value of kswapd_highest_zoneidx.</summary>
    public const int MaxNrZones = ZoneTypes.Count + 1;

    /// <summary>The wait site kswapd sleeps in (its wchan).</summary>
    public const string WaitSite = "kswapd_try_to_sleep";

    private readonly PageAllocator alloc;
    private readonly IReclaim reclaim;
    private readonly Kcompactd? kcompactd;

    /// <summary>Creates the daemon for the allocator's node; <see cref="Start"/> spawns its thread.</summary>
    /// <param name="alloc">The node's allocator.</param>
    /// <param name="reclaim">The reclaim mechanism (chosen by the caller: the mechanism layer does not import its implementations).</param>
    /// <param name="kcompactd">The node's kcompactd, woken after reclaim; null for none.</param>
    public Kswapd(PageAllocator alloc, IReclaim reclaim, Kcompactd? kcompactd = null)
    {
        ArgumentNullException.ThrowIfNull(alloc);
        ArgumentNullException.ThrowIfNull(reclaim);
        this.alloc = alloc;
        this.reclaim = reclaim;
        this.kcompactd = kcompactd;
        reclaim.OnProgress = ClearHopeless;
    }

    /// <summary>pgdat->kswapd_wait: kswapd sleeps here; wakeup_kswapd wakes it.</summary>
    public WaitQueue KswapdWait { get; } = new("kswapd_wait");

    /// <summary>pgdat->kswapd_order: the highest order asked for since kswapd last read it.</summary>
    public int KswapdOrder { get; private set; }

    /// <summary>pgdat->kswapd_highest_zoneidx: the highest zone asked for, or <see cref="MaxNrZones"/> for none.</summary>
    public int KswapdHighestZoneidx { get; private set; } = MaxNrZones;

    /// <summary>pgdat->kswapd_failures: balance_pgdat runs in a row that reclaimed nothing.</summary>
    public int KswapdFailures { get; private set; }

    /// <summary>The node is hopeless: kswapd gave up on it (6.18: kswapd_failures ≥ MAX_RECLAIM_RETRIES; zoneinfo's node_unreclaimable).</summary>
    public bool IsHopeless => KswapdFailures >= MaxReclaimRetries;

    /// <summary>The kswapd0 thread, once started.</summary>
    public SimTask? Task { get; private set; }

    /// <summary>Times wakeup_kswapd actually woke the thread (trace event mm_vmscan_wakeup_kswapd).</summary>
    public long Wakeups { get; private set; }

    /// <summary>kswapd_is_running: the thread is on a CPU or runnable, not asleep.</summary>
    public bool IsRunning => Task is { } t && t.State is TaskState.Running or TaskState.Runnable;

    /// <summary>Spawns <c>kswapd0</c> and connects the allocator's wake-ups to it.</summary>
    /// <param name="sim">The engine.</param>
    /// <returns>The thread.</returns>
    /// <exception cref="InvalidOperationException">Already started.</exception>
    /// <remarks>mm/vmscan.c: kswapd_run → kthread_run(kswapd, pgdat, "kswapd%d").</remarks>
    public SimTask Start(Simulator sim)
    {
        ArgumentNullException.ThrowIfNull(sim);
        if (Task is not null)
        {
            throw new InvalidOperationException("kswapd0 is already running.");
        }

        Task = sim.Spawn("kswapd0", Body(), kernelThread: true);
        alloc.WakeupKswapd = WakeupKswapd;
        return Task;
    }

    /// <summary>
    /// Records the request and wakes kswapd if it sleeps and the node needs reclaim: no eligible
    /// zone meets its high watermark at <paramref name="order"/>, or a watermark is boosted.
    /// </summary>
    /// <param name="zone">The zone the allocation wanted.</param>
    /// <param name="gfp">The request's GFP mask (only __GFP_DIRECT_RECLAIM is read).</param>
    /// <param name="order">Its order.</param>
    /// <param name="highestZoneidx">Its highest usable zone.</param>
    /// <remarks>mm/vmscan.c: wakeup_kswapd. Cost: O(zones × orders).</remarks>
    public void WakeupKswapd(Zone zone, GfpFlags gfp, int order, ZoneType highestZoneidx)
    {
        ArgumentNullException.ThrowIfNull(zone);
        Debug.Assert((uint)order <= MmConstants.MaxPageOrder, "order in range");
        if (zone.ManagedPages == 0)
        {
            return;
        }

        int hzi = (int)highestZoneidx;
        if (KswapdHighestZoneidx == MaxNrZones || KswapdHighestZoneidx < hzi)
        {
            KswapdHighestZoneidx = hzi;
        }

        KswapdOrder = Math.Max(KswapdOrder, order);
        if (KswapdWait.Count == 0)
        {
            return;  // kswapd is awake and will read the request
        }

        // Hopeless node, leave it to direct reclaim if possible.
        if (IsHopeless || (PgdatBalanced(order, hzi) && !PgdatWatermarkBoosted(hzi)))
        {
            // Plenty of free memory, but maybe too fragmented: let compaction decide.
            if ((gfp & GfpFlags.DirectReclaim) == 0)
            {
                kcompactd?.WakeupKcompactd(order, hzi);
            }

            return;
        }

        Wakeups++;
        KswapdWait.WakeUpAll();
    }

    /// <summary>
    /// Revives a dormant kswapd after reclaim made progress (6.18: atomic_set(&amp;pgdat->kswapd_failures, 0)
    /// in shrink_node; later kernels call it kswapd_clear_hopeless).
    /// </summary>
    public void ClearHopeless() => KswapdFailures = 0;

    /// <summary>The thread body (mm/vmscan.c: kswapd).</summary>
    private IEnumerable<Wait> Body()
    {
        KswapdOrder = 0;
        KswapdHighestZoneidx = MaxNrZones;
        int highestZoneidx = MaxNrZones - 1;

        // A kernel thread: it runs until the simulation ends.
        while (true)
        {
            int allocOrder = KswapdOrder;
            int reclaimOrder = allocOrder;
            highestZoneidx = ReadHighestZoneidx(highestZoneidx);

            // kswapd_try_sleep: re-entered while balance_pgdat fell back to a lower order than asked for,
            // so kswapd considers sleeping for the order it reached but wakes kcompactd for the original one.
            while (true)
            {
                yield return Wait.Call(KswapdTryToSleep(allocOrder, reclaimOrder, highestZoneidx));

                allocOrder = KswapdOrder;
                highestZoneidx = ReadHighestZoneidx(highestZoneidx);
                KswapdOrder = 0;
                KswapdHighestZoneidx = MaxNrZones;
                yield return Wait.Call(BalancePgdat(allocOrder, highestZoneidx));

                reclaimOrder = balancedOrder;
                if (reclaimOrder >= allocOrder)
                {
                    break;
                }
            }
        }
    }

    /// <summary>
    /// Sleeps if the node is balanced: first a short sleep, after which kcompactd is woken; if nobody
    /// woke kswapd during it and the node is still balanced, sleeps until woken.
    /// </summary>
    /// <remarks>mm/vmscan.c: kswapd_try_to_sleep.</remarks>
    private IEnumerable<Wait> KswapdTryToSleep(int allocOrder, int reclaimOrder, int highestZoneidx)
    {
        SimTask self = Task!;
        bool remaining = false;

        // kcompactd is only woken if kswapd can sleep for a short interval: if reclaim cannot keep an
        // eligible zone balanced, compaction is unlikely to succeed either.
        if (PrepareKswapdSleep(reclaimOrder, highestZoneidx))
        {
            kcompactd?.Compact.ResetIsolationSuitable(alloc.Node);
            kcompactd?.WakeupKcompactd(allocOrder, highestZoneidx);
            yield return Wait.On(KswapdWait, TaskState.Interruptible, WaitSite, ShortSleepNs);
            remaining = !self.LastWaitTimedOut;

            // Woken prematurely: keep the request that woke it, or the one it slept on.
            if (remaining)
            {
                KswapdHighestZoneidx = ReadHighestZoneidx(highestZoneidx);
                KswapdOrder = Math.Max(KswapdOrder, reclaimOrder);
            }
        }

        if (!remaining && PrepareKswapdSleep(reclaimOrder, highestZoneidx))
        {
            yield return Wait.On(KswapdWait, TaskState.Interruptible, WaitSite);
            yield break;
        }

        CountVmEvent(remaining ? VmEventItem.KswapdLowWmarkHitQuickly : VmEventItem.KswapdHighWmarkHitQuickly);
    }

    /// <summary>Whether kswapd may sleep (mm/vmscan.c: prepare_kswapd_sleep).</summary>
    /// <remarks>No task throttles on pfmemalloc_wait yet and no congestion bits exist, so only the balance test remains.</remarks>
    private bool PrepareKswapdSleep(int order, int highestZoneidx)
    {
        if (IsHopeless)
        {
            return true;
        }

        if (PgdatBalanced(order, highestZoneidx))
        {
            reclaim.ClearPgdatCongested();
            return true;
        }

        return false;
    }

    /// <summary>mm/vmscan.c: kswapd_highest_zoneidx — the waker's zone, or the previous one if nobody asked.</summary>
    private int ReadHighestZoneidx(int prevHighestZoneidx) =>
        KswapdHighestZoneidx == MaxNrZones ? prevHighestZoneidx : KswapdHighestZoneidx;

    private void CountVmEvent(VmEventItem item) => alloc.Node.CountVmEvent(item);
}
