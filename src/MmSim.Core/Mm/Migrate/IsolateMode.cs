namespace MmSim.Mm.Migrate;

/// <summary>What an isolating scanner may take (isolate_mode_t).</summary>
/// <remarks>include/linux/mmzone.h: ISOLATE_UNMAPPED, ISOLATE_ASYNC_MIGRATE, ISOLATE_UNEVICTABLE.</remarks>
[Flags]
public enum IsolateMode
{
    /// <summary>No restriction (MIGRATE_SYNC callers).</summary>
    None = 0,

    /// <summary>ISOLATE_UNMAPPED: only folios that are not mapped.</summary>
    Unmapped = 0x2,

    /// <summary>ISOLATE_ASYNC_MIGRATE: only folios that can migrate without blocking (no writeback; dirty only with migrate_folio). Every compaction mode but MIGRATE_SYNC sets it.</summary>
    AsyncMigrate = 0x4,

    /// <summary>ISOLATE_UNEVICTABLE: unevictable folios too (alloc_contig_range, compact_memory with compact_unevictable_allowed).</summary>
    Unevictable = 0x8,
}
