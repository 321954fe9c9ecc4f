namespace MmSim.Mm.Vmstat;

/// <summary>Every item of /proc/vmstat in the order a 6.18 kernel prints it.</summary>
/// <remarks>mm/vmstat.c: vmstat_text (zone_stat_item, numa_stat_item, node_stat_item,
/// the writeback thresholds, memmap counts, vm_event_item, nr_unstable). Order taken from a real
/// 6.18 kernel's /proc/vmstat (x86-64, CONFIG_ZONE_DEVICE, CONFIG_NUMA); unmodelled items stay 0.</remarks>
public enum VmStatItem
{
    /// <summary>nr_free_pages.</summary>
    NrFreePages = 0,

    /// <summary>nr_free_pages_blocks.</summary>
    NrFreePagesBlocks = 1,

    /// <summary>nr_zone_inactive_anon.</summary>
    NrZoneInactiveAnon = 2,

    /// <summary>nr_zone_active_anon.</summary>
    NrZoneActiveAnon = 3,

    /// <summary>nr_zone_inactive_file.</summary>
    NrZoneInactiveFile = 4,

    /// <summary>nr_zone_active_file.</summary>
    NrZoneActiveFile = 5,

    /// <summary>nr_zone_unevictable.</summary>
    NrZoneUnevictable = 6,

    /// <summary>nr_zone_write_pending.</summary>
    NrZoneWritePending = 7,

    /// <summary>nr_mlock.</summary>
    NrMlock = 8,

    /// <summary>nr_zspages.</summary>
    NrZspages = 9,

    /// <summary>nr_free_cma.</summary>
    NrFreeCma = 10,

    /// <summary>numa_hit.</summary>
    NumaHit = 11,

    /// <summary>numa_miss.</summary>
    NumaMiss = 12,

    /// <summary>numa_foreign.</summary>
    NumaForeign = 13,

    /// <summary>numa_interleave.</summary>
    NumaInterleave = 14,

    /// <summary>numa_local.</summary>
    NumaLocal = 15,

    /// <summary>numa_other.</summary>
    NumaOther = 16,

    /// <summary>nr_inactive_anon.</summary>
    NrInactiveAnon = 17,

    /// <summary>nr_active_anon.</summary>
    NrActiveAnon = 18,

    /// <summary>nr_inactive_file.</summary>
    NrInactiveFile = 19,

    /// <summary>nr_active_file.</summary>
    NrActiveFile = 20,

    /// <summary>nr_unevictable.</summary>
    NrUnevictable = 21,

    /// <summary>nr_slab_reclaimable.</summary>
    NrSlabReclaimable = 22,

    /// <summary>nr_slab_unreclaimable.</summary>
    NrSlabUnreclaimable = 23,

    /// <summary>nr_isolated_anon.</summary>
    NrIsolatedAnon = 24,

    /// <summary>nr_isolated_file.</summary>
    NrIsolatedFile = 25,

    /// <summary>workingset_nodes.</summary>
    WorkingsetNodes = 26,

    /// <summary>workingset_refault_anon.</summary>
    WorkingsetRefaultAnon = 27,

    /// <summary>workingset_refault_file.</summary>
    WorkingsetRefaultFile = 28,

    /// <summary>workingset_activate_anon.</summary>
    WorkingsetActivateAnon = 29,

    /// <summary>workingset_activate_file.</summary>
    WorkingsetActivateFile = 30,

    /// <summary>workingset_restore_anon.</summary>
    WorkingsetRestoreAnon = 31,

    /// <summary>workingset_restore_file.</summary>
    WorkingsetRestoreFile = 32,

    /// <summary>workingset_nodereclaim.</summary>
    WorkingsetNodereclaim = 33,

    /// <summary>nr_anon_pages.</summary>
    NrAnonPages = 34,

    /// <summary>nr_mapped.</summary>
    NrMapped = 35,

    /// <summary>nr_file_pages.</summary>
    NrFilePages = 36,

    /// <summary>nr_dirty.</summary>
    NrDirty = 37,

    /// <summary>nr_writeback.</summary>
    NrWriteback = 38,

    /// <summary>nr_shmem.</summary>
    NrShmem = 39,

    /// <summary>nr_shmem_hugepages.</summary>
    NrShmemHugepages = 40,

    /// <summary>nr_shmem_pmdmapped.</summary>
    NrShmemPmdmapped = 41,

    /// <summary>nr_file_hugepages.</summary>
    NrFileHugepages = 42,

    /// <summary>nr_file_pmdmapped.</summary>
    NrFilePmdmapped = 43,

    /// <summary>nr_anon_transparent_hugepages.</summary>
    NrAnonTransparentHugepages = 44,

    /// <summary>nr_vmscan_write.</summary>
    NrVmscanWrite = 45,

    /// <summary>nr_vmscan_immediate_reclaim.</summary>
    NrVmscanImmediateReclaim = 46,

    /// <summary>nr_dirtied.</summary>
    NrDirtied = 47,

    /// <summary>nr_written.</summary>
    NrWritten = 48,

    /// <summary>nr_throttled_written.</summary>
    NrThrottledWritten = 49,

    /// <summary>nr_kernel_misc_reclaimable.</summary>
    NrKernelMiscReclaimable = 50,

    /// <summary>nr_foll_pin_acquired.</summary>
    NrFollPinAcquired = 51,

    /// <summary>nr_foll_pin_released.</summary>
    NrFollPinReleased = 52,

    /// <summary>nr_kernel_stack.</summary>
    NrKernelStack = 53,

    /// <summary>nr_page_table_pages.</summary>
    NrPageTablePages = 54,

    /// <summary>nr_sec_page_table_pages.</summary>
    NrSecPageTablePages = 55,

    /// <summary>nr_iommu_pages.</summary>
    NrIommuPages = 56,

    /// <summary>nr_swapcached.</summary>
    NrSwapcached = 57,

    /// <summary>pgpromote_success.</summary>
    PgpromoteSuccess = 58,

    /// <summary>pgpromote_candidate.</summary>
    PgpromoteCandidate = 59,

    /// <summary>pgpromote_candidate_nrl.</summary>
    PgpromoteCandidateNrl = 60,

    /// <summary>pgdemote_kswapd.</summary>
    PgdemoteKswapd = 61,

    /// <summary>pgdemote_direct.</summary>
    PgdemoteDirect = 62,

    /// <summary>pgdemote_khugepaged.</summary>
    PgdemoteKhugepaged = 63,

    /// <summary>pgdemote_proactive.</summary>
    PgdemoteProactive = 64,

    /// <summary>nr_hugetlb.</summary>
    NrHugetlb = 65,

    /// <summary>nr_balloon_pages.</summary>
    NrBalloonPages = 66,

    /// <summary>nr_kernel_file_pages.</summary>
    NrKernelFilePages = 67,

    /// <summary>nr_dirty_threshold.</summary>
    NrDirtyThreshold = 68,

    /// <summary>nr_dirty_background_threshold.</summary>
    NrDirtyBackgroundThreshold = 69,

    /// <summary>nr_memmap_pages.</summary>
    NrMemmapPages = 70,

    /// <summary>nr_memmap_boot_pages.</summary>
    NrMemmapBootPages = 71,

    /// <summary>pgpgin.</summary>
    Pgpgin = 72,

    /// <summary>pgpgout.</summary>
    Pgpgout = 73,

    /// <summary>pswpin.</summary>
    Pswpin = 74,

    /// <summary>pswpout.</summary>
    Pswpout = 75,

    /// <summary>pgalloc_dma.</summary>
    PgallocDma = 76,

    /// <summary>pgalloc_dma32.</summary>
    PgallocDma32 = 77,

    /// <summary>pgalloc_normal.</summary>
    PgallocNormal = 78,

    /// <summary>pgalloc_movable.</summary>
    PgallocMovable = 79,

    /// <summary>pgalloc_device.</summary>
    PgallocDevice = 80,

    /// <summary>allocstall_dma.</summary>
    AllocstallDma = 81,

    /// <summary>allocstall_dma32.</summary>
    AllocstallDma32 = 82,

    /// <summary>allocstall_normal.</summary>
    AllocstallNormal = 83,

    /// <summary>allocstall_movable.</summary>
    AllocstallMovable = 84,

    /// <summary>allocstall_device.</summary>
    AllocstallDevice = 85,

    /// <summary>pgskip_dma.</summary>
    PgskipDma = 86,

    /// <summary>pgskip_dma32.</summary>
    PgskipDma32 = 87,

    /// <summary>pgskip_normal.</summary>
    PgskipNormal = 88,

    /// <summary>pgskip_movable.</summary>
    PgskipMovable = 89,

    /// <summary>pgskip_device.</summary>
    PgskipDevice = 90,

    /// <summary>pgfree.</summary>
    Pgfree = 91,

    /// <summary>pgactivate.</summary>
    Pgactivate = 92,

    /// <summary>pgdeactivate.</summary>
    Pgdeactivate = 93,

    /// <summary>pglazyfree.</summary>
    Pglazyfree = 94,

    /// <summary>pgfault.</summary>
    Pgfault = 95,

    /// <summary>pgmajfault.</summary>
    Pgmajfault = 96,

    /// <summary>pglazyfreed.</summary>
    Pglazyfreed = 97,

    /// <summary>pgrefill.</summary>
    Pgrefill = 98,

    /// <summary>pgreuse.</summary>
    Pgreuse = 99,

    /// <summary>pgsteal_kswapd.</summary>
    PgstealKswapd = 100,

    /// <summary>pgsteal_direct.</summary>
    PgstealDirect = 101,

    /// <summary>pgsteal_khugepaged.</summary>
    PgstealKhugepaged = 102,

    /// <summary>pgsteal_proactive.</summary>
    PgstealProactive = 103,

    /// <summary>pgscan_kswapd.</summary>
    PgscanKswapd = 104,

    /// <summary>pgscan_direct.</summary>
    PgscanDirect = 105,

    /// <summary>pgscan_khugepaged.</summary>
    PgscanKhugepaged = 106,

    /// <summary>pgscan_proactive.</summary>
    PgscanProactive = 107,

    /// <summary>pgscan_direct_throttle.</summary>
    PgscanDirectThrottle = 108,

    /// <summary>pgscan_anon.</summary>
    PgscanAnon = 109,

    /// <summary>pgscan_file.</summary>
    PgscanFile = 110,

    /// <summary>pgsteal_anon.</summary>
    PgstealAnon = 111,

    /// <summary>pgsteal_file.</summary>
    PgstealFile = 112,

    /// <summary>zone_reclaim_success.</summary>
    ZoneReclaimSuccess = 113,

    /// <summary>zone_reclaim_failed.</summary>
    ZoneReclaimFailed = 114,

    /// <summary>pginodesteal.</summary>
    Pginodesteal = 115,

    /// <summary>slabs_scanned.</summary>
    SlabsScanned = 116,

    /// <summary>kswapd_inodesteal.</summary>
    KswapdInodesteal = 117,

    /// <summary>kswapd_low_wmark_hit_quickly.</summary>
    KswapdLowWmarkHitQuickly = 118,

    /// <summary>kswapd_high_wmark_hit_quickly.</summary>
    KswapdHighWmarkHitQuickly = 119,

    /// <summary>pageoutrun.</summary>
    Pageoutrun = 120,

    /// <summary>pgrotated.</summary>
    Pgrotated = 121,

    /// <summary>drop_pagecache.</summary>
    DropPagecache = 122,

    /// <summary>drop_slab.</summary>
    DropSlab = 123,

    /// <summary>oom_kill.</summary>
    OomKill = 124,

    /// <summary>numa_pte_updates.</summary>
    NumaPteUpdates = 125,

    /// <summary>numa_huge_pte_updates.</summary>
    NumaHugePteUpdates = 126,

    /// <summary>numa_hint_faults.</summary>
    NumaHintFaults = 127,

    /// <summary>numa_hint_faults_local.</summary>
    NumaHintFaultsLocal = 128,

    /// <summary>numa_pages_migrated.</summary>
    NumaPagesMigrated = 129,

    /// <summary>pgmigrate_success.</summary>
    PgmigrateSuccess = 130,

    /// <summary>pgmigrate_fail.</summary>
    PgmigrateFail = 131,

    /// <summary>thp_migration_success.</summary>
    ThpMigrationSuccess = 132,

    /// <summary>thp_migration_fail.</summary>
    ThpMigrationFail = 133,

    /// <summary>thp_migration_split.</summary>
    ThpMigrationSplit = 134,

    /// <summary>compact_migrate_scanned.</summary>
    CompactMigrateScanned = 135,

    /// <summary>compact_free_scanned.</summary>
    CompactFreeScanned = 136,

    /// <summary>compact_isolated.</summary>
    CompactIsolated = 137,

    /// <summary>compact_stall.</summary>
    CompactStall = 138,

    /// <summary>compact_fail.</summary>
    CompactFail = 139,

    /// <summary>compact_success.</summary>
    CompactSuccess = 140,

    /// <summary>compact_daemon_wake.</summary>
    CompactDaemonWake = 141,

    /// <summary>compact_daemon_migrate_scanned.</summary>
    CompactDaemonMigrateScanned = 142,

    /// <summary>compact_daemon_free_scanned.</summary>
    CompactDaemonFreeScanned = 143,

    /// <summary>htlb_buddy_alloc_success.</summary>
    HtlbBuddyAllocSuccess = 144,

    /// <summary>htlb_buddy_alloc_fail.</summary>
    HtlbBuddyAllocFail = 145,

    /// <summary>unevictable_pgs_culled.</summary>
    UnevictablePgsCulled = 146,

    /// <summary>unevictable_pgs_scanned.</summary>
    UnevictablePgsScanned = 147,

    /// <summary>unevictable_pgs_rescued.</summary>
    UnevictablePgsRescued = 148,

    /// <summary>unevictable_pgs_mlocked.</summary>
    UnevictablePgsMlocked = 149,

    /// <summary>unevictable_pgs_munlocked.</summary>
    UnevictablePgsMunlocked = 150,

    /// <summary>unevictable_pgs_cleared.</summary>
    UnevictablePgsCleared = 151,

    /// <summary>unevictable_pgs_stranded.</summary>
    UnevictablePgsStranded = 152,

    /// <summary>thp_fault_alloc.</summary>
    ThpFaultAlloc = 153,

    /// <summary>thp_fault_fallback.</summary>
    ThpFaultFallback = 154,

    /// <summary>thp_fault_fallback_charge.</summary>
    ThpFaultFallbackCharge = 155,

    /// <summary>thp_collapse_alloc.</summary>
    ThpCollapseAlloc = 156,

    /// <summary>thp_collapse_alloc_failed.</summary>
    ThpCollapseAllocFailed = 157,

    /// <summary>thp_file_alloc.</summary>
    ThpFileAlloc = 158,

    /// <summary>thp_file_fallback.</summary>
    ThpFileFallback = 159,

    /// <summary>thp_file_fallback_charge.</summary>
    ThpFileFallbackCharge = 160,

    /// <summary>thp_file_mapped.</summary>
    ThpFileMapped = 161,

    /// <summary>thp_split_page.</summary>
    ThpSplitPage = 162,

    /// <summary>thp_split_page_failed.</summary>
    ThpSplitPageFailed = 163,

    /// <summary>thp_deferred_split_page.</summary>
    ThpDeferredSplitPage = 164,

    /// <summary>thp_underused_split_page.</summary>
    ThpUnderusedSplitPage = 165,

    /// <summary>thp_split_pmd.</summary>
    ThpSplitPmd = 166,

    /// <summary>thp_scan_exceed_none_pte.</summary>
    ThpScanExceedNonePte = 167,

    /// <summary>thp_scan_exceed_swap_pte.</summary>
    ThpScanExceedSwapPte = 168,

    /// <summary>thp_scan_exceed_share_pte.</summary>
    ThpScanExceedSharePte = 169,

    /// <summary>thp_split_pud.</summary>
    ThpSplitPud = 170,

    /// <summary>thp_zero_page_alloc.</summary>
    ThpZeroPageAlloc = 171,

    /// <summary>thp_zero_page_alloc_failed.</summary>
    ThpZeroPageAllocFailed = 172,

    /// <summary>thp_swpout.</summary>
    ThpSwpout = 173,

    /// <summary>thp_swpout_fallback.</summary>
    ThpSwpoutFallback = 174,

    /// <summary>balloon_inflate.</summary>
    BalloonInflate = 175,

    /// <summary>balloon_deflate.</summary>
    BalloonDeflate = 176,

    /// <summary>balloon_migrate.</summary>
    BalloonMigrate = 177,

    /// <summary>swap_ra.</summary>
    SwapRa = 178,

    /// <summary>swap_ra_hit.</summary>
    SwapRaHit = 179,

    /// <summary>swpin_zero.</summary>
    SwpinZero = 180,

    /// <summary>swpout_zero.</summary>
    SwpoutZero = 181,

    /// <summary>ksm_swpin_copy.</summary>
    KsmSwpinCopy = 182,

    /// <summary>cow_ksm.</summary>
    CowKsm = 183,

    /// <summary>zswpin.</summary>
    Zswpin = 184,

    /// <summary>zswpout.</summary>
    Zswpout = 185,

    /// <summary>zswpwb.</summary>
    Zswpwb = 186,

    /// <summary>direct_map_level2_splits.</summary>
    DirectMapLevel2Splits = 187,

    /// <summary>direct_map_level3_splits.</summary>
    DirectMapLevel3Splits = 188,

    /// <summary>direct_map_level2_collapses.</summary>
    DirectMapLevel2Collapses = 189,

    /// <summary>direct_map_level3_collapses.</summary>
    DirectMapLevel3Collapses = 190,

    /// <summary>nr_unstable.</summary>
    NrUnstable = 191,
}

/// <summary>Ranges and names of <see cref="VmStatItem"/>.</summary>
public static class VmStatItems
{
    /// <summary>Number of items (NR_VMSTAT_ITEMS plus the trailing nr_unstable).</summary>
    public const int Count = 192;

    /// <summary>Zone stat items (enum zone_stat_item) are the first 11; kept per zone.</summary>
    public const int NrZoneStatItems = 11;

    /// <summary>The /proc/vmstat name of each item, by index.</summary>
    public static readonly string[] Names =
    [
        "nr_free_pages",
        "nr_free_pages_blocks",
        "nr_zone_inactive_anon",
        "nr_zone_active_anon",
        "nr_zone_inactive_file",
        "nr_zone_active_file",
        "nr_zone_unevictable",
        "nr_zone_write_pending",
        "nr_mlock",
        "nr_zspages",
        "nr_free_cma",
        "numa_hit",
        "numa_miss",
        "numa_foreign",
        "numa_interleave",
        "numa_local",
        "numa_other",
        "nr_inactive_anon",
        "nr_active_anon",
        "nr_inactive_file",
        "nr_active_file",
        "nr_unevictable",
        "nr_slab_reclaimable",
        "nr_slab_unreclaimable",
        "nr_isolated_anon",
        "nr_isolated_file",
        "workingset_nodes",
        "workingset_refault_anon",
        "workingset_refault_file",
        "workingset_activate_anon",
        "workingset_activate_file",
        "workingset_restore_anon",
        "workingset_restore_file",
        "workingset_nodereclaim",
        "nr_anon_pages",
        "nr_mapped",
        "nr_file_pages",
        "nr_dirty",
        "nr_writeback",
        "nr_shmem",
        "nr_shmem_hugepages",
        "nr_shmem_pmdmapped",
        "nr_file_hugepages",
        "nr_file_pmdmapped",
        "nr_anon_transparent_hugepages",
        "nr_vmscan_write",
        "nr_vmscan_immediate_reclaim",
        "nr_dirtied",
        "nr_written",
        "nr_throttled_written",
        "nr_kernel_misc_reclaimable",
        "nr_foll_pin_acquired",
        "nr_foll_pin_released",
        "nr_kernel_stack",
        "nr_page_table_pages",
        "nr_sec_page_table_pages",
        "nr_iommu_pages",
        "nr_swapcached",
        "pgpromote_success",
        "pgpromote_candidate",
        "pgpromote_candidate_nrl",
        "pgdemote_kswapd",
        "pgdemote_direct",
        "pgdemote_khugepaged",
        "pgdemote_proactive",
        "nr_hugetlb",
        "nr_balloon_pages",
        "nr_kernel_file_pages",
        "nr_dirty_threshold",
        "nr_dirty_background_threshold",
        "nr_memmap_pages",
        "nr_memmap_boot_pages",
        "pgpgin",
        "pgpgout",
        "pswpin",
        "pswpout",
        "pgalloc_dma",
        "pgalloc_dma32",
        "pgalloc_normal",
        "pgalloc_movable",
        "pgalloc_device",
        "allocstall_dma",
        "allocstall_dma32",
        "allocstall_normal",
        "allocstall_movable",
        "allocstall_device",
        "pgskip_dma",
        "pgskip_dma32",
        "pgskip_normal",
        "pgskip_movable",
        "pgskip_device",
        "pgfree",
        "pgactivate",
        "pgdeactivate",
        "pglazyfree",
        "pgfault",
        "pgmajfault",
        "pglazyfreed",
        "pgrefill",
        "pgreuse",
        "pgsteal_kswapd",
        "pgsteal_direct",
        "pgsteal_khugepaged",
        "pgsteal_proactive",
        "pgscan_kswapd",
        "pgscan_direct",
        "pgscan_khugepaged",
        "pgscan_proactive",
        "pgscan_direct_throttle",
        "pgscan_anon",
        "pgscan_file",
        "pgsteal_anon",
        "pgsteal_file",
        "zone_reclaim_success",
        "zone_reclaim_failed",
        "pginodesteal",
        "slabs_scanned",
        "kswapd_inodesteal",
        "kswapd_low_wmark_hit_quickly",
        "kswapd_high_wmark_hit_quickly",
        "pageoutrun",
        "pgrotated",
        "drop_pagecache",
        "drop_slab",
        "oom_kill",
        "numa_pte_updates",
        "numa_huge_pte_updates",
        "numa_hint_faults",
        "numa_hint_faults_local",
        "numa_pages_migrated",
        "pgmigrate_success",
        "pgmigrate_fail",
        "thp_migration_success",
        "thp_migration_fail",
        "thp_migration_split",
        "compact_migrate_scanned",
        "compact_free_scanned",
        "compact_isolated",
        "compact_stall",
        "compact_fail",
        "compact_success",
        "compact_daemon_wake",
        "compact_daemon_migrate_scanned",
        "compact_daemon_free_scanned",
        "htlb_buddy_alloc_success",
        "htlb_buddy_alloc_fail",
        "unevictable_pgs_culled",
        "unevictable_pgs_scanned",
        "unevictable_pgs_rescued",
        "unevictable_pgs_mlocked",
        "unevictable_pgs_munlocked",
        "unevictable_pgs_cleared",
        "unevictable_pgs_stranded",
        "thp_fault_alloc",
        "thp_fault_fallback",
        "thp_fault_fallback_charge",
        "thp_collapse_alloc",
        "thp_collapse_alloc_failed",
        "thp_file_alloc",
        "thp_file_fallback",
        "thp_file_fallback_charge",
        "thp_file_mapped",
        "thp_split_page",
        "thp_split_page_failed",
        "thp_deferred_split_page",
        "thp_underused_split_page",
        "thp_split_pmd",
        "thp_scan_exceed_none_pte",
        "thp_scan_exceed_swap_pte",
        "thp_scan_exceed_share_pte",
        "thp_split_pud",
        "thp_zero_page_alloc",
        "thp_zero_page_alloc_failed",
        "thp_swpout",
        "thp_swpout_fallback",
        "balloon_inflate",
        "balloon_deflate",
        "balloon_migrate",
        "swap_ra",
        "swap_ra_hit",
        "swpin_zero",
        "swpout_zero",
        "ksm_swpin_copy",
        "cow_ksm",
        "zswpin",
        "zswpout",
        "zswpwb",
        "direct_map_level2_splits",
        "direct_map_level3_splits",
        "direct_map_level2_collapses",
        "direct_map_level3_collapses",
        "nr_unstable",
    ];
}
