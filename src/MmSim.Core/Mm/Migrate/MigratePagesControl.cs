namespace MmSim.Mm.Migrate;

/// <summary>
/// The state of one migrate_pages call: its arguments, the lists the kernel keeps on its stack
/// (folios, ret_folios, unmap_folios, dst_folios) and struct migrate_pages_stats. Pooled by
/// <see cref="Migration"/>, so a call in steady state allocates no lists.
/// </summary>
/// <remarks>mm/migrate.c: migrate_pages, migrate_pages_batch, migrate_pages_sync, struct migrate_pages_stats.</remarks>
internal sealed class MigratePagesControl
{
    /// <summary>get_new_folio.</summary>
    public NewFolioCallback GetNewFolio = null!;

    /// <summary>put_new_folio, or null to free unused destinations.</summary>
    public FreeFolioCallback? PutNewFolio;

    /// <summary>The calling task (current).</summary>
    public TaskContext Current = null!;

    /// <summary>The caller's mode.</summary>
    public MigrateMode Mode;

    /// <summary>Why.</summary>
    public MigrateReason Reason;

    /// <summary>The batch being migrated (migrate_pages' folios).</summary>
    public readonly MigrateList Folios = new(Migration.NrMaxBatchedMigration);

    /// <summary>Permanent failures and what is left after the passes (ret_folios).</summary>
    public readonly MigrateList RetFolios = new(Migration.NrMaxBatchedMigration);

    /// <summary>What migrate_pages_sync's ASYNC batch left (its local folios list).</summary>
    public readonly MigrateList SyncFolios = new(Migration.NrMaxBatchedMigration);

    /// <summary>The one folio migrate_pages_sync retries at a time.</summary>
    public readonly MigrateList Single = new(4);

    /// <summary>Sources unmapped and waiting to be moved (unmap_folios).</summary>
    public readonly MigrateList UnmapFolios = new(Migration.NrMaxBatchedMigration);

    /// <summary>Their destinations, in the same order (dst_folios).</summary>
    public readonly MigrateList DstFolios = new(Migration.NrMaxBatchedMigration);

    /// <summary>The writeback rule's decision for the folio whose unmap is about to sleep on its writeback.</summary>
    public WritebackDecision WbDecision;

    /// <summary>The return of the last migrate_pages_batch or migrate_pages_sync (coroutines cannot return values).</summary>
    public int Rc;

    /// <summary>stats.nr_succeeded: base pages.</summary>
    public int NrSucceeded;

    /// <summary>stats.nr_failed_pages: base pages.</summary>
    public int NrFailedPages;

    /// <summary>stats.nr_thp_succeeded.</summary>
    public int NrThpSucceeded;

    /// <summary>stats.nr_thp_failed.</summary>
    public int NrThpFailed;

    /// <summary>stats.nr_thp_split.</summary>
    public int NrThpSplit;

    /// <summary>stats.nr_split.</summary>
    public int NrSplit;

    /// <summary>migrate_pages_batch's retry: folios that failed with -EAGAIN in the current pass.</summary>
    public int Retry;

    /// <summary>migrate_pages_batch's thp_retry.</summary>
    public int ThpRetry;

    /// <summary>migrate_pages_batch's nr_retry_pages.</summary>
    public int NrRetryPages;

    /// <summary>migrate_pages_batch's nr_failed (the unmap half).</summary>
    public int NrFailed;

    /// <summary>migrate_pages_batch's rc_saved: -ENOMEM once no destination could be had.</summary>
    public int RcSaved;

    /// <summary>Base pages copied by the current batch, charged as CPU time when it ends.</summary>
    public long CopiedPages;

    /// <summary>Clears the lists and the stats for a new call.</summary>
    public void Reset()
    {
        Folios.Clear();
        RetFolios.Clear();
        SyncFolios.Clear();
        Single.Clear();
        UnmapFolios.Clear();
        DstFolios.Clear();
        Rc = 0;
        NrSucceeded = NrFailedPages = NrThpSucceeded = NrThpFailed = NrThpSplit = NrSplit = 0;
        CopiedPages = 0;
        GetNewFolio = null!;
        PutNewFolio = null;
        Current = null!;
    }
}
