using MmSim.Mm.Folio;

namespace MmSim.Mm.Migrate;

/// <summary>What <c>migrate_folio_unmap</c> does with a source folio under writeback.</summary>
public enum WritebackAction
{
    /// <summary>Fail this folio with -EBUSY for this pass (ASYNC, SYNC_LIGHT).</summary>
    Busy = 0,

    /// <summary>Sleep in folio_wait_writeback, holding the source lock and the destination (SYNC).</summary>
    Wait,
}

/// <summary>
/// The one place the rule "what migration does with a folio under writeback (or dirty without
/// migrate_folio)" lives. The kernel applies it twice: <c>isolate_migratepages_block</c> (with
/// ISOLATE_ASYNC_MIGRATE such folios are not isolated at all) and <c>migrate_folio_unmap</c>
/// (-EBUSY, or wait). The FUSE writeback designs change it here and nowhere else.
/// </summary>
public interface IMigrateWritebackPolicy
{
    /// <summary>Whether the isolating scanner may take a folio that is under writeback or dirty (isolate_migratepages_block).</summary>
    /// <param name="flags">The folio's head page flags (PG_writeback, PG_dirty).</param>
    /// <param name="mapping">folio_mapping(folio), or null.</param>
    /// <param name="mode">The scanner's isolate mode.</param>
    /// <returns>False to leave the folio on its LRU.</returns>
    bool MayIsolate(PageFlags flags, Mapping? mapping, IsolateMode mode);

    /// <summary>What migrate_folio_unmap does with a locked source under writeback.</summary>
    /// <param name="mapping">folio_mapping(src), or null.</param>
    /// <param name="mode">The migration mode.</param>
    /// <returns><see cref="WritebackAction.Busy"/> or <see cref="WritebackAction.Wait"/>.</returns>
    WritebackAction OnWriteback(Mapping? mapping, MigrateMode mode);
}
