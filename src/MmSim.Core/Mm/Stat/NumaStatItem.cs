namespace MmSim.Mm.Stat;

/// <summary>Per-zone NUMA allocation events, kept in <c>zone.VmNumaEvent</c>.</summary>
/// <remarks>
/// include/linux/mmzone.h: enum numa_stat_item (CONFIG_NUMA). The kernel counts them per zone
/// (zone->vm_numa_event) in zone_statistics on every allocation; mmsim models one node and does
/// not count them yet, so they print 0. /proc/vmstat prints the sum over the zones
/// (global_numa_event_state), /proc/zoneinfo each zone's own value.
/// </remarks>
public enum NumaStatItem
{
    /// <summary>numa_hit (NUMA_HIT).</summary>
    NumaHit = 0,

    /// <summary>numa_miss (NUMA_MISS).</summary>
    NumaMiss = 1,

    /// <summary>numa_foreign (NUMA_FOREIGN).</summary>
    NumaForeign = 2,

    /// <summary>numa_interleave (NUMA_INTERLEAVE_HIT).</summary>
    NumaInterleave = 3,

    /// <summary>numa_local (NUMA_LOCAL).</summary>
    NumaLocal = 4,

    /// <summary>numa_other (NUMA_OTHER).</summary>
    NumaOther = 5,

    /// <summary>NR_VM_NUMA_EVENT_ITEMS: the number of NUMA event items (the count sentinel).</summary>
    NrVmNumaEventItems = 6,
}
