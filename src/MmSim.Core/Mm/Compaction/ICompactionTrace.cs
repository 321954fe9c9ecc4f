using MmSim.Mm.PageAlloc;

namespace MmSim.Mm.Compaction;

/// <summary>
/// The compaction tracepoints (include/trace/events/compaction.h). The run's kmem trace writer
/// implements this too, so a run that traces kmem events also gets the compaction lines.
/// </summary>
public interface ICompactionTrace
{
    /// <summary>mm_compaction_isolate_migratepages: "range=(0x%lx ~ 0x%lx) nr_scanned=%lu nr_taken=%lu".</summary>
    /// <param name="startPfn">First PFN scanned.</param>
    /// <param name="endPfn">Where the scan stopped.</param>
    /// <param name="nrScanned">Pages scanned.</param>
    /// <param name="nrTaken">Pages isolated.</param>
    void MmCompactionIsolateMigratepages(long startPfn, long endPfn, long nrScanned, long nrTaken);

    /// <summary>mm_compaction_isolate_freepages (same format).</summary>
    /// <param name="startPfn">First PFN scanned.</param>
    /// <param name="endPfn">Where the scan stopped.</param>
    /// <param name="nrScanned">Pages scanned.</param>
    /// <param name="nrTaken">Pages isolated.</param>
    void MmCompactionIsolateFreepages(long startPfn, long endPfn, long nrScanned, long nrTaken);

    /// <summary>mm_compaction_fast_isolate_freepages (same format).</summary>
    /// <param name="startPfn">min_pfn of the search.</param>
    /// <param name="endPfn">The free scanner's PFN.</param>
    /// <param name="nrScanned">Pages scanned.</param>
    /// <param name="nrTaken">Pages isolated.</param>
    void MmCompactionFastIsolateFreepages(long startPfn, long endPfn, long nrScanned, long nrTaken);

    /// <summary>mm_compaction_migratepages: "nr_migrated=%lu nr_failed=%lu".</summary>
    /// <param name="nrMigratepages">Pages handed to migrate_pages.</param>
    /// <param name="nrSucceeded">Pages migrated.</param>
    void MmCompactionMigratepages(long nrMigratepages, long nrSucceeded);

    /// <summary>mm_compaction_begin: "zone_start=0x%lx migrate_pfn=0x%lx free_pfn=0x%lx zone_end=0x%lx, mode=%s".</summary>
    /// <param name="zoneStart">zone_start_pfn.</param>
    /// <param name="migratePfn">The migrate scanner's start.</param>
    /// <param name="freePfn">The free scanner's start.</param>
    /// <param name="zoneEnd">zone_end_pfn.</param>
    /// <param name="sync">Any mode but MIGRATE_ASYNC.</param>
    void MmCompactionBegin(long zoneStart, long migratePfn, long freePfn, long zoneEnd, bool sync);

    /// <summary>mm_compaction_end: the begin line plus " status=%s".</summary>
    /// <param name="zoneStart">zone_start_pfn.</param>
    /// <param name="migratePfn">The migrate scanner's end.</param>
    /// <param name="freePfn">The free scanner's end.</param>
    /// <param name="zoneEnd">zone_end_pfn.</param>
    /// <param name="sync">Any mode but MIGRATE_ASYNC.</param>
    /// <param name="status">The result.</param>
    void MmCompactionEnd(long zoneStart, long migratePfn, long freePfn, long zoneEnd, bool sync, CompactResult status);

    /// <summary>mm_compaction_try_to_compact_pages: "order=%d gfp_mask=%s priority=%d".</summary>
    /// <param name="order">The order.</param>
    /// <param name="gfp">The mask.</param>
    /// <param name="prio">The priority.</param>
    void MmCompactionTryToCompactPages(int order, GfpFlags gfp, CompactPriority prio);

    /// <summary>mm_compaction_finished: "node=%d zone=%-8s order=%d ret=%s".</summary>
    /// <param name="zone">The zone.</param>
    /// <param name="order">The order.</param>
    /// <param name="ret">__compact_finished's result.</param>
    void MmCompactionFinished(Zone zone, int order, CompactResult ret);

    /// <summary>mm_compaction_suitable (same format).</summary>
    /// <param name="zone">The zone.</param>
    /// <param name="order">The order.</param>
    /// <param name="ret">CONTINUE, SKIPPED or NOT_SUITABLE_ZONE.</param>
    void MmCompactionSuitable(Zone zone, int order, CompactResult ret);

    /// <summary>mm_compaction_deferred / defer_compaction / defer_reset: "node=%d zone=%-8s order=%d order_failed=%d consider=%u limit=%lu".</summary>
    /// <param name="eventName">"mm_compaction_deferred", "mm_compaction_defer_compaction" or "mm_compaction_defer_reset".</param>
    /// <param name="zone">The zone.</param>
    /// <param name="order">The order.</param>
    /// <param name="orderFailed">compact_order_failed.</param>
    /// <param name="considered">compact_considered.</param>
    /// <param name="deferShift">compact_defer_shift.</param>
    void MmCompactionDefer(string eventName, Zone zone, int order, int orderFailed, int considered, int deferShift);

    /// <summary>mm_compaction_kcompactd_wake / mm_compaction_wakeup_kcompactd: "nid=%d order=%d classzone_idx=%-8s".</summary>
    /// <param name="eventName">The event.</param>
    /// <param name="order">The order.</param>
    /// <param name="highestZoneidx">The highest zone.</param>
    void MmCompactionKcompactdWake(string eventName, int order, ZoneType highestZoneidx);
}
