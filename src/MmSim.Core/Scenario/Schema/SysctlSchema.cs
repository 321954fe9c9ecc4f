namespace MmSim.Scenario;

/// <summary>Declaration of the <c>sysctl</c> section (kernel names and ranges) and its binding to <see cref="SysctlConfig"/>.</summary>
internal static class SysctlSchema
{
    // MIN_PERCPU_PAGELIST_HIGH_FRACTION in mm/page_alloc.c.
    private const int PercpuPagelistHighFractionMin = 8;

    // mm/page-writeback.c: dirty_bytes_min = 2 * PAGE_SIZE (the handler's extra1).
    private const long DirtyBytesMin = 2 * Units.PageSizeBytes;

    public static SectionDecl Decl { get; } = new(
        "sysctl",
        "Sysctls under their kernel names: `/proc/sys/vm/NAME`, except the `hung_task_*` ones, which live in `/proc/sys/kernel/`. "
        + "Ranges are those the kernel's handlers accept.",
        [
            new()
            {
                Name = "min_free_kbytes", Kind = FieldKind.IntOrAuto, Min = 0, Max = int.MaxValue,
                DefaultDoc = "`auto`: computed at boot as the kernel does: `int_sqrt(lowmem_kbytes * 16)` clamped to 128..262144 (calculate_min_free_kbytes), raised with THP to 11 pageblocks per zone (set_recommended_min_free_kbytes)",
                Doc = "reserve that sets the min watermarks; lowmem is the managed memory of DMA, DMA32 and Normal",
                Get = FieldDecl.Of<SysctlConfig>(s => (long?)s.MinFreeKbytes),
            },
            Int("watermark_boost_factor", 15000, 0, int.MaxValue, "boost of the high watermark after a fallback fragments a pageblock, in 1/10000 of it; 0 disables", s => s.WatermarkBoostFactor),
            Int("watermark_scale_factor", 10, 1, 3000, "distance between watermarks, in 1/10000 of memory", s => s.WatermarkScaleFactor),
            new()
            {
                Name = "lowmem_reserve_ratio", Kind = FieldKind.IntList, Count = 4, Min = 0, Max = int.MaxValue,
                Default = new ValueList<long>([256, 256, 32, 0]),
                Doc = "per zone (DMA, DMA32, Normal, Movable): a lower zone keeps 1/ratio of the higher zones' memory from their fallback allocations; 0 keeps none",
                Get = FieldDecl.Of<SysctlConfig>(s => s.LowmemReserveRatio),
            },
            Int("extfrag_threshold", 500, 0, 1000, "compaction is preferred to reclaim when the fragmentation index is above this (in 1/1000)", s => s.ExtfragThreshold),
            Int("compaction_proactiveness", 20, 0, 100, "how hard kcompactd compacts in the background; 0 disables proactive compaction", s => s.CompactionProactiveness),
            Int("compact_unevictable_allowed", 1, 0, 1, "compaction may migrate unevictable (mlocked) pages", s => s.CompactUnevictableAllowed),
            Int("defrag_mode", 0, 0, 1, "6.15+: reclaim and compact to keep whole pageblocks free instead of falling back (defrag_mode)", s => s.DefragMode),
            new()
            {
                Name = "percpu_pagelist_high_fraction", Kind = FieldKind.Int, Default = 0L, Min = 0, Max = int.MaxValue,
                Check = v => (long)v is > 0 and < PercpuPagelistHighFractionMin ? $"must be 0 or at least {PercpuPagelistHighFractionMin} (MIN_PERCPU_PAGELIST_HIGH_FRACTION), got {v}" : null,
                RangeDoc = $"0 or {PercpuPagelistHighFractionMin}..{int.MaxValue}",
                Doc = "per-cpu list high mark as a fraction of the zone; 0 lets the kernel size it",
                Get = FieldDecl.Of<SysctlConfig>(s => (long)s.PercpuPagelistHighFraction),
            },
            Int("dirty_ratio", 20, 0, 100, "percent of dirtyable memory at which writers are throttled", s => s.DirtyRatio),
            Int("dirty_background_ratio", 10, 0, 100, "percent of dirtyable memory at which background writeback starts", s => s.DirtyBackgroundRatio),
            // Writeback (issue 8): the _bytes forms of the dirty limits.
            new()
            {
                Name = "dirty_bytes", Kind = FieldKind.Size, Default = 0L, Min = 0, Max = long.MaxValue,
                Check = v => (long)v is > 0 and < DirtyBytesMin ? $"must be 0 or at least {DirtyBytesMin} bytes (2 pages: dirty_bytes_min), got {v}" : null,
                RangeDoc = $"0 or {DirtyBytesMin}B..",
                Doc = "dirty memory at which writers are throttled, in bytes; when set it replaces dirty_ratio (0: use dirty_ratio)",
                Get = FieldDecl.Of<SysctlConfig>(s => s.DirtyBytes),
            },
            new()
            {
                Name = "dirty_background_bytes", Kind = FieldKind.Size, Default = 0L, Min = 0, Max = long.MaxValue,
                Doc = "dirty memory at which background writeback starts, in bytes; when set it replaces dirty_background_ratio (0: use dirty_background_ratio)",
                Get = FieldDecl.Of<SysctlConfig>(s => s.DirtyBackgroundBytes),
            },
            Int("dirty_expire_centisecs", 3000, 0, int.MaxValue, "age at which dirty data is written back, in 1/100 s", s => s.DirtyExpireCentisecs),
            Int("dirty_writeback_centisecs", 500, 0, int.MaxValue, "interval of the flusher's periodic wakeup, in 1/100 s; 0 disables it", s => s.DirtyWritebackCentisecs),
            Int("hung_task_timeout_secs", 120, 0, int.MaxValue, "kernel: a task blocked (D state) this long is reported hung; 0 disables the detector", s => s.HungTaskTimeoutSecs),
            Int("hung_task_check_interval_secs", 0, 0, int.MaxValue, "kernel: how often khungtaskd checks; 0 means every hung_task_timeout_secs", s => s.HungTaskCheckIntervalSecs),
            Int("hung_task_warnings", 10, -1, int.MaxValue, "kernel: how many hung-task reports to print; -1 is unlimited", s => s.HungTaskWarnings),
            // fuse (issue 9): /proc/sys/fs/fuse, bounded by sysctl_fuse_req_timeout_limit (65535, a u16 like fuse_init_out's).
            Int("fuse_default_request_timeout", 0, 0, 65535, "fs.fuse.default_request_timeout (6.15+): seconds a FUSE server may take to answer a request before the connection aborts, when the server asks for no timeout; 0: none", s => s.FuseDefaultRequestTimeoutSecs),
            Int("fuse_max_request_timeout", 0, 0, 65535, "fs.fuse.max_request_timeout (6.15+): cap on every FUSE connection's request timeout, and the timeout when neither the server nor the default sets one; 0: no cap", s => s.FuseMaxRequestTimeoutSecs),
            Int("offline_timeout_secs", 0, 0, int.MaxValue, "not in mainline: the 2023 proposal (never merged) to end offline_and_remove_memory() with -ETIMEDOUT after this many seconds between passes (it proposed 30); 0 is mainline, no timeout", s => s.OfflineTimeoutSecs),
        ],
        Bind);

    private static FieldDecl Int(string name, long defaultValue, long min, long max, string doc, Func<SysctlConfig, int> get) => new()
    {
        Name = name, Kind = FieldKind.Int, Default = defaultValue, Min = min, Max = max, Doc = doc,
        Get = FieldDecl.Of<SysctlConfig>(s => (long)get(s)),
    };

    // Every value is range-checked to int by its declaration before binding.
    private static SysctlConfig Bind(FieldValues v, LoadContext ctx) => new(
        v.Raw("min_free_kbytes") is long kb ? (int)kb : null,
        I(v, "watermark_boost_factor"),
        I(v, "watermark_scale_factor"),
        new ValueList<int>(v.Get<ValueList<long>>("lowmem_reserve_ratio").Select(r => (int)r)),
        I(v, "extfrag_threshold"),
        I(v, "compaction_proactiveness"),
        I(v, "compact_unevictable_allowed"),
        I(v, "defrag_mode"),
        I(v, "percpu_pagelist_high_fraction"),
        I(v, "dirty_ratio"),
        I(v, "dirty_background_ratio"),
        I(v, "dirty_expire_centisecs"),
        I(v, "dirty_writeback_centisecs"),
        I(v, "hung_task_timeout_secs"),
        I(v, "hung_task_check_interval_secs"),
        I(v, "hung_task_warnings"),
        I(v, "offline_timeout_secs"),
        v.Get<long>("dirty_bytes"),
        v.Get<long>("dirty_background_bytes"),
        I(v, "fuse_default_request_timeout"),
        I(v, "fuse_max_request_timeout"));

    private static int I(FieldValues v, string name) => checked((int)v.Get<long>(name));
}
