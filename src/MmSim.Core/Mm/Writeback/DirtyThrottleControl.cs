// struct dirty_throttle_control and the pure computations of mm/page-writeback.c over it.
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;

namespace MmSim.Mm.Writeback;

/// <summary>struct dirty_throttle_control for the global domain (gdtc): what balance_dirty_pages computes per pass.</summary>
public sealed class DirtyThrottleControl
{
    /// <summary>RATELIMIT_CALC_SHIFT.</summary>
    public const int RatelimitCalcShift = 10;

    /// <summary>avail: dirtyable memory, pages.</summary>
    public long Avail { get; set; }

    /// <summary>dirty: NR_FILE_DIRTY + NR_WRITEBACK.</summary>
    public long Dirty { get; set; }

    /// <summary>thresh.</summary>
    public long Thresh { get; set; }

    /// <summary>bg_thresh.</summary>
    public long BgThresh { get; set; }

    /// <summary>limit (hard_dirty_limit).</summary>
    public long Limit { get; set; }

    /// <summary>wb_dirty: the wb's dirty + writeback pages.</summary>
    public long WbDirty { get; set; }

    /// <summary>wb_thresh.</summary>
    public long WbThresh { get; set; }

    /// <summary>wb_bg_thresh.</summary>
    public long WbBgThresh { get; set; }

    /// <summary>pos_ratio, fixed point (1 &lt;&lt; RATELIMIT_CALC_SHIFT is 1.0).</summary>
    public long PosRatio { get; set; }
}

/// <summary>The computations of mm/page-writeback.c that neither sleep nor keep state.</summary>
public static class DirtyLimits
{
    /// <summary>global_dirtyable_memory: free pages above the reserves plus the file LRU, plus one (no highmem on x86-64).</summary>
    /// <param name="pgdat">The node.</param>
    /// <returns>Dirtyable pages (never 0).</returns>
    public static long GlobalDirtyableMemory(PgData pgdat)
    {
        ArgumentNullException.ThrowIfNull(pgdat);
        long x = Math.Max(0, pgdat.GlobalZonePageState(ZoneStatItem.NrFreePages));
        x -= Math.Min(x, CalculateTotalreservePages(pgdat));
        x += Math.Max(0, pgdat.VmStat[(int)NodeStatItem.NrInactiveFile]);
        x += Math.Max(0, pgdat.VmStat[(int)NodeStatItem.NrActiveFile]);
        return x + 1;
    }

    /// <summary>mm/page_alloc.c: calculate_totalreserve_pages (per zone: the largest lowmem reserve plus the high watermark, capped at managed).</summary>
    /// <param name="pgdat">The node.</param>
    /// <returns>totalreserve_pages.</returns>
    public static long CalculateTotalreservePages(PgData pgdat)
    {
        ArgumentNullException.ThrowIfNull(pgdat);
        long reservePages = 0;
        foreach (Zone zone in pgdat.Zones)
        {
            long max = 0;
            for (int j = zone.LowmemReserve.Length - 1; j > (int)zone.Type; j--)
            {
                if (zone.LowmemReserve[j] != 0)
                {
                    max = zone.LowmemReserve[j];
                    break;
                }
            }

            max += zone.Watermark[(int)WatermarkIndex.High];
            reservePages += Math.Min(max, zone.ManagedPages);
        }

        return reservePages;
    }

    /// <summary>domain_dirty_limits for the global domain, a non-realtime task: sets Thresh and BgThresh from Avail.</summary>
    /// <param name="dtc">The control; Avail set.</param>
    /// <param name="sysctl">The vm.dirty_* sysctls.</param>
    public static void DomainDirtyLimits(DirtyThrottleControl dtc, WritebackSysctl sysctl)
    {
        ArgumentNullException.ThrowIfNull(dtc);
        ArgumentNullException.ThrowIfNull(sysctl);
        long available = dtc.Avail;
        long thresh;
        long bgThresh;
        if (sysctl.DirtyBytes != 0)
        {
            thresh = (sysctl.DirtyBytes + MmConstants.PageSize - 1) / MmConstants.PageSize;
        }
        else
        {
            // The ratio is converted to per-PAGE_SIZE first "for higher precision".
            long ratio = (long)sysctl.DirtyRatio * MmConstants.PageSize / 100;
            thresh = ratio * available / MmConstants.PageSize;
        }

        if (sysctl.DirtyBackgroundBytes != 0)
        {
            bgThresh = (sysctl.DirtyBackgroundBytes + MmConstants.PageSize - 1) / MmConstants.PageSize;
        }
        else
        {
            long bgRatio = (long)sysctl.DirtyBackgroundRatio * MmConstants.PageSize / 100;
            bgThresh = bgRatio * available / MmConstants.PageSize;
        }

        // The throttling logic assumes the limits fit in 32 bits; the order matters: bg_thresh is
        // compared with the clamped thresh, which keeps it within 32 bits as well.
        thresh = Math.Min(thresh, uint.MaxValue);
        if (bgThresh >= thresh)
        {
            bgThresh = thresh / 2;
        }

        dtc.Thresh = thresh;
        dtc.BgThresh = bgThresh;
    }

    /// <summary>dirty_freerun_ceiling: (thresh + bg_thresh) / 2.</summary>
    /// <param name="thresh">Throttle threshold.</param>
    /// <param name="bgThresh">Background threshold.</param>
    /// <returns>Pages.</returns>
    public static long DirtyFreerunCeiling(long thresh, long bgThresh) => (thresh + bgThresh) / 2;

    /// <summary>
    /// __wb_calc_thresh: the wb's share of <paramref name="thresh"/> by its recent writeout fraction,
    /// after min_ratio reservations, at least a small part of the headroom (so an idle device can ramp
    /// up), at most max_ratio.
    /// </summary>
    /// <param name="dtc">The control (Dirty set).</param>
    /// <param name="bdi">The device.</param>
    /// <param name="thresh">The domain threshold to share.</param>
    /// <param name="numerator">fprop fraction numerator (the wb's completions).</param>
    /// <param name="denominator">fprop fraction denominator (the domain's), ≥ 1.</param>
    /// <param name="bdiMinRatio">Sum of every bdi's min_ratio (scaled).</param>
    /// <returns>wb_thresh, pages.</returns>
    public static long WbCalcThresh(DirtyThrottleControl dtc, BackingDevInfo bdi, long thresh, long numerator, long denominator, long bdiMinRatio)
    {
        ArgumentNullException.ThrowIfNull(dtc);
        ArgumentNullException.ThrowIfNull(bdi);
        const long Scale100 = 100L * BackingDevInfo.RatioScale;
        long wbThresh = thresh * (Scale100 - bdiMinRatio) / Scale100;
        wbThresh = (long)((decimal)wbThresh * numerator / Math.Max(1, denominator));
        wbThresh += thresh * bdi.MinRatio / Scale100;
        if (thresh > dtc.Dirty)
        {
            wbThresh = Math.Max(wbThresh, (thresh - dtc.Dirty) / (bdi.StrictLimit ? 100 : 8));
        }

        long wbMaxThresh = thresh * bdi.MaxRatio / Scale100;
        return Math.Min(wbThresh, wbMaxThresh);
    }

    /// <summary>pos_ratio_polynom: 1 + ((setpoint − dirty)/(limit − setpoint))³, clamped to [0, 2].</summary>
    /// <param name="setpoint">Balance point.</param>
    /// <param name="dirty">Dirty pages.</param>
    /// <param name="limit">Hard limit.</param>
    /// <returns>Fixed point ratio.</returns>
    public static long PosRatioPolynom(long setpoint, long dirty, long limit)
    {
        const int Shift = DirtyThrottleControl.RatelimitCalcShift;
        long x = ((setpoint - dirty) << Shift) / ((limit - setpoint) | 1);
        long posRatio = x;
        posRatio = posRatio * x >> Shift;
        posRatio = posRatio * x >> Shift;
        posRatio += 1L << Shift;
        return Math.Clamp(posRatio, 0, 2L << Shift);
    }

    /// <summary>wb_position_ratio: the global cubic control line, then the wb's (strictlimit: its own cubic line).</summary>
    /// <param name="dtc">The control, with thresholds and wb thresholds set.</param>
    /// <param name="bdi">The device.</param>
    /// <param name="writeBw">wb->avg_write_bandwidth, pages/s.</param>
    public static void WbPositionRatio(DirtyThrottleControl dtc, BackingDevInfo bdi, long writeBw)
    {
        ArgumentNullException.ThrowIfNull(dtc);
        ArgumentNullException.ThrowIfNull(bdi);
        long freerun = DirtyFreerunCeiling(dtc.Thresh, dtc.BgThresh);
        long limit = dtc.Limit;
        long wbThresh = dtc.WbThresh;
        dtc.PosRatio = 0;
        if (dtc.Dirty >= limit)
        {
            return;
        }

        long setpoint = (freerun + limit) / 2;
        long posRatio = PosRatioPolynom(setpoint, dtc.Dirty, limit);
        if (bdi.StrictLimit)
        {
            if (dtc.WbDirty >= wbThresh)
            {
                return;
            }

            long wbSetpointS = DirtyFreerunCeiling(wbThresh, dtc.WbBgThresh);
            if (wbSetpointS == 0 || wbSetpointS == wbThresh)
            {
                return;
            }

            dtc.PosRatio = Math.Min(posRatio, PosRatioPolynom(wbSetpointS, dtc.WbDirty, wbThresh));
            return;
        }

        wbThresh = Math.Min(wbThresh, dtc.Thresh);
        long x = (wbThresh << 16) / (dtc.Thresh | 1);
        long wbSetpoint = setpoint * x >> 16;
        long span = (dtc.Thresh - wbThresh + (8 * writeBw)) * x >> 16;
        long xIntercept = wbSetpoint + span;
        if (dtc.WbDirty < xIntercept - (span / 4))
        {
            posRatio = posRatio * (xIntercept - dtc.WbDirty) / ((xIntercept - wbSetpoint) | 1);
        }
        else
        {
            posRatio /= 4;
        }

        xIntercept = wbThresh / 2;
        if (dtc.WbDirty < xIntercept)
        {
            posRatio = dtc.WbDirty > xIntercept / 8 ? posRatio * xIntercept / dtc.WbDirty : posRatio * 8;
        }

        dtc.PosRatio = posRatio;
    }

    /// <summary>dirty_poll_interval: how many pages a task may dirty before checking again in freerun.</summary>
    /// <param name="dirty">Dirty pages.</param>
    /// <param name="thresh">Threshold.</param>
    /// <returns>Pages.</returns>
    public static long DirtyPollInterval(long dirty, long thresh) =>
        thresh > dirty ? 1L << (Ilog2(thresh - dirty) >> 1) : 1;

    /// <summary>ilog2 of a positive value (0 for 0).</summary>
    /// <param name="v">Value.</param>
    /// <returns>floor(log2 v).</returns>
    public static int Ilog2(long v) => v <= 0 ? 0 : 63 - System.Numerics.BitOperations.LeadingZeroCount((ulong)v);

    /// <summary>roundup_pow_of_two.</summary>
    /// <param name="v">Value ≥ 1.</param>
    /// <returns>The smallest power of two ≥ v.</returns>
    public static long RoundupPowOfTwo(long v) => (long)System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)Math.Max(1, v));
}
