// migrate_pages and its two strategies: migrate_pages_batch (unmap as many folios as possible, then
// move them, each step with its retry passes) and migrate_pages_sync (one ASYNC batch first, then
// what failed one folio at a time in the caller's mode). Coroutines, because a synchronous mode
// sleeps in folio_lock and folio_wait_writeback; the copying is charged once per batch.
using MmSim.Sim;
using static MmSim.Mm.Migrate.Errno;

namespace MmSim.Mm.Migrate;

public sealed partial class Migration
{
    /// <summary>
    /// migrate_pages: migrates every folio of <paramref name="from"/>; what failed stays on
    /// <paramref name="from"/> for the caller to <see cref="PutbackMovablePages"/>. The outcome is in
    /// <paramref name="result"/> when the coroutine ends.
    /// </summary>
    /// <param name="current">The migrating task (may sleep unless the mode is ASYNC).</param>
    /// <param name="from">Isolated folios.</param>
    /// <param name="getNewFolio">Allocates destinations.</param>
    /// <param name="putNewFolio">Takes back unused destinations, or null to free them.</param>
    /// <param name="mode">Migration mode.</param>
    /// <param name="reason">Why (for the counters and the event line).</param>
    /// <param name="result">Filled when the coroutine ends.</param>
    /// <returns>The coroutine the task awaits with <see cref="Wait.Call"/>.</returns>
    /// <remarks>mm/migrate.c: migrate_pages. Batches of NR_MAX_BATCHED_MIGRATION base pages; hugetlb
    /// folios are not modelled (migrate_hugetlbs finds none). Counts pgmigrate_success/fail and
    /// thp_migration_* and fires migrate:mm_migrate_pages at the end. Outside a task (nothing may
    /// sleep) only ASYNC works, and the copy costs no simulated time.</remarks>
    public IEnumerable<Wait> MigratePages(TaskContext current, MigrateList from, NewFolioCallback getNewFolio, FreeFolioCallback? putNewFolio,
        MigrateMode mode, MigrateReason reason, MigrateResult result)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(getNewFolio);
        ArgumentNullException.ThrowIfNull(result);
        return MigratePagesCoroutine(current, from, getNewFolio, putNewFolio, mode, reason, result);
    }

    private IEnumerable<Wait> MigratePagesCoroutine(TaskContext current, MigrateList from, NewFolioCallback getNewFolio, FreeFolioCallback? putNewFolio,
        MigrateMode mode, MigrateReason reason, MigrateResult result)
    {
        MigratePagesControl ctl = controls.Count > 0 ? controls.Pop() : new MigratePagesControl();
        ctl.Reset();
        (ctl.Current, ctl.GetNewFolio, ctl.PutNewFolio, ctl.Mode, ctl.Reason) = (current, getNewFolio, putNewFolio, mode, reason);
        Trace?.MmMigratePagesStart(mode, reason);
        int rcGather = 0;

        // Each batch takes folios from the head until they reach NR_MAX_BATCHED_MIGRATION base pages
        // (the folio that reaches it is included); the loop ends when from is empty or on -ENOMEM.
        while (from.Count > 0)
        {
            from.MoveHeadTo(ctl.Folios, BatchLength(from));
            yield return Wait.Call(mode == MigrateMode.Async
                ? MigratePagesBatch(ctl, ctl.Folios, mode, ctl.RetFolios, NrMaxMigratePagesRetry)
                : MigratePagesSync(ctl));
            int rc = ctl.Rc;
            ctl.RetFolios.SpliceTail(ctl.Folios);
            if (rc < 0)
            {
                rcGather = rc;
                break;
            }

            rcGather += rc;
        }

        // The permanent failures go back to the head of from, for the caller to put back.
        from.SpliceHead(ctl.RetFolios);
        if (from.Count == 0)
        {
            rcGather = 0;
        }

        Finish(ctl, rcGather, result);
        controls.Push(ctl);
    }

    // The number of folios at the head of from that make one batch.
    private int BatchLength(MigrateList from)
    {
        int nrPages = 0;
        for (int i = 0; i < from.Count; i++)
        {
            nrPages += 1 << pages[from[i]].Order;
            if (nrPages >= NrMaxBatchedMigration)
            {
                return i + 1;
            }
        }

        return from.Count;
    }

    // The end of migrate_pages: the vm events, the trace line and *ret_succeeded.
    private void Finish(MigratePagesControl ctl, int rcGather, MigrateResult result)
    {
        node.CountVmEvents(Stat.VmEventItem.PgmigrateSuccess, ctl.NrSucceeded);
        node.CountVmEvents(Stat.VmEventItem.PgmigrateFail, ctl.NrFailedPages);
        node.CountVmEvents(Stat.VmEventItem.ThpMigrationSuccess, ctl.NrThpSucceeded);
        node.CountVmEvents(Stat.VmEventItem.ThpMigrationFail, ctl.NrThpFailed);
        node.CountVmEvents(Stat.VmEventItem.ThpMigrationSplit, ctl.NrThpSplit);
        Trace?.MmMigratePages(ctl.NrSucceeded, ctl.NrFailedPages, ctl.NrThpSucceeded, ctl.NrThpFailed, ctl.NrThpSplit, ctl.NrSplit, ctl.Mode, ctl.Reason);
        result.Ret = rcGather;
        result.NrSucceeded = ctl.NrSucceeded;
        result.NrFailed = ctl.NrFailedPages;
        result.NrThpSucceeded = ctl.NrThpSucceeded;
        result.NrThpFailed = ctl.NrThpFailed;
    }

    // migrate_pages_sync: "Try to migrate in batch with MIGRATE_ASYNC mode firstly", then every folio
    // that failed one by one in the caller's mode. The ASYNC batch's failures are not counted: those
    // folios are retried (only its splits count as failures).
    private IEnumerable<Wait> MigratePagesSync(MigratePagesControl ctl)
    {
        int failedPagesBefore = ctl.NrFailedPages;
        int thpFailedBefore = ctl.NrThpFailed;
        int thpSplitBefore = ctl.NrThpSplit;
        int splitBefore = ctl.NrSplit;
        yield return Wait.Call(MigratePagesBatch(ctl, ctl.Folios, MigrateMode.Async, ctl.SyncFolios, NrMaxMigrateAsyncRetry));
        if (ctl.Rc < 0)
        {
            ctl.RetFolios.SpliceTail(ctl.SyncFolios);
            yield break;
        }

        ctl.NrFailedPages = failedPagesBefore;
        ctl.NrThpFailed = thpFailedBefore + (ctl.NrThpSplit - thpSplitBefore);
        int nrFailed = ctl.NrSplit - splitBefore;

        // What the ASYNC batch left (its -EAGAIN folios still on folios, then its ret list) is retried.
        ctl.Folios.SpliceTail(ctl.SyncFolios);
        while (ctl.Folios.Count > 0)
        {
            ctl.Folios.MoveHeadTo(ctl.Single, 1);
            yield return Wait.Call(MigratePagesBatch(ctl, ctl.Single, ctl.Mode, ctl.RetFolios, NrMaxMigrateSyncRetry));
            ctl.RetFolios.SpliceTail(ctl.Single);
            if (ctl.Rc < 0)
            {
                yield break;
            }

            nrFailed += ctl.Rc;
        }

        ctl.Rc = nrFailed;
    }
}
