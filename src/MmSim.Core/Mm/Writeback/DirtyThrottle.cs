// The dirty throttle (mm/page-writeback.c): the global wb_domain with its writeout completions
// and dirty_limit, every bdi's bandwidth estimate, and balance_dirty_pages, where writers sleep.
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;
using MmSim.Sim;

namespace MmSim.Mm.Writeback;

/// <summary>
/// global_wb_domain plus balance_dirty_pages(_ratelimited), wb_over_bg_thresh, node_dirty_ok and the
/// writeout accounting folio_end_writeback does (wb_domain_writeout_add).
/// </summary>
/// <remarks>
/// Time is counted in jiffies of <see cref="Hz"/> = 250 so the kernel's integer arithmetic (pauses,
/// ratelimits in pages/s) is kept. Not modelled: memcg (cgroup writeback) domains, the per-CPU
/// bdp_ratelimits and dirty_throttle_leaks, real-time tasks' 25% boost, laptop mode.
/// </remarks>
public sealed class DirtyThrottle
{
    /// <summary>CONFIG_HZ.</summary>
    public const int Hz = 250;

    /// <summary>Nanoseconds per jiffy.</summary>
    public const long JiffyNs = SimTime.NsPerSec / Hz;

    /// <summary>MAX_PAUSE: max(HZ/5, 1) jiffies (200 ms).</summary>
    public const long MaxPause = Hz / 5;

    /// <summary>DIRTY_POLL_THRESH: 128 KiB in pages.</summary>
    public const long DirtyPollThresh = 128 >> (MmConstants.PageShift - 10);

    /// <summary>Wait site of a writer paused by the throttle (io_schedule_timeout in TASK_KILLABLE: D).</summary>
    public const string SiteBalanceDirtyPages = "balance_dirty_pages";

    /// <summary>BANDWIDTH_INTERVAL: max(HZ/5, 1) jiffies.</summary>
    private const long BandwidthInterval = Hz / 5;

    /// <summary>VM_COMPLETIONS_PERIOD_LEN: 3 s.</summary>
    private const long CompletionsPeriodNs = 3 * SimTime.NsPerSec;

    private readonly PgData node;
    private readonly Simulator sim;
    private readonly Func<TaskContext> current;
    private readonly List<BackingDevInfo> bdis = [];
    private readonly DirtyThrottleControl gdtc = new();

    // global_wb_domain.completions (fprop_global): events aged by halving each period.
    private long domainEvents;
    private long domainPeriod;
    private long periodStartNs;
    private long dirtyLimitStamp;

    /// <summary>Creates the throttle of a node.</summary>
    /// <param name="node">The node.</param>
    /// <param name="sim">The engine (time, sleeps).</param>
    /// <param name="current">current.</param>
    /// <param name="sysctl">The vm.dirty_* sysctls.</param>
    public DirtyThrottle(PgData node, Simulator sim, Func<TaskContext> current, WritebackSysctl sysctl)
    {
        this.node = node;
        this.sim = sim;
        this.current = current;
        Sysctl = sysctl;
    }

    /// <summary>The sysctls.</summary>
    public WritebackSysctl Sysctl { get; }

    /// <summary>global_wb_domain.dirty_limit: follows thresh up at once and down slowly.</summary>
    public long DomainDirtyLimit { get; private set; }

    /// <summary>Backing devices in registration order.</summary>
    public IReadOnlyList<BackingDevInfo> Bdis => bdis;

    /// <summary>bdi_min_ratio: the sum of every bdi's min_ratio.</summary>
    public long BdiMinRatio { get; private set; }

    /// <summary>Tasks put to sleep by the throttle (pauses).</summary>
    public long Pauses { get; private set; }

    /// <summary>jiffies now (from 1, so 0 can mean "never").</summary>
    public long Jiffies => (sim.Now / JiffyNs) + 1;

    /// <summary>bdi_register: adds a device and its min_ratio.</summary>
    /// <param name="bdi">The device.</param>
    public void Register(BackingDevInfo bdi)
    {
        ArgumentNullException.ThrowIfNull(bdi);
        bdis.Add(bdi);
        BdiMinRatio += bdi.MinRatio;
    }

    /// <summary>global_dirty_limits: (bg_thresh, thresh) for /proc/vmstat.</summary>
    /// <returns>Pages.</returns>
    public (long BackgroundThresh, long Thresh) GlobalDirtyLimits()
    {
        gdtc.Avail = DirtyLimits.GlobalDirtyableMemory(node);
        DirtyLimits.DomainDirtyLimits(gdtc, Sysctl);
        return (gdtc.BgThresh, gdtc.Thresh);
    }

    /// <summary>node_dirty_ok: NR_FILE_DIRTY + NR_WRITEBACK within the node's share of the dirty limit.</summary>
    /// <returns>True when a __GFP_WRITE allocation may use the node.</returns>
    /// <remarks>One node: node_dirtyable_memory is global_dirtyable_memory, so node_dirty_limit is the global thresh.</remarks>
    public bool NodeDirtyOk()
    {
        long nrPages = node.VmStat[(int)NodeStatItem.NrDirty] + node.VmStat[(int)NodeStatItem.NrWriteback];
        return nrPages <= GlobalDirtyLimits().Thresh;
    }

    /// <summary>wb_domain_writeout_add (via __wb_writeout_add): a completed page counts toward the wb's share.</summary>
    /// <param name="wb">The wb.</param>
    /// <param name="nrPages">Pages written.</param>
    public void WritebackCompleted(BdiWriteback wb, long nrPages)
    {
        ArgumentNullException.ThrowIfNull(wb);
        AgeDomain();
        ReflectPeriod(wb);
        wb.CompletionEvents += nrPages;
        domainEvents += nrPages;
        if (Jiffies - (wb.BwTimeStampNs / JiffyNs) >= BandwidthInterval)
        {
            UpdateBandwidth(wb, null);
        }
    }

    /// <summary>wb_calc_thresh: the wb's share of <paramref name="thresh"/> at the current dirty level.</summary>
    /// <param name="wb">The wb.</param>
    /// <param name="thresh">A domain threshold.</param>
    /// <returns>Pages.</returns>
    public long WbCalcThresh(BdiWriteback wb, long thresh)
    {
        ArgumentNullException.ThrowIfNull(wb);
        var dtc = new DirtyThrottleControl { Dirty = node.VmStat[(int)NodeStatItem.NrDirty] + node.VmStat[(int)NodeStatItem.NrWriteback] };
        return CalcThresh(dtc, wb, thresh);
    }

    /// <summary>wb_over_bg_thresh: global dirty above bg_thresh, or the wb's dirty above its share of it.</summary>
    /// <param name="wb">The wb.</param>
    /// <returns>True while background writeback should go on.</returns>
    public bool WbOverBgThresh(BdiWriteback wb)
    {
        ArgumentNullException.ThrowIfNull(wb);
        (long bg, _) = GlobalDirtyLimits();
        long nrDirty = node.VmStat[(int)NodeStatItem.NrDirty];
        if (nrDirty > bg)
        {
            return true;
        }

        return wb.Stat(WbStatItem.Reclaimable) > WbCalcThresh(wb, bg);
    }

    /// <summary>
    /// balance_dirty_pages_ratelimited: after dirtying, a task whose nr_dirtied reached its
    /// nr_dirtied_pause (8 pages while the wb exceeds its limit) runs balance_dirty_pages.
    /// </summary>
    /// <param name="wb">The wb of the mapping written.</param>
    /// <returns>The coroutine (empty when nothing is due).</returns>
    public IEnumerable<Wait> BalanceDirtyPagesRatelimited(BdiWriteback wb)
    {
        ArgumentNullException.ThrowIfNull(wb);
        if ((wb.Bdi.Capabilities & BdiCaps.Writeback) == 0)
        {
            return [];
        }

        TaskContext cur = current();
        long ratelimit = cur.NrDirtiedPause;
        if (wb.DirtyExceeded)
        {
            ratelimit = Math.Min(ratelimit, 32 >> (MmConstants.PageShift - 10));
        }

        return cur.NrDirtied >= ratelimit && cur.CanSleep ? BalanceDirtyPages(wb, cur.NrDirtied) : [];
    }

    /// <summary>
    /// balance_dirty_pages: below the freerun ceiling the task goes on; above it, the flusher is started
    /// and the task sleeps (D, wait site balance_dirty_pages) for the pause its pos_ratio and the wb's
    /// ratelimit give, between min_pause and MAX_PAUSE.
    /// </summary>
    /// <param name="wb">The wb.</param>
    /// <param name="pagesDirtied">current->nr_dirtied.</param>
    /// <returns>The coroutine.</returns>
    public IEnumerable<Wait> BalanceDirtyPages(BdiWriteback wb, long pagesDirtied)
    {
        ArgumentNullException.ThrowIfNull(wb);
        TaskContext cur = current();
        bool strict = wb.Bdi.StrictLimit;
        while (true)
        {
            long now = Jiffies;
            long nrDirty = node.VmStat[(int)NodeStatItem.NrDirty];
            gdtc.Avail = DirtyLimits.GlobalDirtyableMemory(node);
            gdtc.Dirty = nrDirty + node.VmStat[(int)NodeStatItem.NrWriteback];
            DirtyLimits.DomainDirtyLimits(gdtc, Sysctl);
            gdtc.Limit = Math.Max(gdtc.Thresh, DomainDirtyLimit);
            long dirty;
            long thresh;
            long bgThresh;
            if (strict)
            {
                WbDirtyLimits(gdtc, wb);
                dirty = gdtc.WbDirty;
                thresh = gdtc.WbThresh;
                bgThresh = gdtc.WbBgThresh;
            }
            else
            {
                dirty = gdtc.Dirty;
                thresh = gdtc.Thresh;
                bgThresh = gdtc.BgThresh;
            }

            if (nrDirty > gdtc.BgThresh && wb.Worker is { InProgress: false } w)
            {
                w.StartBackgroundWriteback();
            }

            // Throttle only when dirty is above the freerun ceiling (the mean of the two thresholds).
            if (dirty <= DirtyLimits.DirtyFreerunCeiling(thresh, bgThresh))
            {
                cur.DirtyPausedWhen = now;
                cur.NrDirtied = 0;
                cur.NrDirtiedPause = DirtyLimits.DirtyPollInterval(dirty, thresh);
                yield break;
            }

            if (wb.Worker is { InProgress: false } w2)
            {
                w2.StartBackgroundWriteback();
            }

            if (!strict)
            {
                WbDirtyLimits(gdtc, wb);
            }

            bool dirtyExceeded = gdtc.WbDirty > gdtc.WbThresh && (gdtc.Dirty > gdtc.Thresh || strict);
            DirtyLimits.WbPositionRatio(gdtc, wb.Bdi, wb.AvgWriteBandwidth);
            wb.DirtyExceeded = dirtyExceeded;
            if (now - (wb.BwTimeStampNs / JiffyNs) >= BandwidthInterval)
            {
                UpdateBandwidth(wb, gdtc);
            }

            long dirtyRatelimit = wb.DirtyRatelimit;
            long taskRatelimit = dirtyRatelimit * gdtc.PosRatio >> DirtyThrottleControl.RatelimitCalcShift;
            long maxPause = WbMaxPause(wb, gdtc.WbDirty);
            long minPause = WbMinPause(wb, maxPause, taskRatelimit, dirtyRatelimit, out long nrDirtiedPause);
            long pause;
            if (taskRatelimit == 0)
            {
                pause = maxPause;
            }
            else
            {
                long period = Hz * pagesDirtied / taskRatelimit;
                pause = period;
                if (cur.DirtyPausedWhen != 0)
                {
                    pause -= now - cur.DirtyPausedWhen;
                }

                // The task dirtied more slowly than its ratelimit since its last pause: no sleep now.
                if (pause < minPause)
                {
                    if (pause < -Hz)
                    {
                        cur.DirtyPausedWhen = now;
                        cur.NrDirtied = 0;
                    }
                    else if (period != 0)
                    {
                        cur.DirtyPausedWhen += period;
                        cur.NrDirtied = 0;
                    }
                    else if (cur.NrDirtiedPause <= pagesDirtied)
                    {
                        cur.NrDirtiedPause += pagesDirtied;
                    }

                    yield break;
                }

                if (pause > maxPause)
                {
                    now += Math.Min(pause - maxPause, maxPause);
                    pause = maxPause;
                }
            }

            Pauses++;
            long slept = sim.Now;
            yield return Wait.Sleep(pause * JiffyNs, TaskState.Uninterruptible, SiteBalanceDirtyPages);
            cur.DirtyThrottledNs += sim.Now - slept;
            cur.DirtyPausedWhen = now + pause;
            cur.NrDirtied = 0;
            cur.NrDirtiedPause = nrDirtiedPause;

            // A task with a non-zero ratelimit has served its pause; at pos_ratio 0 it loops until the wb drains.
            if (taskRatelimit != 0 || gdtc.WbDirty <= 0 || cur.FatalSignalPending)
            {
                yield break;
            }
        }
    }

    // wb_max_pause: enough to write what the wb has dirty at its bandwidth, at most MAX_PAUSE.
    private static long WbMaxPause(BdiWriteback wb, long wbDirty)
    {
        long bw = wb.AvgWriteBandwidth;
        long t = wbDirty / (1 + (bw / DirtyLimits.RoundupPowOfTwo(1 + (Hz / 8))));
        t++;
        return Math.Min(t, MaxPause);
    }

    // wb_min_pause: the target pause (10 ms for one dirtier, longer with many) and the pages to dirty until the next check.
    private static long WbMinPause(BdiWriteback wb, long maxPause, long taskRatelimit, long dirtyRatelimit, out long nrDirtiedPause)
    {
        long hi = DirtyLimits.Ilog2(wb.AvgWriteBandwidth);
        long lo = DirtyLimits.Ilog2(wb.DirtyRatelimit);
        long t = Math.Max(1, Hz / 100);
        if (hi > lo)
        {
            t += (hi - lo) * (10 * Hz) / 1024;
        }

        t = Math.Min(t, 1 + (maxPause / 2));
        long hzPow = DirtyLimits.RoundupPowOfTwo(Hz);
        long pages = dirtyRatelimit * t / hzPow;
        if (pages < DirtyPollThresh)
        {
            t = maxPause;
            pages = dirtyRatelimit * t / hzPow;
            if (pages > DirtyPollThresh)
            {
                pages = DirtyPollThresh;
                t = Hz * DirtyPollThresh / Math.Max(1, dirtyRatelimit);
            }
        }

        long pause = Hz * pages / (taskRatelimit + 1);
        if (pause > maxPause)
        {
            t = maxPause;
            pages = taskRatelimit * t / hzPow;
        }

        nrDirtiedPause = pages;
        return pages >= DirtyPollThresh ? 1 + (t / 2) : t;
    }

    // wb_dirty_limits: the wb's thresholds and its dirty + writeback pages (exact counters: wb_stat_error is 0).
    private void WbDirtyLimits(DirtyThrottleControl dtc, BdiWriteback wb)
    {
        dtc.WbThresh = CalcThresh(dtc, wb, dtc.Thresh);
        dtc.WbBgThresh = dtc.Thresh != 0 ? dtc.WbThresh * dtc.BgThresh / dtc.Thresh : 0;
        dtc.WbDirty = wb.Stat(WbStatItem.Reclaimable) + wb.Stat(WbStatItem.Writeback);
    }

    private long CalcThresh(DirtyThrottleControl dtc, BdiWriteback wb, long thresh)
    {
        AgeDomain();
        ReflectPeriod(wb);

        // fprop_fraction_percpu.
        long num = wb.CompletionEvents;
        long den = domainEvents;
        if (den <= num)
        {
            if (num != 0)
            {
                den = num;
            }
            else
            {
                num = 0;
                den = 1;
            }
        }

        return DirtyLimits.WbCalcThresh(dtc, wb.Bdi, thresh, num, den, BdiMinRatio);
    }

    // fprop_new_period, lazily: every elapsed period halves the domain's events.
    private void AgeDomain()
    {
        long periods = (sim.Now - periodStartNs) / CompletionsPeriodNs;
        if (periods <= 0)
        {
            return;
        }

        domainEvents = periods < 64 ? domainEvents >> (int)periods : 0;
        domainPeriod += periods;
        periodStartNs += periods * CompletionsPeriodNs;
    }

    // fprop_reflect_period_percpu: the wb's events age by the periods it missed.
    private void ReflectPeriod(BdiWriteback wb)
    {
        long missed = domainPeriod - wb.CompletionPeriod;
        if (missed == 0)
        {
            return;
        }

        wb.CompletionEvents = missed < 64 ? wb.CompletionEvents >> (int)missed : 0;
        wb.CompletionPeriod = domainPeriod;
    }

    // __wb_update_bandwidth: write bandwidth (wb_update_write_bandwidth), the domain's dirty_limit
    // (update_dirty_limit) and, from balance_dirty_pages, the dirty ratelimit (wb_update_dirty_ratelimit).
    private void UpdateBandwidth(BdiWriteback wb, DirtyThrottleControl? dtc)
    {
        long now = Jiffies;
        long stampJ = wb.BwTimeStampNs / JiffyNs;
        long elapsed = Math.Max(1, now - stampJ);
        long written = wb.Stat(WbStatItem.Written);
        long dirtied = wb.Stat(WbStatItem.Dirtied);
        if (dtc is not null)
        {
            if (now - dirtyLimitStamp >= BandwidthInterval)
            {
                UpdateDirtyLimit(dtc);
                dirtyLimitStamp = now;
            }

            UpdateDirtyRatelimit(dtc, wb, dirtied, elapsed);
        }

        UpdateWriteBandwidth(wb, elapsed, written);
        wb.DirtiedStamp = dirtied;
        wb.WrittenStamp = written;
        wb.BwTimeStampNs = sim.Now;
    }

    private static void UpdateWriteBandwidth(BdiWriteback wb, long elapsed, long written)
    {
        long period = DirtyLimits.RoundupPowOfTwo(3 * Hz);
        long avg = wb.AvgWriteBandwidth;
        long old = wb.WriteBandwidth;
        long bw = (written - Math.Min(written, wb.WrittenStamp)) * Hz;
        if (elapsed > period)
        {
            bw /= elapsed;
            avg = bw;
        }
        else
        {
            bw += old * (period - elapsed);
            bw >>= DirtyLimits.Ilog2(period);
            if (avg > old && old >= bw)
            {
                avg -= (avg - old) >> 3;
            }

            if (avg < old && old <= bw)
            {
                avg += (old - avg) >> 3;
            }
        }

        wb.WriteBandwidth = bw;
        wb.AvgWriteBandwidth = Math.Max(avg, 1);
    }

    private void UpdateDirtyLimit(DirtyThrottleControl dtc)
    {
        long thresh = dtc.Thresh;
        long limit = DomainDirtyLimit;
        if (limit < thresh)
        {
            DomainDirtyLimit = thresh;
            return;
        }

        thresh = Math.Max(thresh, dtc.Dirty);
        if (limit > thresh)
        {
            DomainDirtyLimit = limit - ((limit - thresh) >> 5);
        }
    }

    // wb_update_dirty_ratelimit: estimate the balanced rate (write_bw / N dirtiers) from the dirty rate and
    // step dirty_ratelimit towards it, only in the direction that brings dirty back to the setpoint.
    private static void UpdateDirtyRatelimit(DirtyThrottleControl dtc, BdiWriteback wb, long dirtied, long elapsed)
    {
        long dirty = dtc.Dirty;
        long freerun = DirtyLimits.DirtyFreerunCeiling(dtc.Thresh, dtc.BgThresh);
        long limit = dtc.Limit;
        long setpoint = (freerun + limit) / 2;
        long writeBw = wb.AvgWriteBandwidth;
        long dirtyRatelimit = wb.DirtyRatelimit;
        long dirtyRate = (dirtied - wb.DirtiedStamp) * Hz / elapsed;
        long taskRatelimit = (dirtyRatelimit * dtc.PosRatio >> DirtyThrottleControl.RatelimitCalcShift) + 1;
        long balanced = taskRatelimit * writeBw / (dirtyRate | 1);
        if (wb.Bdi.StrictLimit)
        {
            dirty = dtc.WbDirty;
            setpoint = (dtc.WbThresh + dtc.WbBgThresh) / 2;
        }

        long step = 0;
        if (dirty < setpoint)
        {
            long x = Math.Min(Math.Min(wb.BalancedDirtyRatelimit, balanced), taskRatelimit);
            if (dirtyRatelimit < x)
            {
                step = x - dirtyRatelimit;
            }
        }
        else
        {
            long x = Math.Max(Math.Max(wb.BalancedDirtyRatelimit, balanced), taskRatelimit);
            if (dirtyRatelimit > x)
            {
                step = dirtyRatelimit - x;
            }
        }

        long shift = dirtyRatelimit / ((2 * step) + 1);
        step = shift < 64 ? ((step >> (int)shift) + 7) / 8 : 0;
        dirtyRatelimit = dirtyRatelimit < balanced ? Math.Min(dirtyRatelimit + step, balanced) : Math.Max(dirtyRatelimit - step, balanced);
        wb.DirtyRatelimit = Math.Max(dirtyRatelimit, 1);
        wb.BalancedDirtyRatelimit = balanced;
    }
}
