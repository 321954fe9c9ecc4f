namespace MmSim.Mm.Compaction;

/// <summary>How hard direct compaction tries; lower values try harder.</summary>
/// <remarks>include/linux/compaction.h: enum compact_priority. SYNC_FULL scans the whole zone and ignores
/// skip hints, but still migrates with MIGRATE_SYNC_LIGHT (compact_zone_order).</remarks>
public enum CompactPriority
{
    /// <summary>COMPACT_PRIO_SYNC_FULL (= MIN_COMPACT_PRIORITY).</summary>
    SyncFull = 0,

    /// <summary>COMPACT_PRIO_SYNC_LIGHT (= MIN_COMPACT_COSTLY_PRIORITY, DEF_COMPACT_PRIORITY).</summary>
    SyncLight = 1,

    /// <summary>COMPACT_PRIO_ASYNC (INIT_COMPACT_PRIORITY).</summary>
    Async = 2,
}
