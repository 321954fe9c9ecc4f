// migrate_pages_batch: unmap as many folios of the list as possible (retrying -EAGAIN for up to
// nr_pass passes), then move the unmapped ones (again up to nr_pass passes), then undo what is left.
// Only a synchronous mode sleeps, and only with a list of one folio (the kernel warns otherwise):
// batching locks many folios at once, and waiting with several held could deadlock.
using MmSim.Sim;
using static MmSim.Mm.Migrate.Errno;

namespace MmSim.Mm.Migrate;

public sealed partial class Migration
{
    // The PMD order: folio_test_pmd_mappable, what counts as a THP for thp_migration_*.
    private const int HpagePmdOrder = MmConstants.PageblockOrder;

    // migrate_pages_batch. The result is ctl.Rc: the folios that failed, or -ENOMEM.
    private IEnumerable<Wait> MigratePagesBatch(MigratePagesControl ctl, MigrateList from, MigrateMode mode, MigrateList ret, int nrPass)
    {
        VmBug.VmWarnOn(mode != MigrateMode.Async && from.Count > 1, "migrate_pages_batch: more than one folio outside MIGRATE_ASYNC");
        ctl.UnmapFolios.Clear();
        ctl.DstFolios.Clear();
        ctl.CopiedPages = 0;
        int retry = 1, thpRetry = 0, nrFailed = 0, nrRetryPages = 0, rcSaved = 0;
        for (int pass = 0; pass < nrPass && retry != 0 && rcSaved == 0; pass++)
        {
            retry = thpRetry = nrRetryPages = 0;
            int kept = 0;
            for (int r = 0; r < from.Count; r++)
            {
                int src = from[r];
                int nrPages = 1 << pages[src].Order;
                int isThp = pages[src].Order >= HpagePmdOrder ? 1 : 0;

                // "If we are holding the last folio reference, the folio was freed from under us."
                if (!pages[src].Has(PageFlags.MovableOps) && OnlyIsolationRef(src))
                {
                    pages[src].Clear(PageFlags.Active | PageFlags.Unevictable);
                    MigrateFolioDone(src, ctl.Reason, movableOps: false, pages[src].Has(PageFlags.SwapBacked));
                    ctl.NrSucceeded += nrPages;
                    ctl.NrThpSucceeded += isThp;
                    continue;
                }

                int rc = MigrateFolioUnmap(ctl, src, mode, ret, out int dst);
                if (rc == RcSleepFolioLock)
                {
                    yield return Wait.Call(folioWait.FolioLock(src));
                    rc = MigrateFolioUnmapLocked(ctl, src, dst, mode, ret);
                }

                if (rc == RcSleepWriteback)
                {
                    // Unbounded and uninterruptible, holding the source lock and the destination.
                    yield return Wait.Call(folioWait.FolioWaitWriteback(src));
                    rc = MigrateFolioUnmapFinish(ctl, src, dst, ret);
                }

                switch (rc)
                {
                    case 0:
                        ctl.UnmapFolios.Add(src);
                        ctl.DstFolios.Add(dst);
                        break;
                    case -EAGAIN:
                        retry++;
                        thpRetry += isThp;
                        nrRetryPages += nrPages;
                        from.Set(kept++, src);
                        break;
                    case -ENOMEM:
                        // "When memory is low, don't bother to try to migrate other folios, move
                        // unmapped folios, then exit." Large folios would be split and retried; mmsim
                        // does not split (docs/fidelity.md), so they fail like small ones.
                        nrFailed++;
                        ctl.NrThpFailed += isThp;
                        ctl.NrFailedPages += nrPages + nrRetryPages;
                        ctl.NrThpFailed += thpRetry;
                        rcSaved = rc;
                        kept = KeepRest(from, r, kept);
                        r = from.Count;
                        break;
                    default:
                        // Permanent failure (-EBUSY, etc.): the folio is on ret already.
                        nrFailed++;
                        ctl.NrThpFailed += isThp;
                        ctl.NrFailedPages += nrPages;
                        break;
                }
            }

            from.Truncate(kept);
        }

        if (rcSaved == 0)
        {
            nrFailed += retry;
            ctl.NrThpFailed += thpRetry;
            ctl.NrFailedPages += nrRetryPages;
        }

        nrFailed += MigrateFoliosMovePasses(ctl, mode, ret, nrPass);
        ctl.Rc = rcSaved != 0 ? rcSaved : nrFailed;
        MigrateFoliosUndo(ctl, ret);
        if (ctl.CopiedPages > 0 && ctl.Current.CanSleep)
        {
            yield return Wait.For(ctl.CopiedPages * CopyNsPerPage);
        }
    }

    // On -ENOMEM the failing folio and every untried one stay on from, after those kept so far.
    private static int KeepRest(MigrateList from, int r, int kept)
    {
        for (int i = r; i < from.Count; i++)
        {
            from.Set(kept++, from[i]);
        }

        return kept;
    }

    // The "move:" half of migrate_pages_batch: up to nr_pass passes of migrate_folios_move over the
    // unmapped folios, each -EAGAIN folio staying for the next. Returns the failures to add to nr_failed.
    private int MigrateFoliosMovePasses(MigratePagesControl ctl, MigrateMode mode, MigrateList ret, int nrPass)
    {
        int nrFailed = 0;
        int retry = 1, thpRetry = 0, nrRetryPages = 0;
        for (int pass = 0; pass < nrPass && retry != 0; pass++)
        {
            retry = thpRetry = nrRetryPages = 0;
            int kept = 0;
            for (int i = 0; i < ctl.UnmapFolios.Count; i++)
            {
                int src = ctl.UnmapFolios[i];
                int dst = ctl.DstFolios[i];
                int nrPages = 1 << pages[src].Order;
                int isThp = pages[src].Order >= HpagePmdOrder ? 1 : 0;
                int rc = MigrateFolioMove(ctl, src, dst, mode, ret);
                if (rc == -EAGAIN)
                {
                    retry++;
                    thpRetry += isThp;
                    nrRetryPages += nrPages;
                    ctl.UnmapFolios.Set(kept, src);
                    ctl.DstFolios.Set(kept, dst);
                    kept++;
                }
                else if (rc == 0)
                {
                    ctl.NrSucceeded += nrPages;
                    ctl.NrThpSucceeded += isThp;
                }
                else
                {
                    nrFailed++;
                    ctl.NrThpFailed += isThp;
                    ctl.NrFailedPages += nrPages;
                }
            }

            ctl.UnmapFolios.Truncate(kept);
            ctl.DstFolios.Truncate(kept);
        }

        ctl.NrThpFailed += thpRetry;
        ctl.NrFailedPages += nrRetryPages;
        return nrFailed + retry;
    }

    // migrate_folios_undo: the folios still unmapped go back to ret (their mappings were never
    // switched), their destinations back to the allocator or put_new_folio.
    private void MigrateFoliosUndo(MigratePagesControl ctl, MigrateList ret)
    {
        for (int i = 0; i < ctl.UnmapFolios.Count; i++)
        {
            int src = ctl.UnmapFolios[i];
            folioWait.FolioUnlock(src);
            ret.Add(src);
            MigrateFolioUndoDst(ctl, ctl.DstFolios[i], locked: true);
        }

        ctl.UnmapFolios.Clear();
        ctl.DstFolios.Clear();
    }
}
