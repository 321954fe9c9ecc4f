// What the temp-page designs did on one mount, for the run summary and the outcome tables (issue 9).
namespace MmSim.Fs.Fuse;

/// <summary>Counters of a mount's temp pages (≤ 6.15) or temp-page pool, since mount.</summary>
/// <param name="Copies">Pages copied into temp pages.</param>
/// <param name="CopyFailures">Copies that found no temp page (the folio was redirtied).</param>
/// <param name="CopyNs">CPU time the writeback tasks spent copying, ns.</param>
/// <param name="InFlight">Copies in flight now (NR_WRITEBACK_TEMP's share of this mount).</param>
/// <param name="PageWaitqWaits">Sleeps in fuse_wait_on_page_writeback and fuse_sync_writes.</param>
/// <param name="FoliosMigratedWithCopyInFlight">Page-cache folios migrated while a copy of them was in flight (the seed's question A).</param>
/// <param name="PoolPages">Pool size in pages (0 without a pool).</param>
/// <param name="PoolUsed">Pool pages holding a copy now.</param>
/// <param name="PoolWaits">Sleeps of writeback tasks for a free pool page.</param>
public readonly record struct FuseTempPagesStats(
    long Copies,
    long CopyFailures,
    long CopyNs,
    long InFlight,
    long PageWaitqWaits,
    long FoliosMigratedWithCopyInFlight,
    long PoolPages,
    long PoolUsed,
    long PoolWaits);
