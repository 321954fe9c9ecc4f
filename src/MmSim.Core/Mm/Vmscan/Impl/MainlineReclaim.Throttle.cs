// reclaim_throttle and what wakes it (mm/vmscan.c): reclaimers that find the LRU cycling faster than
// writeback cleans it, too many folios isolated, or no progress, sleep on one of four node wait
// queues with a timeout; completed writeback (acct_reclaim_writeback, called by folio_end_writeback)
// wakes the writeback sleepers early.
using MmSim.Mm.Stat;
using MmSim.Sim;

namespace MmSim.Mm.Vmscan.Impl;

/// <summary>Why a reclaimer throttles (enum vmscan_throttle_state).</summary>
public enum VmscanThrottle
{
    /// <summary>VMSCAN_THROTTLE_WRITEBACK: folios at the LRU tail are under writeback.</summary>
    Writeback = 0,

    /// <summary>VMSCAN_THROTTLE_ISOLATED: too many folios isolated by parallel reclaimers.</summary>
    Isolated = 1,

    /// <summary>VMSCAN_THROTTLE_NOPROGRESS: direct reclaim at priority 1 reclaimed nothing.</summary>
    Noprogress = 2,

    /// <summary>VMSCAN_THROTTLE_CONGESTED: the lruvec is marked congested.</summary>
    Congested = 3,
}

public sealed partial class MainlineReclaim
{
    /// <summary>The wait site of a throttled reclaimer.</summary>
    public const string ThrottleWaitSite = "reclaim_throttle";

    /// <summary>One jiffy (HZ = 250).</summary>
    public const long JiffyNs = 4 * SimTime.NsPerMs;

    // pgdat->reclaim_wait[NR_VMSCAN_THROTTLE].
    private readonly WaitQueue[] reclaimWait = new WaitQueue[4];

    // pgdat->nr_writeback_throttled, pgdat->nr_reclaim_start.
    private int nrWritebackThrottled;
    private long nrReclaimStart;

    /// <summary>Tasks sleeping in reclaim_throttle(<paramref name="reason"/>) now.</summary>
    /// <param name="reason">The queue.</param>
    /// <returns>The count.</returns>
    public int ThrottledCount(VmscanThrottle reason) => reclaimWait[(int)reason].Count;

    /// <summary>Times a task entered reclaim_throttle, by reason (the mm_vmscan_throttled tracepoint's count).</summary>
    public long[] Throttled { get; } = new long[4];

    /// <inheritdoc/>
    /// <remarks>mm/internal.h: acct_reclaim_writeback; mm/vmscan.c: __acct_reclaim_writeback.</remarks>
    public void AcctReclaimWriteback(int pfn, int nrPages)
    {
        int nrThrottled = nrWritebackThrottled;
        if (nrThrottled == 0)
        {
            return;
        }

        node.ModNodePageState(NodeStatItem.NrThrottledWritten, nrPages);
        long nrWritten = node.VmStat[(int)NodeStatItem.NrThrottledWritten] - nrReclaimStart;
        if (nrWritten > (long)SwapClusterMax * nrThrottled)
        {
            reclaimWait[(int)VmscanThrottle.Writeback].WakeUpAll();
        }
    }

    /// <summary>
    /// reclaim_throttle: sleeps uninterruptibly on the node's queue for <paramref name="reason"/> until woken or
    /// the timeout passes (WRITEBACK HZ/10, ISOLATED HZ/50, NOPROGRESS and CONGESTED one jiffy). Kernel threads
    /// other than kswapd do not throttle.
    /// </summary>
    private IEnumerable<Wait> ReclaimThrottle(VmscanThrottle reason, ScanControl sc)
    {
        if (!sc.IsKswapd && (deps.Sim.Current is null || deps.Sim.Current.IsKernelThread))
        {
            yield break;
        }

        long timeout;
        switch (reason)
        {
            case VmscanThrottle.Writeback:
                timeout = 100 * SimTime.NsPerMs;
                if (++nrWritebackThrottled == 1)
                {
                    nrReclaimStart = node.VmStat[(int)NodeStatItem.NrThrottledWritten];
                }

                break;
            case VmscanThrottle.Isolated:
                timeout = 20 * SimTime.NsPerMs;
                break;
            default:
                timeout = JiffyNs;
                break;
        }

        Throttled[(int)reason]++;
        yield return Wait.On(reclaimWait[(int)reason], TaskState.Uninterruptible, ThrottleWaitSite, timeout);
        if (reason == VmscanThrottle.Writeback)
        {
            nrWritebackThrottled--;
        }
    }

    // wake_throttle_isolated.
    private void WakeThrottleIsolated()
    {
        WaitQueue q = reclaimWait[(int)VmscanThrottle.Isolated];
        if (q.Count != 0)
        {
            q.WakeUpAll();
        }
    }

    // consider_reclaim_throttle: wake NOPROGRESS sleepers on >12% efficiency; direct reclaim at priority 1
    // with nothing reclaimed throttles (kswapd and cgroup reclaim throttle on writeback instead).
    private IEnumerable<Wait> ConsiderReclaimThrottle(ScanControl sc)
    {
        if (sc.NrReclaimed > (sc.NrScanned >> 3))
        {
            WaitQueue q = reclaimWait[(int)VmscanThrottle.Noprogress];
            if (q.Count != 0)
            {
                q.WakeUpAll();
            }

            yield break;
        }

        if (sc.IsKswapd || sc.TargetMemCgroup is not null)
        {
            yield break;
        }

        if (sc.Priority == 1 && sc.NrReclaimed == 0)
        {
            yield return Wait.Call(ReclaimThrottle(VmscanThrottle.Noprogress, sc));
        }
    }
}
