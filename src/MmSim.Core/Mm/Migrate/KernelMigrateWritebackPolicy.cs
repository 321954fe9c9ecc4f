using MmSim.Mm.Folio;

namespace MmSim.Mm.Migrate;

/// <summary>
/// Mainline's rule (6.18, unchanged since the folio conversion): with ISOLATE_ASYNC_MIGRATE a folio
/// under writeback is not isolated, nor a dirty one whose mapping has no migrate_folio;
/// migrate_folio_unmap fails a source under writeback with -EBUSY except in MIGRATE_SYNC, which waits.
/// </summary>
/// <remarks>mm/compaction.c: isolate_migratepages_block; mm/migrate.c: migrate_folio_unmap.</remarks>
public sealed class KernelMigrateWritebackPolicy : IMigrateWritebackPolicy
{
    /// <summary>The shared instance (stateless).</summary>
    public static KernelMigrateWritebackPolicy Instance { get; } = new();

    /// <inheritdoc/>
    public bool MayIsolate(PageFlags flags, Mapping? mapping, IsolateMode mode)
    {
        if ((mode & IsolateMode.AsyncMigrate) == 0)
        {
            return true;
        }

        // "PageWriteback would require blocking."
        if ((flags & PageFlags.Writeback) != 0)
        {
            return false;
        }

        // Dirty folios migrate without blocking only through the mapping's own migrate_folio
        // (or with no mapping at all); otherwise fallback_migrate_folio would write them out.
        return (flags & PageFlags.Dirty) == 0 || mapping is null || (mapping.Aops & AopsCaps.MigrateFolio) != 0;
    }

    /// <inheritdoc/>
    public WritebackDecision OnWriteback(int pfn, Mapping? mapping, MigrateMode mode, MigrateReason reason, TaskContext current) =>
        mode == MigrateMode.Sync ? WritebackDecision.Wait : WritebackDecision.Busy;
}
