namespace MmSim.Mm.Migrate;

/// <summary>Why folios are migrated, in the kernel's order (the <c>reason=</c> of migrate:mm_migrate_pages).</summary>
/// <remarks>include/linux/migrate_mode.h: enum migrate_reason; names as MIGRATE_REASON in include/trace/events/migrate.h.</remarks>
public enum MigrateReason
{
    /// <summary>MR_COMPACTION ("compaction").</summary>
    Compaction = 0,

    /// <summary>MR_MEMORY_FAILURE ("memory_failure").</summary>
    MemoryFailure,

    /// <summary>MR_MEMORY_HOTPLUG ("memory_hotplug").</summary>
    MemoryHotplug,

    /// <summary>MR_SYSCALL ("syscall_or_cpuset").</summary>
    Syscall,

    /// <summary>MR_MEMPOLICY_MBIND ("mempolicy_mbind").</summary>
    MempolicyMbind,

    /// <summary>MR_NUMA_MISPLACED ("numa_misplaced").</summary>
    NumaMisplaced,

    /// <summary>MR_CONTIG_RANGE ("contig_range").</summary>
    ContigRange,

    /// <summary>MR_LONGTERM_PIN ("longterm_pin").</summary>
    LongtermPin,

    /// <summary>MR_DEMOTION ("demotion").</summary>
    Demotion,

    /// <summary>MR_DAMON ("damon").</summary>
    Damon,
}
