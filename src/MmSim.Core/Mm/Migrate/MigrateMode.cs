namespace MmSim.Mm.Migrate;

/// <summary>How hard migration may try: whether it may block, and whether it waits on writeback.</summary>
/// <remarks>include/linux/migrate_mode.h: enum migrate_mode.</remarks>
public enum MigrateMode
{
    /// <summary>MIGRATE_ASYNC: never block.</summary>
    Async = 0,

    /// <summary>MIGRATE_SYNC_LIGHT: may block on most things, but not on writeback (kcompactd, direct SYNC priorities).</summary>
    SyncLight,

    /// <summary>MIGRATE_SYNC: may block, waits on writeback (compact_memory, alloc_contig_range, offlining).</summary>
    Sync,
}
