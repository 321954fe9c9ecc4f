using MmSim.Mm.PageAlloc;
using MmSim.Mm.Writeback;

namespace MmSim.Mm.Vmstat;

/// <summary>
/// The global dirty thresholds /proc/vmstat reports (nr_dirty_threshold,
/// nr_dirty_background_threshold), computed from dirtyable memory as the kernel does.
/// </summary>
/// <remarks>
/// Mirrors mm/page-writeback.c: global_dirty_limits, read by a non-realtime task. The computation is
/// the dirty throttle's (<see cref="DirtyLimits"/>), so /proc/vmstat and balance_dirty_pages agree.
/// </remarks>
public static class GlobalDirtyLimits
{
    /// <summary>vm.dirty_ratio default (percent of dirtyable memory).</summary>
    public const int DefaultDirtyRatio = 20;

    /// <summary>vm.dirty_background_ratio default (percent of dirtyable memory).</summary>
    public const int DefaultDirtyBackgroundRatio = 10;

    /// <summary>calculate_totalreserve_pages (<see cref="DirtyLimits.CalculateTotalreservePages"/>, the throttle's code).</summary>
    /// <param name="pgdat">The node.</param>
    /// <returns>totalreserve_pages.</returns>
    public static long CalculateTotalreservePages(PgData pgdat) => DirtyLimits.CalculateTotalreservePages(pgdat);

    /// <summary>global_dirtyable_memory (<see cref="DirtyLimits.GlobalDirtyableMemory"/>, the throttle's code).</summary>
    /// <param name="pgdat">The node.</param>
    /// <returns>Dirtyable pages (never 0).</returns>
    public static long GlobalDirtyableMemory(PgData pgdat) => DirtyLimits.GlobalDirtyableMemory(pgdat);

    /// <summary>global_dirty_limits for the ratio sysctls (vm.dirty_bytes = vm.dirty_background_bytes = 0).</summary>
    /// <param name="pgdat">The node.</param>
    /// <param name="dirtyRatioPercent">vm.dirty_ratio.</param>
    /// <param name="dirtyBackgroundRatioPercent">vm.dirty_background_ratio.</param>
    /// <returns>(bg_thresh, thresh).</returns>
    /// <exception cref="ArgumentOutOfRangeException">A ratio is outside 0..100.</exception>
    public static (long BackgroundThresh, long Thresh) Compute(PgData pgdat, int dirtyRatioPercent, int dirtyBackgroundRatioPercent)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(dirtyRatioPercent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dirtyRatioPercent, 100);
        ArgumentOutOfRangeException.ThrowIfNegative(dirtyBackgroundRatioPercent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dirtyBackgroundRatioPercent, 100);
        return Compute(pgdat, new WritebackSysctl { DirtyRatio = dirtyRatioPercent, DirtyBackgroundRatio = dirtyBackgroundRatioPercent });
    }

    /// <summary>
    /// global_dirty_limits: the background and throttling thresholds in pages, by the same code the
    /// dirty throttle uses (<see cref="DirtyLimits.DomainDirtyLimits"/>, including the _bytes forms).
    /// </summary>
    /// <param name="pgdat">The node.</param>
    /// <param name="sysctl">The vm.dirty_* sysctls.</param>
    /// <returns>(bg_thresh, thresh).</returns>
    /// <remarks>mm/page-writeback.c: global_dirty_limits → domain_dirty_limits for a non-realtime task.</remarks>
    public static (long BackgroundThresh, long Thresh) Compute(PgData pgdat, WritebackSysctl sysctl)
    {
        ArgumentNullException.ThrowIfNull(pgdat);
        ArgumentNullException.ThrowIfNull(sysctl);
        var dtc = new DirtyThrottleControl { Avail = DirtyLimits.GlobalDirtyableMemory(pgdat) };
        DirtyLimits.DomainDirtyLimits(dtc, sysctl);
        return (dtc.BgThresh, dtc.Thresh);
    }
}
