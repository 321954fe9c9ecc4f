namespace MmSim.Mm.Stat;

/// <summary>Per-node page counters, kept in <c>pgdat.VmStat</c>; the unit of lruvec and memcg statistics too.</summary>
/// <remarks>
/// include/linux/mmzone.h: enum node_stat_item as configured on the 6.18 kernel mmsim models
/// (CONFIG_IOMMU_SUPPORT, CONFIG_SWAP, CONFIG_NUMA_BALANCING, CONFIG_HUGETLB_PAGE on; no
/// CONFIG_SHADOW_CALL_STACK). Members are named after their /proc/vmstat name (the kernel constant is
/// given where it differs). Counters are pages unless the summary says otherwise. The same index
/// addresses a memcg's per-node lruvec counters and the node part of its memcg counters (see
/// <see cref="MemcgStatItem"/>). Unmodelled items stay 0.
/// </remarks>
public enum NodeStatItem
{
    /// <summary>nr_inactive_anon (NR_INACTIVE_ANON).</summary>
    NrInactiveAnon = 0,

    /// <summary>nr_active_anon (NR_ACTIVE_ANON).</summary>
    NrActiveAnon = 1,

    /// <summary>nr_inactive_file (NR_INACTIVE_FILE).</summary>
    NrInactiveFile = 2,

    /// <summary>nr_active_file (NR_ACTIVE_FILE).</summary>
    NrActiveFile = 3,

    /// <summary>nr_unevictable (NR_UNEVICTABLE).</summary>
    NrUnevictable = 4,

    /// <summary>nr_slab_reclaimable (NR_SLAB_RECLAIMABLE_B). mmsim keeps it in pages (the kernel in bytes, printed in pages).</summary>
    NrSlabReclaimable = 5,

    /// <summary>nr_slab_unreclaimable (NR_SLAB_UNRECLAIMABLE_B). mmsim keeps it in pages (the kernel in bytes, printed in pages).</summary>
    NrSlabUnreclaimable = 6,

    /// <summary>nr_isolated_anon (NR_ISOLATED_ANON).</summary>
    NrIsolatedAnon = 7,

    /// <summary>nr_isolated_file (NR_ISOLATED_FILE).</summary>
    NrIsolatedFile = 8,

    /// <summary>workingset_nodes (WORKINGSET_NODES).</summary>
    WorkingsetNodes = 9,

    /// <summary>workingset_refault_anon (WORKINGSET_REFAULT_ANON).</summary>
    WorkingsetRefaultAnon = 10,

    /// <summary>workingset_refault_file (WORKINGSET_REFAULT_FILE).</summary>
    WorkingsetRefaultFile = 11,

    /// <summary>workingset_activate_anon (WORKINGSET_ACTIVATE_ANON).</summary>
    WorkingsetActivateAnon = 12,

    /// <summary>workingset_activate_file (WORKINGSET_ACTIVATE_FILE).</summary>
    WorkingsetActivateFile = 13,

    /// <summary>workingset_restore_anon (WORKINGSET_RESTORE_ANON).</summary>
    WorkingsetRestoreAnon = 14,

    /// <summary>workingset_restore_file (WORKINGSET_RESTORE_FILE).</summary>
    WorkingsetRestoreFile = 15,

    /// <summary>workingset_nodereclaim (WORKINGSET_NODERECLAIM).</summary>
    WorkingsetNodereclaim = 16,

    /// <summary>nr_anon_pages (NR_ANON_MAPPED).</summary>
    NrAnonPages = 17,

    /// <summary>nr_mapped (NR_FILE_MAPPED).</summary>
    NrMapped = 18,

    /// <summary>nr_file_pages (NR_FILE_PAGES).</summary>
    NrFilePages = 19,

    /// <summary>nr_dirty (NR_FILE_DIRTY).</summary>
    NrDirty = 20,

    /// <summary>nr_writeback (NR_WRITEBACK).</summary>
    NrWriteback = 21,

    /// <summary>nr_shmem (NR_SHMEM).</summary>
    NrShmem = 22,

    /// <summary>nr_shmem_hugepages (NR_SHMEM_THPS). Kept in base pages, printed in PMD-sized huge pages.</summary>
    NrShmemHugepages = 23,

    /// <summary>nr_shmem_pmdmapped (NR_SHMEM_PMDMAPPED). Kept in base pages, printed in PMD-sized huge pages.</summary>
    NrShmemPmdmapped = 24,

    /// <summary>nr_file_hugepages (NR_FILE_THPS). Kept in base pages, printed in PMD-sized huge pages.</summary>
    NrFileHugepages = 25,

    /// <summary>nr_file_pmdmapped (NR_FILE_PMDMAPPED). Kept in base pages, printed in PMD-sized huge pages.</summary>
    NrFilePmdmapped = 26,

    /// <summary>nr_anon_transparent_hugepages (NR_ANON_THPS). Kept in base pages, printed in PMD-sized huge pages.</summary>
    NrAnonTransparentHugepages = 27,

    /// <summary>nr_vmscan_write (NR_VMSCAN_WRITE).</summary>
    NrVmscanWrite = 28,

    /// <summary>nr_vmscan_immediate_reclaim (NR_VMSCAN_IMMEDIATE).</summary>
    NrVmscanImmediateReclaim = 29,

    /// <summary>nr_dirtied (NR_DIRTIED).</summary>
    NrDirtied = 30,

    /// <summary>nr_written (NR_WRITTEN).</summary>
    NrWritten = 31,

    /// <summary>nr_throttled_written (NR_THROTTLED_WRITTEN).</summary>
    NrThrottledWritten = 32,

    /// <summary>nr_kernel_misc_reclaimable (NR_KERNEL_MISC_RECLAIMABLE).</summary>
    NrKernelMiscReclaimable = 33,

    /// <summary>nr_foll_pin_acquired (NR_FOLL_PIN_ACQUIRED).</summary>
    NrFollPinAcquired = 34,

    /// <summary>nr_foll_pin_released (NR_FOLL_PIN_RELEASED).</summary>
    NrFollPinReleased = 35,

    /// <summary>nr_kernel_stack (NR_KERNEL_STACK_KB). Measured in KiB.</summary>
    NrKernelStack = 36,

    /// <summary>nr_page_table_pages (NR_PAGETABLE).</summary>
    NrPageTablePages = 37,

    /// <summary>nr_sec_page_table_pages (NR_SECONDARY_PAGETABLE).</summary>
    NrSecPageTablePages = 38,

    /// <summary>nr_iommu_pages (NR_IOMMU).</summary>
    NrIommuPages = 39,

    /// <summary>nr_swapcached (NR_SWAPCACHE).</summary>
    NrSwapcached = 40,

    /// <summary>pgpromote_success (PGPROMOTE_SUCCESS).</summary>
    PgpromoteSuccess = 41,

    /// <summary>pgpromote_candidate (PGPROMOTE_CANDIDATE).</summary>
    PgpromoteCandidate = 42,

    /// <summary>pgpromote_candidate_nrl (PGPROMOTE_CANDIDATE_NRL).</summary>
    PgpromoteCandidateNrl = 43,

    /// <summary>pgdemote_kswapd (PGDEMOTE_KSWAPD).</summary>
    PgdemoteKswapd = 44,

    /// <summary>pgdemote_direct (PGDEMOTE_DIRECT).</summary>
    PgdemoteDirect = 45,

    /// <summary>pgdemote_khugepaged (PGDEMOTE_KHUGEPAGED).</summary>
    PgdemoteKhugepaged = 46,

    /// <summary>pgdemote_proactive (PGDEMOTE_PROACTIVE).</summary>
    PgdemoteProactive = 47,

    /// <summary>nr_hugetlb (NR_HUGETLB).</summary>
    NrHugetlb = 48,

    /// <summary>nr_balloon_pages (NR_BALLOON_PAGES).</summary>
    NrBalloonPages = 49,

    /// <summary>nr_kernel_file_pages (NR_KERNEL_FILE_PAGES).</summary>
    NrKernelFilePages = 50,

    /// <summary>NR_VM_NODE_STAT_ITEMS: the number of node stat items (the count sentinel; <see cref="MemcgStatItem.MemcgSwap"/> continues from here).</summary>
    NrVmNodeStatItems = 51,
}
