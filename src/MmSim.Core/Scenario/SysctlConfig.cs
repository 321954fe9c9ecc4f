namespace MmSim.Scenario;

/// <summary>
/// Sysctls that steer the modelled mechanisms (<c>sysctl</c> section), under their
/// <c>/proc/sys/vm/</c> names (the hung-task ones live in <c>/proc/sys/kernel/</c>).
/// </summary>
/// <param name="MinFreeKbytes">min_free_kbytes; null for <c>auto</c>: the page allocator computes it at boot as the kernel does (calculate_min_free_kbytes, raised by khugepaged's set_recommended_min_free_kbytes when THP is enabled).</param>
/// <param name="WatermarkBoostFactor">watermark_boost_factor, in units of 1/10000 of the high watermark.</param>
/// <param name="WatermarkScaleFactor">watermark_scale_factor, in units of 1/10000 of memory.</param>
/// <param name="LowmemReserveRatio">lowmem_reserve_ratio for DMA, DMA32, Normal, Movable.</param>
/// <param name="ExtfragThreshold">extfrag_threshold (0..1000).</param>
/// <param name="CompactionProactiveness">compaction_proactiveness (0..100).</param>
/// <param name="CompactUnevictableAllowed">compact_unevictable_allowed (0/1).</param>
/// <param name="DefragMode">defrag_mode (0/1, 6.15+).</param>
/// <param name="PercpuPagelistHighFraction">percpu_pagelist_high_fraction (0 or at least 8).</param>
/// <param name="DirtyRatio">dirty_ratio, percent.</param>
/// <param name="DirtyBackgroundRatio">dirty_background_ratio, percent.</param>
/// <param name="DirtyExpireCentisecs">dirty_expire_centisecs.</param>
/// <param name="DirtyWritebackCentisecs">dirty_writeback_centisecs.</param>
/// <param name="HungTaskTimeoutSecs">kernel.hung_task_timeout_secs; 0 turns the detector off.</param>
/// <param name="HungTaskCheckIntervalSecs">kernel.hung_task_check_interval_secs; 0 means the timeout.</param>
/// <param name="HungTaskWarnings">kernel.hung_task_warnings; -1 means unlimited.</param>
/// <param name="OfflineTimeoutSecs">The proposed (2023, never merged) offline timeout, in seconds; 0 is mainline: none.</param>
/// <param name="DirtyBytes">dirty_bytes; 0 uses dirty_ratio, otherwise it replaces it (writing one zeroes the other in the kernel).</param>
/// <param name="DirtyBackgroundBytes">dirty_background_bytes; 0 uses dirty_background_ratio, otherwise it replaces it.</param>
/// <param name="FuseDefaultRequestTimeoutSecs">fs.fuse.default_request_timeout (6.15+), seconds; 0: none.</param>
/// <param name="FuseMaxRequestTimeoutSecs">fs.fuse.max_request_timeout (6.15+), seconds; 0: no cap.</param>
public sealed record SysctlConfig(
    int? MinFreeKbytes,
    int WatermarkBoostFactor,
    int WatermarkScaleFactor,
    ValueList<int> LowmemReserveRatio,
    int ExtfragThreshold,
    int CompactionProactiveness,
    int CompactUnevictableAllowed,
    int DefragMode,
    int PercpuPagelistHighFraction,
    int DirtyRatio,
    int DirtyBackgroundRatio,
    int DirtyExpireCentisecs,
    int DirtyWritebackCentisecs,
    int HungTaskTimeoutSecs,
    int HungTaskCheckIntervalSecs,
    int HungTaskWarnings,
    int OfflineTimeoutSecs = 0,
    long DirtyBytes = 0,
    long DirtyBackgroundBytes = 0,
    int FuseDefaultRequestTimeoutSecs = 0, // fuse (issue 9)
    int FuseMaxRequestTimeoutSecs = 0);
