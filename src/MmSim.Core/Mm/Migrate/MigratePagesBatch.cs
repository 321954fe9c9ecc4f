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
        ctl.Retry = 1;
        ctl.ThpRetry = ctl.NrFailed = ctl.NrRetryPages = ctl.RcSaved = 0;
        for (int pass = 0; pass < nrPass && ctl.Retry != 0 && ctl.RcSaved == 0; pass++)
        {
            ctl.Retry = ctl.ThpRetry = ctl.NrRetryPages = 0;
            int kept = 0;
            for (int r = 0; r < from.Count; r++)
            {
                int src = from[r];
                if (FreedFromUnderUs(ctl, src))
                {
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
                    // Uninterruptible, holding the source lock and the destination: without bound in mainline,
                    // bounded or followed by a cancel in the timeout designs (MigrateWriteback.cs).
                    yield return Wait.Call(WaitOnWriteback(ctl, src));
                    rc = pages[src].Has(PageFlags.Writeback)
                        ? UnmapOut(ctl, src, dst, -EBUSY, srcLocked: true, dstLocked: false, ret)
                        : MigrateFolioUnmapFinish(ctl, src, dst, ret);
                }

                kept = UnmapOutcome(ctl, from, r, kept, src, dst, rc);
                if (rc == -ENOMEM)
                {
                    break;
                }
            }

            from.Truncate(kept);
        }

        if (ctl.RcSaved == 0)
        {
            ctl.NrFailed += ctl.Retry;
            ctl.NrThpFailed += ctl.ThpRetry;
            ctl.NrFailedPages += ctl.NrRetryPages;
        }

        int nrFailed = ctl.NrFailed + MigrateFoliosMovePasses(ctl, mode, ret, nrPass);
        ctl.Rc = ctl.RcSaved != 0 ? ctl.RcSaved : nrFailed;
        MigrateFoliosUndo(ctl, ret);
        if (ctl.CopiedPages > 0 && ctl.Current.CanSleep)
        {
            yield return Wait.For(ctl.CopiedPages * CopyNsPerPage);
        }
    }

    // "If we are holding the last folio reference, the folio was freed from under us, so just drop
    // our reference": it counts as migrated.
    private bool FreedFromUnderUs(MigratePagesControl ctl, int src)
    {
        ref PageFrame page = ref pages[src];
        if (page.Has(PageFlags.MovableOps) || !OnlyIsolationRef(src))
        {
            return false;
        }

        int nrPages = 1 << page.Order;
        ctl.NrThpSucceeded += page.Order >= HpagePmdOrder ? 1 : 0;
        page.Clear(PageFlags.Active | PageFlags.Unevictable);
        MigrateFolioDone(src, ctl.Reason, movableOps: false, page.Has(PageFlags.SwapBacked));
        ctl.NrSucceeded += nrPages;
        return true;
    }

    // The switch after migrate_folio_unmap in migrate_pages_batch. Returns the new count of folios
    // kept on from (those retried next pass, and on -ENOMEM every one not yet tried).
    private int UnmapOutcome(MigratePagesControl ctl, MigrateList from, int r, int kept, int src, int dst, int rc)
    {
        int nrPages = 1 << pages[src].Order;
        int isThp = pages[src].Order >= HpagePmdOrder ? 1 : 0;
        switch (rc)
        {
            case 0:
                ctl.UnmapFolios.Add(src);
                ctl.DstFolios.Add(dst);
                return kept;
            case -EAGAIN:
                ctl.Retry++;
                ctl.ThpRetry += isThp;
                ctl.NrRetryPages += nrPages;
                from.Set(kept, src);
                return kept + 1;
            case -ENOMEM:
                // "When memory is low, don't bother to try to migrate other folios, move unmapped
                // folios, then exit." Large folios would be split and retried; mmsim does not split
                // (docs/fidelity.md), so they fail like small ones.
                ctl.NrFailed++;
                ctl.NrThpFailed += isThp;
                ctl.NrFailedPages += nrPages + ctl.NrRetryPages;
                ctl.NrThpFailed += ctl.ThpRetry;
                ctl.RcSaved = rc;
                return KeepRest(from, r, kept);
            default:
                // Permanent failure (-EBUSY, etc.): the folio is on ret already.
                ctl.NrFailed++;
                ctl.NrThpFailed += isThp;
                ctl.NrFailedPages += nrPages;
                return kept;
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
