// Other MIGRATE_SYNC users (issue 9): the move_pages and mbind system calls, soft offline and hard memory failure
// of a page, and long-term pinning, each over page-cache folios of a file (mm/migrate.c, mm/mempolicy.c,
// mm/memory-failure.c, mm/gup.c). mmsim has one node: move_pages and mbind migrate to "another node" that is this
// one (alloc_migration_target anywhere but the source); what matters here is that they wait on writeback in
// MIGRATE_SYNC as every design's migration rule says (docs/fidelity.md, "Other MIGRATE_SYNC users").
using MmSim.Mm;
using MmSim.Mm.Filemap;
using MmSim.Mm.Migrate;
using MmSim.Sim;

namespace MmSim.Kernel;

public sealed partial class LinuxKernel
{
    /// <summary>Passes of __gup_longterm_locked's -EAGAIN loop mmsim allows before it gives up (the kernel loops without bound).</summary>
    public const int LongtermPinPassesMax = 64;

    /// <summary>
    /// move_pages(2) of the pages <c>[index, index + nrPages)</c> of a file's shared mapping to another node: every
    /// cached folio is isolated from its LRU (no writeback test) and migrated with MIGRATE_SYNC, MR_SYSCALL.
    /// <paramref name="result"/>'s Ret is the number of pages not migrated (what the syscall returns), with
    /// <c>EBUSY</c> as the reason when some failed.
    /// </summary>
    /// <param name="file">The file.</param>
    /// <param name="index">First page index.</param>
    /// <param name="nrPages">Pages.</param>
    /// <param name="result">Filled when the coroutine ends.</param>
    /// <returns>The coroutine the calling task awaits.</returns>
    /// <remarks>mm/migrate.c: do_pages_move, add_folio_for_migration (__add_folio_for_migration: folio_isolate_lru),
    /// do_move_pages_to_node (GFP_HIGHUSER_MOVABLE | __GFP_THISNODE, MIGRATE_SYNC, MR_SYSCALL).</remarks>
    internal IEnumerable<Wait> MovePages(CachedFile file, long index, long nrPages, MigrateSyncResult result) =>
        InSyscall("move_pages", MigrateFileRange(file, index, nrPages, MigrateReason.Syscall, GfpFlags.HighUserMovable | GfpFlags.ThisNode, result));

    /// <summary>
    /// mbind(2) with MPOL_MF_MOVE | MPOL_MF_STRICT over the pages <c>[index, index + nrPages)</c> of a file's shared
    /// mapping: queue_pages_range isolates each cached folio (migrate_folio_add), migrate_pages runs with MIGRATE_SYNC,
    /// MR_MEMPOLICY_MBIND; any folio not isolated or not migrated makes it -EIO.
    /// </summary>
    /// <param name="file">The file.</param>
    /// <param name="index">First page index.</param>
    /// <param name="nrPages">Pages.</param>
    /// <param name="result">Filled when the coroutine ends.</param>
    /// <returns>The coroutine.</returns>
    /// <remarks>mm/mempolicy.c: do_mbind, migrate_folio_add, alloc_migration_target_by_mpol
    /// (GFP_HIGHUSER_MOVABLE | __GFP_RETRY_MAYFAIL | __GFP_COMP).</remarks>
    internal IEnumerable<Wait> Mbind(CachedFile file, long index, long nrPages, MigrateSyncResult result) =>
        InSyscall("mbind", MigrateFileRange(file, index, nrPages, MigrateReason.MempolicyMbind, GfpFlags.HighUserMovable | GfpFlags.RetryMayFail | GfpFlags.Comp, result));

    // do_pages_move / do_mbind: isolate what is cached in the range, one migrate_pages call, putback of what failed.
    private IEnumerable<Wait> MigrateFileRange(CachedFile file, long index, long nrPages, MigrateReason reason, GfpFlags gfp, MigrateSyncResult result)
    {
        var list = new MigrateList();
        int notIsolated = 0;
        long end = Math.Min(file.NrPages, index + nrPages);
        for (long i = Math.Max(0, index); i < end; i++)
        {
            int head = PageCacheFolioHead(file, i);
            if (head < 0 || (list.Count > 0 && list[list.Count - 1] == head))
            {
                continue; // -ENOENT in the status array, or a later page of a folio already queued
            }

            if (Migrate.FolioIsolateLru(head))
            {
                list.Add(head);
            }
            else
            {
                notIsolated++; // -EBUSY in the status array (mbind: qp->nr_failed)
            }
        }

        int failed = 0;
        if (list.Count > 0)
        {
            var res = new MigrateResult();
            yield return Wait.Call(Migrate.MigratePages(Current, list, (src, order) => Migrate.AllocMigrationTarget(gfp, src, order), null, MigrateMode.Sync, reason, res));
            if (res.Ret != 0)
            {
                Migrate.PutbackMovablePages(list);
            }

            failed = res.Ret;
            result.Migrated = res.NrSucceeded;
        }

        result.Failed = failed + notIsolated;
        if (reason == MigrateReason.MempolicyMbind)
        {
            // do_mbind: "if (nr_failed && (flags & MPOL_MF_STRICT)) err = -EIO".
            result.Set(result.Failed != 0 ? -Errno.EIO : 0, result.Failed != 0 ? $"EIO: {result.Failed} folios not isolated or not migrated" : "migrated");
            yield break;
        }

        // do_pages_move: a migrate_pages failure returns the pages not migrated; isolation failures go to the status array only.
        result.Set(failed, failed != 0 ? $"EBUSY: {failed} folios not migrated" : notIsolated != 0 ? $"EBUSY: {notIsolated} folios not isolated (status -EBUSY)" : "migrated");
    }

    /// <summary>
    /// soft_offline_page of <paramref name="pfn"/> (/sys/devices/system/memory/soft_offline_page, madvise(MADV_SOFT_OFFLINE)):
    /// for an in-use LRU folio, soft_offline_in_use_page locks it and waits for its writeback — without bound, whatever
    /// the design, before any migration —, invalidates it if it is a clean unmapped page-cache folio, else isolates it
    /// and migrates it with MIGRATE_SYNC, MR_MEMORY_FAILURE (-EBUSY when that fails).
    /// </summary>
    /// <param name="pfn">Any PFN of the folio.</param>
    /// <param name="result">Filled when the coroutine ends.</param>
    /// <returns>The coroutine.</returns>
    /// <remarks>mm/memory-failure.c: soft_offline_page, soft_offline_in_use_page ("folio_lock(folio); if (!huge)
    /// folio_wait_writeback(folio);", mapping_evict_folio, isolate_folio_to_list, migrate_pages with GFP_USER |
    /// __GFP_MOVABLE | __GFP_RETRY_MAYFAIL), page_handle_poison. PG_hwpoison is not modelled: the offlined page goes
    /// back to the buddy allocator.</remarks>
    internal IEnumerable<Wait> SoftOfflinePage(int pfn, MigrateSyncResult result) => InSyscall("soft_offline", SoftOfflineInUsePage(pfn, result));

    private IEnumerable<Wait> SoftOfflineInUsePage(int pfn, MigrateSyncResult result)
    {
        int head = AllocatedHead(pfn);
        if (head < 0 || !Node.Pages[head].Has(PageFlags.Lru) || Node.Pages[head].OwnerKind == OwnerKind.Hugetlb)
        {
            result.Set(-Errno.EBUSY, "EBUSY: not an in-use LRU folio (mmsim soft-offlines LRU folios only)");
            yield break;
        }

        // get_hwpoison_page's reference keeps the folio where it is while this task sleeps for its lock and writeback.
        Refs.AddExtraRefs(head, 1);
        yield return Wait.Call(FolioWait.FolioLock(head));
        yield return Wait.Call(FolioWait.FolioWaitWriteback(head));
        Refs.AddExtraRefs(head, -1);

        // mapping_evict_folio runs under the lock; the folio is freed after folio_unlock and the last folio_put.
        FolioWait.FolioUnlock(head);
        if (Rmap.FolioMapping(head) is CachedFile file && Node.Pages[head].Has(PageFlags.Lru) && PageCache.MappingEvictFolio(file, head))
        {
            result.Set(0, "invalidated");
            yield break;
        }

        if (!Migrate.FolioIsolateLru(head))
        {
            result.Set(-Errno.EBUSY, "EBUSY: isolation failed");
            yield break;
        }

        var list = new MigrateList();
        list.Add(head);
        var res = new MigrateResult();
        int order = Node.Pages[head].Order;
        yield return Wait.Call(Migrate.MigratePages(Current, list, (src, o) => Migrate.AllocMigrationTarget(GfpFlags.User | GfpFlags.Movable | GfpFlags.RetryMayFail, src, o), null, MigrateMode.Sync, MigrateReason.MemoryFailure, res));
        if (res.Ret != 0)
        {
            Migrate.PutbackMovablePages(list);
            result.Failed = 1;
            result.Set(-Errno.EBUSY, "EBUSY: migration failed");
            yield break;
        }

        // page_handle_poison(page, false, true): the isolation's reference MR_MEMORY_FAILURE kept is dropped.
        Alloc.FreePages(head, order);
        result.Migrated = res.NrSucceeded;
        result.Set(0, "migrated");
    }

    /// <summary>
    /// memory_failure of <paramref name="pfn"/> (a hardware error, or /sys/devices/system/memory/hard_offline_page): an
    /// LRU folio or one under writeback is locked and waited on (folio_wait_writeback, without bound, in every design:
    /// memory_failure has no migration and no policy); then an unmapped page-cache folio is truncated from its file,
    /// a dirty one after setting -EIO on the mapping (MF_RECOVERED).
    /// </summary>
    /// <param name="pfn">Any PFN of the folio.</param>
    /// <param name="result">Filled when the coroutine ends.</param>
    /// <returns>The coroutine.</returns>
    /// <remarks>mm/memory-failure.c: memory_failure ("It's very difficult to mess with pages currently under IO …
    /// folio_wait_writeback(folio);"), hwpoison_user_mappings, identify_page_state, me_pagecache_dirty,
    /// me_pagecache_clean. Mapped folios (whose mappers would get SIGBUS) and PG_hwpoison are not modelled.</remarks>
    internal IEnumerable<Wait> MemoryFailure(int pfn, MigrateSyncResult result) => InSyscall("memory_failure", MemoryFailureFolio(pfn, result));

    private IEnumerable<Wait> MemoryFailureFolio(int pfn, MigrateSyncResult result)
    {
        int head = AllocatedHead(pfn);
        if (head < 0 || (!Node.Pages[head].Has(PageFlags.Lru) && !Node.Pages[head].Has(PageFlags.Writeback)))
        {
            result.Set(-Errno.EBUSY, "EBUSY: not an LRU or writeback folio (MF_IGNORED; mmsim handles page-cache folios only)");
            yield break;
        }

        Refs.AddExtraRefs(head, 1);
        yield return Wait.Call(FolioWait.FolioLock(head));
        yield return Wait.Call(FolioWait.FolioWaitWriteback(head));
        Refs.AddExtraRefs(head, -1);
        if (Rmap.FolioMapping(head) is not CachedFile file || file.IsShmem || Node.Pages[head].Has(PageFlags.Mapped) || Node.Pages[head].Has(PageFlags.Isolated))
        {
            FolioWait.FolioUnlock(head);
            result.Set(-Errno.EBUSY, "EBUSY: not an unmapped page-cache folio (MF_FAILED; not modelled)");
            yield break;
        }

        FolioWait.FolioUnlock(head);
        bool dirty = PageCache.TruncateErrorFolio(file, head);
        result.Set(0, dirty ? "recovered (dirty page cache: -EIO on the mapping)" : "recovered (clean page cache)");
    }

    /// <summary>
    /// pin_user_pages(FOLL_LONGTERM) of the pages <c>[index, index + nrPages)</c> of a file's MAP_SHARED mapping (read
    /// only: a FOLL_WRITE long-term pin of such a mapping is refused), then unpin_user_pages: each pass faults the pages
    /// in under memalloc_pin_save and pins them; check_and_migrate_movable_pages unpins every folio when any sits in
    /// ZONE_MOVABLE or a CMA pageblock, migrates those (MIGRATE_SYNC, MR_LONGTERM_PIN, GFP_USER) and returns -EAGAIN for
    /// another pass; a failed migration makes the pin fail with -ENOMEM.
    /// </summary>
    /// <param name="file">The file.</param>
    /// <param name="index">First page index.</param>
    /// <param name="nrPages">Pages.</param>
    /// <param name="stats">Where the faults' allocations are counted.</param>
    /// <param name="result">Filled when the coroutine ends.</param>
    /// <returns>The coroutine.</returns>
    /// <remarks>mm/gup.c: __gup_longterm_locked, check_and_migrate_movable_folios, collect_longterm_unpinnable_folios
    /// (folio_is_longterm_pinnable), migrate_longterm_unpinnable_folios. The pins are dropped when the pin succeeds
    /// (the buffer's lifetime is not modelled).</remarks>
    internal IEnumerable<Wait> PinLongtermFile(CachedFile file, long index, long nrPages, IAllocAccount stats, MigrateSyncResult result) =>
        InSyscall("pin_longterm", GupLongtermLocked(file, index, nrPages, stats, result));

    private IEnumerable<Wait> GupLongtermLocked(CachedFile file, long index, long nrPages, IAllocAccount stats, MigrateSyncResult result)
    {
        TaskContext current = Current;
        TaskFlags saved = current.MemallocSave(TaskFlags.MemallocPin);
        long start = Math.Max(0, index);
        long end = Math.Min(file.NrPages, index + nrPages);
        var pinned = new List<int>();
        var list = new MigrateList();
        result.Set(-Errno.EAGAIN, "EAGAIN");
        while (result.Ret == -Errno.EAGAIN && result.Passes < LongtermPinPassesMax)
        {
            result.Passes++;

            // __get_user_pages_locked: fault in (a read fault of a shared file mapping: filemap_fault) and pin.
            for (long i = start; i < end; i++)
            {
                if (file.Pfn[i] < 0)
                {
                    yield return Wait.Call(Read(file, i, 1, stats));
                    if (current.Ret != 1)
                    {
                        UnpinAll(pinned);
                        result.Set(-Errno.ENOMEM, "ENOMEM: fault failed");
                        current.MemallocRestore(TaskFlags.MemallocPin, saved);
                        yield break;
                    }
                }

                int head = PageCacheFolioHead(file, i);
                if (head >= 0 && (pinned.Count == 0 || pinned[^1] != head))
                {
                    Refs.AddPins(head, 1);
                    pinned.Add(head);
                }
            }

            // check_and_migrate_movable_folios: nothing unpinnable, the pin holds.
            int collected = CollectLongtermUnpinnableFolios(pinned, list);
            if (collected == 0)
            {
                result.Set(0, result.Migrated > 0 ? "migrated" : "pinned");
                break;
            }

            // migrate_longterm_unpinnable_folios: unpin all, migrate what was isolated, -EAGAIN (or -ENOMEM on failure).
            UnpinAll(pinned);
            if (list.Count > 0)
            {
                var res = new MigrateResult();
                yield return Wait.Call(Migrate.MigratePages(current, list, (src, o) => Migrate.AllocMigrationTarget(GfpFlags.User | GfpFlags.NoWarn, src, o), null, MigrateMode.Sync, MigrateReason.LongtermPin, res));
                result.Migrated += res.NrSucceeded;
                if (res.Ret != 0)
                {
                    Migrate.PutbackMovablePages(list);
                    result.Failed += Math.Max(res.Ret, 1);
                    result.Set(-Errno.ENOMEM, "ENOMEM: migrating the unpinnable folios failed");
                    break;
                }
            }

            yield return Wait.For(Mm.MemoryHotplug.MemoryOffline.PassCostNs); // the pass's CPU time, so a busy -EAGAIN loop lets time pass
            result.Set(-Errno.EAGAIN, "EAGAIN");
        }

        // unpin_user_pages: the caller's I/O is done.
        UnpinAll(pinned);
        current.MemallocRestore(TaskFlags.MemallocPin, saved);
    }

    // collect_longterm_unpinnable_folios: folios in ZONE_MOVABLE or a CMA pageblock (not folio_is_longterm_pinnable),
    // isolated from their LRU onto list; returns how many were found (isolated or not).
    private int CollectLongtermUnpinnableFolios(List<int> pinned, MigrateList list)
    {
        int collected = 0;
        foreach (int head in pinned)
        {
            bool movable = Node.PageZone(head).Type == ZoneType.Movable || Node.PageblockMigratetype(head) == MigrateType.Cma;
            if (!movable)
            {
                continue;
            }

            collected++;
            if (Migrate.FolioIsolateLru(head))
            {
                list.Add(head);
            }
        }

        return collected;
    }

    private void UnpinAll(List<int> pinned)
    {
        foreach (int head in pinned)
        {
            Refs.AddPins(head, -1);
        }

        pinned.Clear();
    }

    // The head of the page-cache folio at a file index, or −1 when nothing is cached there.
    private int PageCacheFolioHead(CachedFile file, long index)
    {
        int slot = file.Pfn[index];
        return slot < 0 ? -1 : AllocatedHead(slot);
    }

    // The head PFN of the allocated block holding pfn (large folios span 2^order pages), or −1 for a free page.
    private int AllocatedHead(int pfn)
    {
        PageFrame[] pages = Node.Pages;
        if ((uint)pfn >= (uint)pages.Length)
        {
            return -1;
        }

        for (int k = 0; k <= MmConstants.MaxPageOrder; k++)
        {
            int head = pfn & ~((1 << k) - 1);
            if (pages[head].Has(PageFlags.Allocated) && head + (1 << pages[head].Order) > pfn)
            {
                return head;
            }
        }

        return -1;
    }
}
