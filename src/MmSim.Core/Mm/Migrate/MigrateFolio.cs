// One folio's migration in the kernel's two steps: migrate_folio_unmap (destination first, then the
// source lock, then writeback, then unmap) and migrate_folio_move (the mapping's migrate_folio or the
// fallback, the reference check, and the switch of every pointer to the destination). The steps
// where the kernel may sleep return a marker instead, and the batch coroutine (MigratePages.cs)
// sleeps there and continues with the next step: ASYNC batches never allocate a coroutine per folio.
using MmSim.Mm.Folio;
using static MmSim.Mm.Migrate.Errno;

namespace MmSim.Mm.Migrate;

public sealed partial class Migration
{
    // Markers of the unmap steps that must sleep before they can go on (never returned to callers).
    private const int RcSleepFolioLock = 1;
    private const int RcSleepWriteback = 2;

    /// <summary>
    /// migrate_folio_unmap up to its first sleep: the destination, then the source's trylock. Returns 0
    /// (unmapped, <paramref name="dst"/> locked), a negative errno (the folio restored: on
    /// <paramref name="ret"/> unless -EAGAIN), or a sleep marker with the destination held.
    /// </summary>
    private int MigrateFolioUnmap(MigratePagesControl ctl, int src, MigrateMode mode, MigrateList ret, out int dst)
    {
        int order = pages[src].Order;
        dst = ctl.GetNewFolio(src, order);
        if (dst < 0)
        {
            return -ENOMEM;
        }

        VmBug.VmBugOnPage(!pages[dst].Has(PageFlags.Allocated) || pages[dst].Order != order, pages, dst, "get_new_folio: not an allocated folio of the source's order");
        if (!folioWait.FolioTrylock(src))
        {
            // Direct compaction (PF_MEMALLOC) never calls folio_lock: pages added locked by readahead
            // could be locked twice by the same task. SYNC_LIGHT waits for transient locks, not for I/O.
            if (mode == MigrateMode.Async || (ctl.Current.Flags & TaskFlags.Memalloc) != 0 ||
                (mode == MigrateMode.SyncLight && !pages[src].Has(PageFlags.Uptodate)))
            {
                return UnmapOut(ctl, src, dst, -EAGAIN, srcLocked: false, dstLocked: false, ret);
            }

            return RcSleepFolioLock;
        }

        return MigrateFolioUnmapLocked(ctl, src, dst, mode, ret);
    }

    // migrate_folio_unmap with the source locked: the writeback rule (the policy's), then the rest.
    private int MigrateFolioUnmapLocked(MigratePagesControl ctl, int src, int dst, MigrateMode mode, MigrateList ret)
    {
        if (pages[src].Has(PageFlags.Writeback))
        {
            // "Only in the case of a full synchronous migration is it necessary to wait for writeback."
            // The decision is kept for the batch coroutine, which sleeps as it says (MigratePagesBatch.cs).
            ctl.WbDecision = WritebackPolicy.OnWriteback(src, FolioMapping(src), mode, ctl.Reason, ctl.Current);
            if (ctl.WbDecision.Action == WritebackAction.Busy)
            {
                return UnmapOut(ctl, src, dst, -EBUSY, srcLocked: true, dstLocked: false, ret);
            }

            return RcSleepWriteback;
        }

        return MigrateFolioUnmapFinish(ctl, src, dst, ret);
    }

    // migrate_folio_unmap after writeback: lock the destination, then try_to_migrate. The page-table
    // entries become migration entries in the kernel; here the switch happens at once in the move
    // step, so a mapped folio always unmaps.
    private int MigrateFolioUnmapFinish(MigratePagesControl ctl, int src, int dst, MigrateList ret)
    {
        if (!folioWait.FolioTrylock(dst))
        {
            return UnmapOut(ctl, src, dst, -EAGAIN, srcLocked: true, dstLocked: false, ret);
        }

        // An orphaned page cache folio with fs-private data cannot be migrated (try_to_free_buffers).
        if (!pages[src].Has(PageFlags.MovableOps) && pages[src].Owner == 0 && pages[src].Has(PageFlags.Private))
        {
            return UnmapOut(ctl, src, dst, -EAGAIN, srcLocked: true, dstLocked: true, ret);
        }

        return 0;
    }

    // The "out:" of migrate_folio_unmap: migrate_folio_undo_src and migrate_folio_undo_dst. A folio
    // failing with -EAGAIN stays on the caller's list for the next pass; others go to ret.
    private int UnmapOut(MigratePagesControl ctl, int src, int dst, int rc, bool srcLocked, bool dstLocked, MigrateList ret)
    {
        if (srcLocked)
        {
            folioWait.FolioUnlock(src);
        }

        if (rc != -EAGAIN)
        {
            ret.Add(src);
        }

        MigrateFolioUndoDst(ctl, dst, dstLocked);
        return rc;
    }

    // migrate_folio_undo_dst: unlock, then put_new_folio or folio_put (the destination is freed).
    private void MigrateFolioUndoDst(MigratePagesControl ctl, int dst, bool locked)
    {
        if (locked)
        {
            folioWait.FolioUnlock(dst);
        }

        int order = pages[dst].Order;
        if (ctl.PutNewFolio is { } put)
        {
            put(dst, order);
        }
        else
        {
            alloc.FreePages(dst, order);
        }
    }

    /// <summary>
    /// migrate_folio_move: moves the unmapped, locked <paramref name="src"/> to the locked
    /// <paramref name="dst"/>. 0: the source is freed; -EAGAIN: both stay for the next pass; other
    /// errors: the source goes to <paramref name="ret"/>, the destination back.
    /// </summary>
    private int MigrateFolioMove(MigratePagesControl ctl, int src, int dst, MigrateMode mode, MigrateList ret)
    {
        bool movableOps = pages[src].Has(PageFlags.MovableOps);
        int nrPages = 1 << pages[src].Order;

        // folio_is_file_lru(src) for NR_ISOLATED: the source's flags move to dst with the data.
        bool swapBacked = pages[src].Has(PageFlags.SwapBacked);
        int rc = movableOps ? MigrateMovableOpsPage(dst, src) : MoveToNewFolio(dst, src, mode);
        if (rc == -EAGAIN)
        {
            return rc;
        }

        if (rc != 0)
        {
            folioWait.FolioUnlock(src);
            ret.Add(src);
            MigrateFolioUndoDst(ctl, dst, locked: true);
            return rc;
        }

        if (!movableOps)
        {
            // folio_add_lru(dst): the destination joins the LRU the source was isolated from.
            lru.FolioAddLru(dst);
        }

        folioWait.FolioUnlock(dst);
        if (!movableOps && OnlyIsolationRef(dst))
        {
            // The owner let go of the folio after it was unmapped: the final folio_put(dst) frees the
            // copy (in the kernel, once the LRU batch drops its reference).
            lru.LruvecDelFolio(dst);
            alloc.FreePages(dst, pages[dst].Order);
        }

        folioWait.FolioUnlock(src);
        MigrateFolioDone(src, ctl.Reason, movableOps, swapBacked);
        ctl.CopiedPages += nrPages;
        return 0;
    }

    // migrate_folio_done: NR_ISOLATED down, then the isolation's folio_put frees the source (the
    // reference of memory_failure's caller stays: it releases the page in page_handle_poison).
    private void MigrateFolioDone(int src, MigrateReason reason, bool movableOps, bool swapBacked)
    {
        ref PageFrame page = ref pages[src];
        if (!movableOps && reason != MigrateReason.Demotion)
        {
            node.ModNodePageState(swapBacked ? Stat.NodeStatItem.NrIsolatedAnon : Stat.NodeStatItem.NrIsolatedFile, -(1 << page.Order));
        }

        page.Clear(PageFlags.Isolated);
        if (reason != MigrateReason.MemoryFailure)
        {
            alloc.FreePages(src, page.Order);
        }
    }

    // move_to_new_folio: the mapping's migrate_folio, or fallback_migrate_folio for a mapping without
    // one, or migrate_folio for a folio with no mapping.
    private int MoveToNewFolio(int dst, int src, MigrateMode mode)
    {
        Mapping? mapping = FolioMapping(src);
        if (mapping is null || (mapping.Aops & AopsCaps.MigrateFolio) != 0)
        {
            return MigrateFolioCommon(dst, src);
        }

        return FallbackMigrateFolio(dst, src, mode);
    }

    // fallback_migrate_folio (6.18): a dirty folio cannot be written out any more (->writepage is
    // gone), so it fails with -EBUSY; private data must be released first (filemap_release_folio,
    // which succeeds for a clean folio), then migrate_folio.
    private int FallbackMigrateFolio(int dst, int src, MigrateMode mode)
    {
        _ = mode;
        ref PageFrame page = ref pages[src];
        if (page.Has(PageFlags.Dirty))
        {
            return -EBUSY;
        }

        page.Clear(PageFlags.Private);
        return MigrateFolioCommon(dst, src);
    }

    // __migrate_folio: the reference check ("folio_ref_count(src) != folio_expected_ref_count(src) + 1"
    // with the isolation's reference as the +1, so any extra reference or pin fails with -EAGAIN),
    // then __folio_migrate_mapping and folio_migrate_flags (flags, memcg, page_owner's gfp).
    private int MigrateFolioCommon(int dst, int src)
    {
        MoveToNewFolioCalls++;
        if (IsolatedRefCount(src) != refs.ExpectedRefCount(src) + 1)
        {
            return -EAGAIN;
        }

        MigrateFolioMapping(dst, src);

        // folio_copy_owner: the destination takes the source's allocation gfp, so page_owner's
        // mixed-block counts follow the data.
        pages[dst].AllocMt = pages[src].AllocMt;
        return 0;
    }

    // migrate_movable_ops_page: the owner's migrate_page swaps ownership from src to dst.
    private int MigrateMovableOpsPage(int dst, int src)
    {
        MigrateFolioMapping(dst, src);
        pages[dst].Clear(PageFlags.Isolated);
        return 0;
    }

    // __folio_migrate_mapping + remove_migration_ptes: the forward map, index, memcg, flags and map
    // count move to dst. A folio with no mapping has nothing to repoint.
    private void MigrateFolioMapping(int dst, int src)
    {
        if (pages[src].Owner != 0)
        {
            rmap.ReplaceFolio(src, dst);
        }
    }

    // folio_ref_count of an isolated folio: what the mapping and page tables explain, the isolation's
    // reference, and any extra references and pins (GUP_PIN_COUNTING_BIAS each on a small folio).
    private int IsolatedRefCount(int pfn)
    {
        int pins = refs.Pins(pfn);
        int pinRefs = pages[pfn].Order == 0 ? pins * Rmap.FolioRefs.GupPinCountingBias : pins;
        return refs.ExpectedRefCount(pfn) + 1 + refs.ExtraRefs(pfn) + pinRefs;
    }
}
