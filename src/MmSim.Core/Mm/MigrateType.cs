namespace MmSim.Mm;

/// <summary>Page mobility type of a pageblock or an allocation.</summary>
/// <remarks>include/linux/mmzone.h: enum migratetype (CONFIG_CMA and CONFIG_MEMORY_ISOLATION on).</remarks>
public enum MigrateType : byte
{
    /// <summary>MIGRATE_UNMOVABLE: kernel allocations that cannot move.</summary>
    Unmovable = 0,

    /// <summary>MIGRATE_MOVABLE: user and page-cache memory that migration can move.</summary>
    Movable = 1,

    /// <summary>MIGRATE_RECLAIMABLE: slab caches that reclaim can free.</summary>
    Reclaimable = 2,

    /// <summary>MIGRATE_HIGHATOMIC (= MIGRATE_PCPTYPES): reserve for high-order atomic allocations.</summary>
    HighAtomic = 3,

    /// <summary>MIGRATE_CMA: contiguous-memory-allocator area, lent to movable allocations.</summary>
    Cma = 4,

    /// <summary>MIGRATE_ISOLATE: block isolated for contiguous allocation or offlining.</summary>
    Isolate = 5,
}

/// <summary>Helpers over <see cref="MigrateType"/> mirroring include/linux/mmzone.h.</summary>
public static class MigrateTypes
{
    /// <summary>MIGRATE_PCPTYPES: the types that have per-cpu lists and fallbacks.</summary>
    public const int PcpTypes = 3;

    /// <summary>MIGRATE_TYPES: number of migratetypes (list count per order).</summary>
    public const int Count = 6;

    /// <summary>Marker for "no allocation recorded" in per-page state.</summary>
    public const byte None = 7;

    /// <summary>Names as printed in /proc/pagetypeinfo (mm/vmstat.c: migratetype_names).</summary>
    public static readonly string[] Names = ["Unmovable", "Movable", "Reclaimable", "HighAtomic", "CMA", "Isolate"];

    /// <summary>migratetype_is_mergeable: types below MIGRATE_PCPTYPES may merge across blocks.</summary>
    /// <param name="mt">The migratetype.</param>
    /// <returns>True for Unmovable, Movable and Reclaimable.</returns>
    public static bool IsMergeable(MigrateType mt) => (int)mt < PcpTypes;

    /// <summary>is_migrate_movable: Movable or CMA.</summary>
    /// <param name="mt">The migratetype.</param>
    /// <returns>True when pages of this type can be migrated.</returns>
    public static bool IsMovable(MigrateType mt) => mt is MigrateType.Movable or MigrateType.Cma;

    /// <summary>is_migrate_highatomic.</summary>
    /// <param name="mt">The migratetype.</param>
    /// <returns>True for HighAtomic.</returns>
    public static bool IsHighAtomic(MigrateType mt) => mt == MigrateType.HighAtomic;
}
