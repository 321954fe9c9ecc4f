namespace MmSim.Mm.Vmstat;

/// <summary>System-wide values /proc/vmstat prints between the node items and the events; computed when the file is read, never stored.</summary>
/// <remarks>include/linux/vmstat.h: enum vm_stat_item ("Stat data for system wide items"); mm/vmstat.c:
/// vmstat_start fills them from global_dirty_limits and the memmap page counts.</remarks>
public enum VmStatItem
{
    /// <summary>nr_dirty_threshold (NR_DIRTY_THRESHOLD): global_dirty_limits' dirty limit.</summary>
    NrDirtyThreshold = 0,

    /// <summary>nr_dirty_background_threshold (NR_DIRTY_BG_THRESHOLD): global_dirty_limits' background limit.</summary>
    NrDirtyBackgroundThreshold = 1,

    /// <summary>nr_memmap_pages (NR_MEMMAP_PAGES): memmap allocated through the buddy allocator (memory hotplug).</summary>
    NrMemmapPages = 2,

    /// <summary>nr_memmap_boot_pages (NR_MEMMAP_BOOT_PAGES): memmap allocated at boot.</summary>
    NrMemmapBootPages = 3,

    /// <summary>NR_VM_STAT_ITEMS: the number of items (the count sentinel).</summary>
    NrVmStatItems = 4,
}
