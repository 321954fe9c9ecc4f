using System.Diagnostics;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;

namespace MmSim.Mm.Vmstat;

/// <summary>
/// The global dirty thresholds /proc/vmstat reports (nr_dirty_threshold,
/// nr_dirty_background_threshold), computed from dirtyable memory as the kernel does.
/// </summary>
/// <remarks>
/// Mirrors mm/page-writeback.c: global_dirtyable_memory, domain_dirty_limits and
/// global_dirty_limits for the ratio sysctls (vm.dirty_bytes / dirty_background_bytes = 0), read by
/// a non-realtime task; and mm/page_alloc.c: calculate_totalreserve_pages. It lives here until
/// mmsim has an Mm/PageWriteback folder, which should own it then.
/// </remarks>
public static class GlobalDirtyLimits
{
    /// <summary>vm.dirty_ratio default (percent of dirtyable memory).</summary>
    public const int DefaultDirtyRatio = 20;

    /// <summary>vm.dirty_background_ratio default (percent of dirtyable memory).</summary>
    public const int DefaultDirtyBackgroundRatio = 10;

    /// <summary>
    /// calculate_totalreserve_pages: per zone, the largest lowmem reserve against a higher zone plus
    /// the high watermark, capped at the zone's managed pages.
    /// </summary>
    /// <param name="pgdat">The node.</param>
    /// <returns>totalreserve_pages.</returns>
    /// <remarks>
    /// mm/page_alloc.c: calculate_totalreserve_pages. The kernel computes it when watermarks or
    /// reserves are set up, when watermark_boost is 0; mmsim recomputes it from the unboosted high
    /// watermark, which gives the same value. ZONE_DEVICE (never populated) adds 0. Cost: O(zones²).
    /// </remarks>
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

        Debug.Assert(reservePages >= 0, "negative reserve");
        return reservePages;
    }

    /// <summary>global_dirtyable_memory: free pages above the reserves plus the file LRU, plus one.</summary>
    /// <param name="pgdat">The node.</param>
    /// <returns>Dirtyable pages (never 0).</returns>
    /// <remarks>mm/page-writeback.c: global_dirtyable_memory (no highmem on x86-64).</remarks>
    public static long GlobalDirtyableMemory(PgData pgdat)
    {
        ArgumentNullException.ThrowIfNull(pgdat);
        long x = Math.Max(0, pgdat.GlobalZonePageState(ZoneStatItem.NrFreePages));

        // Pages reserved for the kernel are not dirtyable, so that reclaim need not clean pages
        // just to balance the zones.
        x -= Math.Min(x, CalculateTotalreservePages(pgdat));
        x += Math.Max(0, pgdat.VmStat[(int)NodeStatItem.NrInactiveFile]);
        x += Math.Max(0, pgdat.VmStat[(int)NodeStatItem.NrActiveFile]);
        return x + 1;
    }

    /// <summary>global_dirty_limits: the background and throttling thresholds in pages.</summary>
    /// <param name="pgdat">The node.</param>
    /// <param name="dirtyRatioPercent">vm.dirty_ratio.</param>
    /// <param name="dirtyBackgroundRatioPercent">vm.dirty_background_ratio.</param>
    /// <returns>(bg_thresh, thresh).</returns>
    /// <exception cref="ArgumentOutOfRangeException">A ratio is outside 0..100.</exception>
    /// <remarks>mm/page-writeback.c: domain_dirty_limits converts the ratios to per-PAGE_SIZE units
    /// first ("for higher precision"), so thresh = (ratio·4096/100)·avail/4096 in integers.</remarks>
    public static (long BackgroundThresh, long Thresh) Compute(PgData pgdat, int dirtyRatioPercent, int dirtyBackgroundRatioPercent)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(dirtyRatioPercent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dirtyRatioPercent, 100);
        ArgumentOutOfRangeException.ThrowIfNegative(dirtyBackgroundRatioPercent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dirtyBackgroundRatioPercent, 100);
        long available = GlobalDirtyableMemory(pgdat);
        long ratio = (long)dirtyRatioPercent * MmConstants.PageSize / 100;
        long bgRatio = (long)dirtyBackgroundRatioPercent * MmConstants.PageSize / 100;
        long thresh = ratio * available / MmConstants.PageSize;
        long bgThresh = bgRatio * available / MmConstants.PageSize;

        // The throttling logic assumes the limits fit in 32 bits.
        thresh = Math.Min(thresh, uint.MaxValue);
        if (bgThresh >= thresh)
        {
            bgThresh = thresh / 2;
        }

        return (bgThresh, thresh);
    }
}
