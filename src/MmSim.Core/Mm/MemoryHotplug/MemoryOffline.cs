// mm/memory_hotplug.c: offlining and onlining memory blocks. offline_pages isolates the block, then
// loops scan_movable_pages + do_migrate_range (MIGRATE_SYNC) until every page is free. Migration
// failures never end it: only a pending signal does, checked between passes, and a task asleep in
// folio_wait_writeback (D) is not woken by one. The buddy side is Mm/PageAlloc/IsolatedRange.cs,
// isolation is Mm/PageIsolation, the blocks themselves MemoryBlocks.cs.
using MmSim.Mm.Migrate;
using MmSim.Mm.PageAlloc;
using MmSim.Sim;

namespace MmSim.Mm.MemoryHotplug;

/// <summary>offline_pages and online_pages over the node's memory blocks.</summary>
/// <remarks>mm/memory_hotplug.c: offline_pages, scan_movable_pages, do_migrate_range, online_pages;
/// drivers/base/memory.c: memory_subsys_offline/online.</remarks>
public sealed class MemoryOffline
{
    /// <summary>Simulated CPU time of one pass's bookkeeping (signal check, cond_resched, the scan's start), in ns.</summary>
    public const long PassCostNs = 10 * SimTime.NsPerUs;

    /// <summary>
    /// Simulated CPU time per page do_migrate_range walks (pfn_to_page, folio_try_get, folio_put on every
    /// PFN from the movable page to the block's end), in ns. An assumption, not a measurement: a pass over
    /// a 128 MiB block then costs about a third of a millisecond.
    /// </summary>
    public const long WalkNsPerPage = 10;

    /// <summary>
    /// Simulated CPU time per folio <c>do_migrate_range</c> isolates (folio_isolate_lru with the lruvec lock, the
    /// migrate_pages attempt's locking and checks, putback_movable_pages), in ns. An assumption, not a measurement; it
    /// is what makes a pass over hundreds of folios that all fail at once (skip-sync-migration's -EBUSY) cost time.
    /// </summary>
    public const long IsolatedFolioNs = 1000;

    /// <summary>The proposed (2023, never merged) offline timeout's default: 30 s.</summary>
    public const long DefaultOfflineTimeoutNs = 30 * SimTime.NsPerSec;

    // The errnos offline_pages adds to migration's (Mm/Migrate/Errno).
    private const int EINVAL = 22;
    private const int ENOENT = 2;

    private readonly PageAllocator alloc;
    private readonly PageIsolation.PageIsolation isolation;
    private readonly Migration migrate;
    private readonly Simulator sim;
    private readonly PageFrame[] pages;
    private readonly NewFolioCallback allocMigrationTarget;

    /// <summary>Creates offlining over the allocator's node.</summary>
    /// <param name="alloc">The buddy allocator.</param>
    /// <param name="isolation">Page isolation.</param>
    /// <param name="migrate">Migration.</param>
    /// <param name="sim">The clock.</param>
    /// <param name="blocks">The node's memory blocks.</param>
    /// <param name="offlineTimeoutNs">The proposed timeout (-ETIMEDOUT, "timeout"), or null for mainline (none).</param>
    public MemoryOffline(PageAllocator alloc, PageIsolation.PageIsolation isolation, Migration migrate, Simulator sim, MemoryBlocks blocks, long? offlineTimeoutNs)
    {
        ArgumentNullException.ThrowIfNull(alloc);
        ArgumentNullException.ThrowIfNull(isolation);
        ArgumentNullException.ThrowIfNull(migrate);
        ArgumentNullException.ThrowIfNull(sim);
        ArgumentNullException.ThrowIfNull(blocks);
        this.alloc = alloc;
        this.isolation = isolation;
        this.migrate = migrate;
        this.sim = sim;
        Blocks = blocks;
        OfflineTimeoutNs = offlineTimeoutNs;
        pages = alloc.Node.Pages;
        allocMigrationTarget = AllocMigrationTarget;
    }

    /// <summary>The memory blocks.</summary>
    public MemoryBlocks Blocks { get; }

    /// <summary>The proposed offline timeout, or null (mainline: none).</summary>
    public long? OfflineTimeoutNs { get; }

    /// <summary>
    /// Writes "offline" to block <paramref name="block"/>'s state: offline_pages on its range for
    /// <paramref name="current"/>. <paramref name="attempt"/> records the outcome, reason and latency.
    /// </summary>
    /// <param name="current">The writing task.</param>
    /// <param name="block">The block.</param>
    /// <param name="attempt">Filled as the attempt goes.</param>
    /// <returns>The coroutine.</returns>
    /// <remarks>mm/memory_hotplug.c: offline_pages. -EINVAL for a block with holes or in two zones.</remarks>
    public IEnumerable<Wait> OfflinePages(TaskContext current, int block, OfflineAttempt attempt)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(attempt);
        attempt.Block = block;
        attempt.StartNs = sim.Now;
        attempt.Task = current.Task;
        attempt.Outcome = OfflineOutcome.Retrying;
        if (Blocks.State(block) != MemoryBlockState.Online)
        {
            End(attempt, Blocks.State(block) == MemoryBlockState.Offline ? OfflineOutcome.Ok : OfflineOutcome.Ebusy, 0, "");
            yield break;
        }

        int start = Blocks.StartPfn(block);
        int end = start + Blocks.PagesPerBlock;
        string? invalid = CheckRange(start, end);
        if (invalid != null)
        {
            End(attempt, OfflineOutcome.Ebusy, -EINVAL, invalid);
            yield break;
        }

        Zone zone = alloc.Node.PageZone(start);
        Blocks.SetState(block, MemoryBlockState.GoingOffline);

        // Disable pcplists so that isolation cannot race with a free that leaves isolated pages on them.
        alloc.ZonePcpDisable(zone);
        int ret = isolation.StartIsolatePageRange(start, end, PageIsolation.PbIsolateMode.MemOffline, MigrateType.Movable);
        if (ret != 0)
        {
            attempt.UnmovablePfn = isolation.LastUnmovablePfn;
            alloc.ZonePcpEnable(zone);
            Blocks.SetState(block, MemoryBlockState.Online);
            End(attempt, OfflineOutcome.Ebusy, ret, "failure to isolate range");
            yield break;
        }

        var loop = new OfflineLoop();
        yield return Wait.Call(MigrateUntilIsolated(current, start, end, attempt, loop));
        if (loop.Ret != 0)
        {
            isolation.UndoIsolatePageRange(start, end, MigrateType.Movable);
            alloc.ZonePcpEnable(zone);
            Blocks.SetState(block, MemoryBlockState.Online);
            End(attempt, loop.Outcome, loop.Ret, loop.Reason);
            yield break;
        }

        long managed = alloc.OfflineIsolatedPages(start, end);

        // The sections are offline and their pageblock flags stale: memory onlining reverts this.
        zone.NrIsolatePageblock -= Blocks.PagesPerBlock / MmConstants.PageblockNrPages;
        alloc.ZonePcpEnable(zone);
        PageAllocator.AdjustPageCounts(zone, -managed, -Blocks.PagesPerBlock);
        alloc.InitPerZoneWmarkMin();
        Blocks.SetState(block, MemoryBlockState.Offline);
        End(attempt, OfflineOutcome.Ok, 0, "");
    }

    // The do/while loops of offline_pages: passes of scan_movable_pages + do_migrate_range until none
    // finds a movable page, then test_pages_isolated; a signal (or the proposed timeout) ends it
    // between passes, never inside one.
    private IEnumerable<Wait> MigrateUntilIsolated(TaskContext current, int start, int end, OfflineAttempt attempt, OfflineLoop loop)
    {
        var source = new MigrateList();
        var result = new MigrateResult();
        while (true)
        {
            int pfn = start;
            int ret;
            do
            {
                // "Historically we always checked for any signal and can't limit it to fatal signals
                // without eventually breaking user space."
                if (current.SignalPending)
                {
                    loop.Set(-Errno.EINTR, OfflineOutcome.Interrupted, "signal backoff");
                    yield break;
                }

                if (OfflineTimeoutNs is long t && sim.Now - attempt.StartNs >= t)
                {
                    loop.Set(-Errno.ETIMEDOUT, OfflineOutcome.Timeout, "timeout");
                    yield break;
                }

                // cond_resched: the pass costs CPU time, so a loop that never succeeds still lets time pass.
                ret = ScanMovablePages(pfn, end, out pfn);
                yield return Wait.For(PassCostNs + (ret == 0 ? (end - pfn) * WalkNsPerPage : 0));
                if (ret == 0)
                {
                    attempt.Passes++;
                    yield return Wait.Call(DoMigrateRange(current, pfn, end, source, result));
                }
            }
            while (ret == 0);

            if (ret != -ENOENT)
            {
                loop.Set(ret, OfflineOutcome.Ebusy, "unmovable page");
                yield break;
            }

            // dissolve_free_hugetlb_folios: mmsim's hugetlb pool pages cannot be dissolved.
            if (HasHugetlb(start, end))
            {
                loop.Set(-Errno.EBUSY, OfflineOutcome.Ebusy, "failure to dissolve huge pages");
                yield break;
            }

            if (isolation.TestPagesIsolated(start, end, PageIsolation.PbIsolateMode.MemOffline) == 0)
            {
                yield break;
            }
        }
    }

    /// <summary>
    /// scan_movable_pages: the first LRU or movable-ops page of <c>[start, end)</c> in
    /// <paramref name="movablePfn"/> (0), or -ENOENT when there is none.
    /// </summary>
    /// <param name="start">First PFN.</param>
    /// <param name="end">One past the last PFN.</param>
    /// <param name="movablePfn">The movable page found.</param>
    /// <returns>0, or -ENOENT.</returns>
    /// <remarks>mm/memory_hotplug.c: scan_movable_pages. mmsim's hugetlb pages are pool pages, not migratable.</remarks>
    public int ScanMovablePages(int start, int end, out int movablePfn)
    {
        for (int pfn = start; pfn < end;)
        {
            ref PageFrame page = ref pages[pfn];
            if (page.Has(PageFlags.Allocated) && (page.Has(PageFlags.Lru) || page.Has(PageFlags.MovableOps)))
            {
                movablePfn = pfn;
                return 0;
            }

            pfn += page.Has(PageFlags.Allocated) || page.Has(PageFlags.Buddy) ? 1 << page.Order : 1;
        }

        movablePfn = end;
        return -ENOENT;
    }

    // mm/memory_hotplug.c: do_migrate_range — isolate every movable folio from pfn on, migrate them
    // with MIGRATE_SYNC (MR_MEMORY_HOTPLUG), put back what failed.
    private IEnumerable<Wait> DoMigrateRange(TaskContext current, int start, int end, MigrateList source, MigrateResult result)
    {
        source.Clear();
        for (int pfn = start; pfn < end;)
        {
            ref PageFrame page = ref pages[pfn];
            if (!page.Has(PageFlags.Allocated))
            {
                pfn += page.Has(PageFlags.Buddy) ? 1 << page.Order : 1;
                continue;
            }

            // isolate_folio_to_list: LRU folios through folio_isolate_lru, movable-ops pages through
            // isolate_movable_ops_page; no writeback or dirtiness test (that is compaction's).
            bool isolated = page.Has(PageFlags.Lru) ? migrate.FolioIsolateLru(pfn)
                : page.Has(PageFlags.MovableOps) && migrate.IsolateMovableOpsPage(pfn, IsolateMode.None);
            if (isolated)
            {
                source.Add(pfn);
            }

            pfn += 1 << page.Order;
        }

        if (source.Count == 0)
        {
            yield break;
        }

        yield return Wait.For(source.Count * IsolatedFolioNs);
        yield return Wait.Call(migrate.MigratePages(current, source, allocMigrationTarget, null, MigrateMode.Sync, MigrateReason.MemoryHotplug, result));
        if (result.Ret != 0)
        {
            migrate.PutbackMovablePages(source);
        }
    }

    /// <summary>
    /// Writes "online" to block <paramref name="block"/>'s state: its pages return to the buddy
    /// allocator as MOVABLE pageblocks.
    /// </summary>
    /// <param name="block">The block.</param>
    /// <returns>False if the block was not offline.</returns>
    /// <remarks>mm/memory_hotplug.c: online_pages (the zone is the one the block had; mmsim does not move
    /// a block between zones).</remarks>
    public bool OnlinePages(int block)
    {
        if (Blocks.State(block) != MemoryBlockState.Offline)
        {
            return false;
        }

        int start = Blocks.StartPfn(block);
        int end = start + Blocks.PagesPerBlock;
        alloc.OnlinePagesRange(start, end);
        isolation.UndoIsolatePageRange(start, end, MigrateType.Movable);
        alloc.InitPerZoneWmarkMin();
        Blocks.SetState(block, MemoryBlockState.Online);
        return true;
    }

    // memory_block_offline refuses a block that intersects more than one zone (early_node_zone_for_memory_block left
    // mem->zone NULL); offline_pages then needs every page to be system RAM (walk_system_ram_range, "memory holes")
    // and both ends in one zone ("multizone range").
    private string? CheckRange(int start, int end)
    {
        PgData node = alloc.Node;
        int zonesIntersected = 0;
        foreach (Zone z in node.Zones)
        {
            zonesIntersected += z.SpannedPages > 0 && z.ZoneStartPfn < end && z.ZoneEndPfn > start ? 1 : 0;
        }

        if (zonesIntersected > 1)
        {
            return "multizone range";
        }

        if (!node.PfnValid(end - 1) || !node.PfnValid(start) || node.PresentPagesIn(start, end) != end - start)
        {
            return "memory holes";
        }

        return node.PageZone(start) != node.PageZone(end - 1) ? "multizone range" : null;
    }

    private bool HasHugetlb(int start, int end)
    {
        for (int pfn = start; pfn < end;)
        {
            ref PageFrame page = ref pages[pfn];
            if (page.Has(PageFlags.Allocated) && page.OwnerKind == OwnerKind.Hugetlb)
            {
                return true;
            }

            pfn += page.Has(PageFlags.Allocated) || page.Has(PageFlags.Buddy) ? 1 << page.Order : 1;
        }

        return false;
    }

    // alloc_migration_target with do_migrate_range's mtc: GFP_KERNEL | __GFP_MOVABLE | __GFP_RETRY_MAYFAIL,
    // other nodes preferred (there are none: this node, outside the isolated block).
    private int AllocMigrationTarget(int srcPfn, int order)
    {
        return migrate.AllocMigrationTarget(GfpFlags.Kernel | GfpFlags.Movable | GfpFlags.RetryMayFail, srcPfn, order);
    }

    private void End(OfflineAttempt attempt, OfflineOutcome outcome, int ret, string reason)
    {
        attempt.Outcome = outcome;
        attempt.Ret = ret;
        attempt.Reason = reason;
        attempt.EndNs = sim.Now;
    }

    // What the loop of offline_pages ended with.
    private sealed class OfflineLoop
    {
        public int Ret { get; private set; }

        public OfflineOutcome Outcome { get; private set; }

        public string Reason { get; private set; } = "";

        public void Set(int ret, OfflineOutcome outcome, string reason) => (Ret, Outcome, Reason) = (ret, outcome, reason);
    }
}
