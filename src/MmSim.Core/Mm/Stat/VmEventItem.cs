namespace MmSim.Mm.Stat;

/// <summary>Event counters (monotonic), kept in <c>pgdat.VmEvents</c>.</summary>
/// <remarks>
/// include/linux/vm_event_item.h: enum vm_event_item as configured on the 6.18 kernel mmsim models
/// (x86-64 with ZONE_DEVICE, so FOR_ALL_ZONES gives five per-zone items; CONFIG_NUMA_BALANCING,
/// CONFIG_MIGRATION, CONFIG_COMPACTION, CONFIG_HUGETLB_PAGE, CONFIG_UNEVICTABLE_LRU,
/// CONFIG_TRANSPARENT_HUGEPAGE, CONFIG_MEMORY_BALLOON, CONFIG_SWAP, CONFIG_KSM, CONFIG_ZSWAP,
/// CONFIG_X86 direct-map items on). The kernel keeps them per CPU and sums them globally; mmsim has
/// one node and one CPU, so the node holds them. Members are named after their /proc/vmstat name (the
/// kernel constant is given where it differs). The per-zone items are consecutive in
/// <see cref="ZoneType"/> order, then ZONE_DEVICE (<c>__count_zid_vm_events</c> relies on it).
/// Unmodelled items stay 0.
/// </remarks>
public enum VmEventItem
{
    /// <summary>pgpgin (PGPGIN). Kept in 512-byte sectors, printed in KiB.</summary>
    Pgpgin = 0,

    /// <summary>pgpgout (PGPGOUT). Kept in 512-byte sectors, printed in KiB.</summary>
    Pgpgout = 1,

    /// <summary>pswpin (PSWPIN).</summary>
    Pswpin = 2,

    /// <summary>pswpout (PSWPOUT).</summary>
    Pswpout = 3,

    /// <summary>pgalloc_dma (PGALLOC_DMA).</summary>
    PgallocDma = 4,

    /// <summary>pgalloc_dma32 (PGALLOC_DMA32).</summary>
    PgallocDma32 = 5,

    /// <summary>pgalloc_normal (PGALLOC_NORMAL).</summary>
    PgallocNormal = 6,

    /// <summary>pgalloc_movable (PGALLOC_MOVABLE).</summary>
    PgallocMovable = 7,

    /// <summary>pgalloc_device (PGALLOC_DEVICE).</summary>
    PgallocDevice = 8,

    /// <summary>allocstall_dma (ALLOCSTALL_DMA).</summary>
    AllocstallDma = 9,

    /// <summary>allocstall_dma32 (ALLOCSTALL_DMA32).</summary>
    AllocstallDma32 = 10,

    /// <summary>allocstall_normal (ALLOCSTALL_NORMAL).</summary>
    AllocstallNormal = 11,

    /// <summary>allocstall_movable (ALLOCSTALL_MOVABLE).</summary>
    AllocstallMovable = 12,

    /// <summary>allocstall_device (ALLOCSTALL_DEVICE).</summary>
    AllocstallDevice = 13,

    /// <summary>pgskip_dma (PGSCAN_SKIP_DMA).</summary>
    PgskipDma = 14,

    /// <summary>pgskip_dma32 (PGSCAN_SKIP_DMA32).</summary>
    PgskipDma32 = 15,

    /// <summary>pgskip_normal (PGSCAN_SKIP_NORMAL).</summary>
    PgskipNormal = 16,

    /// <summary>pgskip_movable (PGSCAN_SKIP_MOVABLE).</summary>
    PgskipMovable = 17,

    /// <summary>pgskip_device (PGSCAN_SKIP_DEVICE).</summary>
    PgskipDevice = 18,

    /// <summary>pgfree (PGFREE).</summary>
    Pgfree = 19,

    /// <summary>pgactivate (PGACTIVATE).</summary>
    Pgactivate = 20,

    /// <summary>pgdeactivate (PGDEACTIVATE).</summary>
    Pgdeactivate = 21,

    /// <summary>pglazyfree (PGLAZYFREE).</summary>
    Pglazyfree = 22,

    /// <summary>pgfault (PGFAULT).</summary>
    Pgfault = 23,

    /// <summary>pgmajfault (PGMAJFAULT).</summary>
    Pgmajfault = 24,

    /// <summary>pglazyfreed (PGLAZYFREED).</summary>
    Pglazyfreed = 25,

    /// <summary>pgrefill (PGREFILL).</summary>
    Pgrefill = 26,

    /// <summary>pgreuse (PGREUSE).</summary>
    Pgreuse = 27,

    /// <summary>pgsteal_kswapd (PGSTEAL_KSWAPD).</summary>
    PgstealKswapd = 28,

    /// <summary>pgsteal_direct (PGSTEAL_DIRECT).</summary>
    PgstealDirect = 29,

    /// <summary>pgsteal_khugepaged (PGSTEAL_KHUGEPAGED).</summary>
    PgstealKhugepaged = 30,

    /// <summary>pgsteal_proactive (PGSTEAL_PROACTIVE).</summary>
    PgstealProactive = 31,

    /// <summary>pgscan_kswapd (PGSCAN_KSWAPD).</summary>
    PgscanKswapd = 32,

    /// <summary>pgscan_direct (PGSCAN_DIRECT).</summary>
    PgscanDirect = 33,

    /// <summary>pgscan_khugepaged (PGSCAN_KHUGEPAGED).</summary>
    PgscanKhugepaged = 34,

    /// <summary>pgscan_proactive (PGSCAN_PROACTIVE).</summary>
    PgscanProactive = 35,

    /// <summary>pgscan_direct_throttle (PGSCAN_DIRECT_THROTTLE).</summary>
    PgscanDirectThrottle = 36,

    /// <summary>pgscan_anon (PGSCAN_ANON).</summary>
    PgscanAnon = 37,

    /// <summary>pgscan_file (PGSCAN_FILE).</summary>
    PgscanFile = 38,

    /// <summary>pgsteal_anon (PGSTEAL_ANON).</summary>
    PgstealAnon = 39,

    /// <summary>pgsteal_file (PGSTEAL_FILE).</summary>
    PgstealFile = 40,

    /// <summary>zone_reclaim_success (PGSCAN_ZONE_RECLAIM_SUCCESS).</summary>
    ZoneReclaimSuccess = 41,

    /// <summary>zone_reclaim_failed (PGSCAN_ZONE_RECLAIM_FAILED).</summary>
    ZoneReclaimFailed = 42,

    /// <summary>pginodesteal (PGINODESTEAL).</summary>
    Pginodesteal = 43,

    /// <summary>slabs_scanned (SLABS_SCANNED).</summary>
    SlabsScanned = 44,

    /// <summary>kswapd_inodesteal (KSWAPD_INODESTEAL).</summary>
    KswapdInodesteal = 45,

    /// <summary>kswapd_low_wmark_hit_quickly (KSWAPD_LOW_WMARK_HIT_QUICKLY).</summary>
    KswapdLowWmarkHitQuickly = 46,

    /// <summary>kswapd_high_wmark_hit_quickly (KSWAPD_HIGH_WMARK_HIT_QUICKLY).</summary>
    KswapdHighWmarkHitQuickly = 47,

    /// <summary>pageoutrun (PAGEOUTRUN).</summary>
    Pageoutrun = 48,

    /// <summary>pgrotated (PGROTATED).</summary>
    Pgrotated = 49,

    /// <summary>drop_pagecache (DROP_PAGECACHE).</summary>
    DropPagecache = 50,

    /// <summary>drop_slab (DROP_SLAB).</summary>
    DropSlab = 51,

    /// <summary>oom_kill (OOM_KILL).</summary>
    OomKill = 52,

    /// <summary>numa_pte_updates (NUMA_PTE_UPDATES).</summary>
    NumaPteUpdates = 53,

    /// <summary>numa_huge_pte_updates (NUMA_HUGE_PTE_UPDATES).</summary>
    NumaHugePteUpdates = 54,

    /// <summary>numa_hint_faults (NUMA_HINT_FAULTS).</summary>
    NumaHintFaults = 55,

    /// <summary>numa_hint_faults_local (NUMA_HINT_FAULTS_LOCAL).</summary>
    NumaHintFaultsLocal = 56,

    /// <summary>numa_pages_migrated (NUMA_PAGE_MIGRATE).</summary>
    NumaPagesMigrated = 57,

    /// <summary>pgmigrate_success (PGMIGRATE_SUCCESS).</summary>
    PgmigrateSuccess = 58,

    /// <summary>pgmigrate_fail (PGMIGRATE_FAIL).</summary>
    PgmigrateFail = 59,

    /// <summary>thp_migration_success (THP_MIGRATION_SUCCESS).</summary>
    ThpMigrationSuccess = 60,

    /// <summary>thp_migration_fail (THP_MIGRATION_FAIL).</summary>
    ThpMigrationFail = 61,

    /// <summary>thp_migration_split (THP_MIGRATION_SPLIT).</summary>
    ThpMigrationSplit = 62,

    /// <summary>compact_migrate_scanned (COMPACTMIGRATE_SCANNED).</summary>
    CompactMigrateScanned = 63,

    /// <summary>compact_free_scanned (COMPACTFREE_SCANNED).</summary>
    CompactFreeScanned = 64,

    /// <summary>compact_isolated (COMPACTISOLATED).</summary>
    CompactIsolated = 65,

    /// <summary>compact_stall (COMPACTSTALL).</summary>
    CompactStall = 66,

    /// <summary>compact_fail (COMPACTFAIL).</summary>
    CompactFail = 67,

    /// <summary>compact_success (COMPACTSUCCESS).</summary>
    CompactSuccess = 68,

    /// <summary>compact_daemon_wake (KCOMPACTD_WAKE).</summary>
    CompactDaemonWake = 69,

    /// <summary>compact_daemon_migrate_scanned (KCOMPACTD_MIGRATE_SCANNED).</summary>
    CompactDaemonMigrateScanned = 70,

    /// <summary>compact_daemon_free_scanned (KCOMPACTD_FREE_SCANNED).</summary>
    CompactDaemonFreeScanned = 71,

    /// <summary>htlb_buddy_alloc_success (HTLB_BUDDY_PGALLOC).</summary>
    HtlbBuddyAllocSuccess = 72,

    /// <summary>htlb_buddy_alloc_fail (HTLB_BUDDY_PGALLOC_FAIL).</summary>
    HtlbBuddyAllocFail = 73,

    /// <summary>unevictable_pgs_culled (UNEVICTABLE_PGCULLED).</summary>
    UnevictablePgsCulled = 74,

    /// <summary>unevictable_pgs_scanned (UNEVICTABLE_PGSCANNED).</summary>
    UnevictablePgsScanned = 75,

    /// <summary>unevictable_pgs_rescued (UNEVICTABLE_PGRESCUED).</summary>
    UnevictablePgsRescued = 76,

    /// <summary>unevictable_pgs_mlocked (UNEVICTABLE_PGMLOCKED).</summary>
    UnevictablePgsMlocked = 77,

    /// <summary>unevictable_pgs_munlocked (UNEVICTABLE_PGMUNLOCKED).</summary>
    UnevictablePgsMunlocked = 78,

    /// <summary>unevictable_pgs_cleared (UNEVICTABLE_PGCLEARED).</summary>
    UnevictablePgsCleared = 79,

    /// <summary>unevictable_pgs_stranded (UNEVICTABLE_PGSTRANDED).</summary>
    UnevictablePgsStranded = 80,

    /// <summary>thp_fault_alloc (THP_FAULT_ALLOC).</summary>
    ThpFaultAlloc = 81,

    /// <summary>thp_fault_fallback (THP_FAULT_FALLBACK).</summary>
    ThpFaultFallback = 82,

    /// <summary>thp_fault_fallback_charge (THP_FAULT_FALLBACK_CHARGE).</summary>
    ThpFaultFallbackCharge = 83,

    /// <summary>thp_collapse_alloc (THP_COLLAPSE_ALLOC).</summary>
    ThpCollapseAlloc = 84,

    /// <summary>thp_collapse_alloc_failed (THP_COLLAPSE_ALLOC_FAILED).</summary>
    ThpCollapseAllocFailed = 85,

    /// <summary>thp_file_alloc (THP_FILE_ALLOC).</summary>
    ThpFileAlloc = 86,

    /// <summary>thp_file_fallback (THP_FILE_FALLBACK).</summary>
    ThpFileFallback = 87,

    /// <summary>thp_file_fallback_charge (THP_FILE_FALLBACK_CHARGE).</summary>
    ThpFileFallbackCharge = 88,

    /// <summary>thp_file_mapped (THP_FILE_MAPPED).</summary>
    ThpFileMapped = 89,

    /// <summary>thp_split_page (THP_SPLIT_PAGE).</summary>
    ThpSplitPage = 90,

    /// <summary>thp_split_page_failed (THP_SPLIT_PAGE_FAILED).</summary>
    ThpSplitPageFailed = 91,

    /// <summary>thp_deferred_split_page (THP_DEFERRED_SPLIT_PAGE).</summary>
    ThpDeferredSplitPage = 92,

    /// <summary>thp_underused_split_page (THP_UNDERUSED_SPLIT_PAGE).</summary>
    ThpUnderusedSplitPage = 93,

    /// <summary>thp_split_pmd (THP_SPLIT_PMD).</summary>
    ThpSplitPmd = 94,

    /// <summary>thp_scan_exceed_none_pte (THP_SCAN_EXCEED_NONE_PTE).</summary>
    ThpScanExceedNonePte = 95,

    /// <summary>thp_scan_exceed_swap_pte (THP_SCAN_EXCEED_SWAP_PTE).</summary>
    ThpScanExceedSwapPte = 96,

    /// <summary>thp_scan_exceed_share_pte (THP_SCAN_EXCEED_SHARE_PTE).</summary>
    ThpScanExceedSharePte = 97,

    /// <summary>thp_split_pud (THP_SPLIT_PUD).</summary>
    ThpSplitPud = 98,

    /// <summary>thp_zero_page_alloc (THP_ZERO_PAGE_ALLOC).</summary>
    ThpZeroPageAlloc = 99,

    /// <summary>thp_zero_page_alloc_failed (THP_ZERO_PAGE_ALLOC_FAILED).</summary>
    ThpZeroPageAllocFailed = 100,

    /// <summary>thp_swpout (THP_SWPOUT).</summary>
    ThpSwpout = 101,

    /// <summary>thp_swpout_fallback (THP_SWPOUT_FALLBACK).</summary>
    ThpSwpoutFallback = 102,

    /// <summary>balloon_inflate (BALLOON_INFLATE).</summary>
    BalloonInflate = 103,

    /// <summary>balloon_deflate (BALLOON_DEFLATE).</summary>
    BalloonDeflate = 104,

    /// <summary>balloon_migrate (BALLOON_MIGRATE).</summary>
    BalloonMigrate = 105,

    /// <summary>swap_ra (SWAP_RA).</summary>
    SwapRa = 106,

    /// <summary>swap_ra_hit (SWAP_RA_HIT).</summary>
    SwapRaHit = 107,

    /// <summary>swpin_zero (SWPIN_ZERO).</summary>
    SwpinZero = 108,

    /// <summary>swpout_zero (SWPOUT_ZERO).</summary>
    SwpoutZero = 109,

    /// <summary>ksm_swpin_copy (KSM_SWPIN_COPY).</summary>
    KsmSwpinCopy = 110,

    /// <summary>cow_ksm (COW_KSM).</summary>
    CowKsm = 111,

    /// <summary>zswpin (ZSWPIN).</summary>
    Zswpin = 112,

    /// <summary>zswpout (ZSWPOUT).</summary>
    Zswpout = 113,

    /// <summary>zswpwb (ZSWPWB).</summary>
    Zswpwb = 114,

    /// <summary>direct_map_level2_splits (DIRECT_MAP_LEVEL2_SPLIT).</summary>
    DirectMapLevel2Splits = 115,

    /// <summary>direct_map_level3_splits (DIRECT_MAP_LEVEL3_SPLIT).</summary>
    DirectMapLevel3Splits = 116,

    /// <summary>direct_map_level2_collapses (DIRECT_MAP_LEVEL2_COLLAPSE).</summary>
    DirectMapLevel2Collapses = 117,

    /// <summary>direct_map_level3_collapses (DIRECT_MAP_LEVEL3_COLLAPSE).</summary>
    DirectMapLevel3Collapses = 118,

    /// <summary>NR_VM_EVENT_ITEMS: the number of event items (the count sentinel).</summary>
    NrVmEventItems = 119,
}
