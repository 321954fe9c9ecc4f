using MmSim.Mm.Folio;

namespace MmSim.Mm.Migrate;

/// <summary>What <c>migrate_folio_unmap</c> does with a source folio under writeback.</summary>
public enum WritebackAction
{
    /// <summary>Fail this folio with -EBUSY for this call (ASYNC, SYNC_LIGHT; the skip designs in every mode).</summary>
    Busy = 0,

    /// <summary>Sleep in folio_wait_writeback without bound, holding the source lock and the destination (mainline MIGRATE_SYNC).</summary>
    Wait,

    /// <summary>wait-timeout: sleep at most <see cref="WritebackDecision.TimeoutNs"/>, then fail the folio with -EBUSY (never merged).</summary>
    WaitTimeout,

    /// <summary>
    /// cancel-writeback: sleep <see cref="WritebackDecision.TimeoutNs"/>, then ask the owner to end the writeback and
    /// redirty the folio (IWritebackOwner.TryCancelWriteback); if it refuses, keep waiting without bound (never merged).
    /// </summary>
    WaitThenCancel,
}

/// <summary>The writeback rule's verdict for one folio: what to do, and for the timed actions how long to wait first.</summary>
/// <param name="Action">What migrate_folio_unmap does.</param>
/// <param name="TimeoutNs">For <see cref="WritebackAction.WaitTimeout"/> and <see cref="WritebackAction.WaitThenCancel"/>: the wait before giving up or cancelling; else 0.</param>
public readonly record struct WritebackDecision(WritebackAction Action, long TimeoutNs = 0)
{
    /// <summary>-EBUSY at once.</summary>
    public static WritebackDecision Busy => new(WritebackAction.Busy);

    /// <summary>folio_wait_writeback without bound.</summary>
    public static WritebackDecision Wait => new(WritebackAction.Wait);

    /// <summary>Wait at most <paramref name="timeoutNs"/>, then -EBUSY.</summary>
    /// <param name="timeoutNs">The bound (positive).</param>
    /// <returns>The decision.</returns>
    public static WritebackDecision WaitTimeout(long timeoutNs) => new(WritebackAction.WaitTimeout, timeoutNs);

    /// <summary>Wait <paramref name="timeoutNs"/>, then cancel the writeback (or wait on if the owner refuses).</summary>
    /// <param name="timeoutNs">The wait before cancelling (positive).</param>
    /// <returns>The decision.</returns>
    public static WritebackDecision WaitThenCancel(long timeoutNs) => new(WritebackAction.WaitThenCancel, timeoutNs);
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
    /// <param name="pfn">Head PFN of the source folio.</param>
    /// <param name="mapping">folio_mapping(src), or null.</param>
    /// <param name="mode">The migration mode.</param>
    /// <param name="reason">Why migrate_pages was called (MR_COMPACTION for compact_memory's MIGRATE_SYNC …).</param>
    /// <param name="current">The migrating task (the one that would wait).</param>
    /// <returns>The decision.</returns>
    WritebackDecision OnWriteback(int pfn, Mapping? mapping, MigrateMode mode, MigrateReason reason, TaskContext current);
}
