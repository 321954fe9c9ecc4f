// Mm/Stat: the counter enums, split as include/linux/mmzone.h (zone_stat_item, numa_stat_item,
// node_stat_item), vm_event_item.h and memcontrol.h (memcg_stat_item) split them. Ground: every layer
// counts and this namespace imports nothing above MmSim.Mm. The counters are stored in Zone.VmStat,
// Zone.VmNumaEvent, PgData.VmStat and PgData.VmEvents (Mm/PageAlloc); the /proc/vmstat names and
// order are Mm/Vmstat/VmstatText.cs.
namespace MmSim.Mm.Stat;

/// <summary>Per-zone page counters, kept in <c>zone.VmStat</c> and summed over the zones for /proc/vmstat.</summary>
/// <remarks>
/// include/linux/mmzone.h: enum zone_stat_item as configured on the 6.18 kernel mmsim models
/// (CONFIG_ZSMALLOC on, no CONFIG_UNACCEPTED_MEMORY). Members are named after their /proc/vmstat
/// name (the kernel constant is given where it differs); the order is the kernel's, which is also
/// the order /proc/vmstat and /proc/zoneinfo print them in. Unmodelled items stay 0.
/// </remarks>
public enum ZoneStatItem
{
    /// <summary>nr_free_pages (NR_FREE_PAGES).</summary>
    NrFreePages = 0,

    /// <summary>nr_free_pages_blocks (NR_FREE_PAGES_BLOCKS).</summary>
    NrFreePagesBlocks = 1,

    /// <summary>nr_zone_inactive_anon (NR_ZONE_INACTIVE_ANON).</summary>
    NrZoneInactiveAnon = 2,

    /// <summary>nr_zone_active_anon (NR_ZONE_ACTIVE_ANON).</summary>
    NrZoneActiveAnon = 3,

    /// <summary>nr_zone_inactive_file (NR_ZONE_INACTIVE_FILE).</summary>
    NrZoneInactiveFile = 4,

    /// <summary>nr_zone_active_file (NR_ZONE_ACTIVE_FILE).</summary>
    NrZoneActiveFile = 5,

    /// <summary>nr_zone_unevictable (NR_ZONE_UNEVICTABLE).</summary>
    NrZoneUnevictable = 6,

    /// <summary>nr_zone_write_pending (NR_ZONE_WRITE_PENDING).</summary>
    NrZoneWritePending = 7,

    /// <summary>nr_mlock (NR_MLOCK).</summary>
    NrMlock = 8,

    /// <summary>nr_zspages (NR_ZSPAGES).</summary>
    NrZspages = 9,

    /// <summary>nr_free_cma (NR_FREE_CMA_PAGES).</summary>
    NrFreeCma = 10,

    /// <summary>NR_VM_ZONE_STAT_ITEMS: the number of zone stat items (the count sentinel).</summary>
    NrVmZoneStatItems = 11,
}
