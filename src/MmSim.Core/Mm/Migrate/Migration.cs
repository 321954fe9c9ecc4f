// mm/migrate.c: isolating folios from their LRU or movable-ops owner, migrate_pages with its
// batches and retry passes, migrate_folio_unmap / migrate_folio_move, and putback of what failed.
// Migration is a coroutine: a MIGRATE_SYNC caller may sleep in folio_lock and folio_wait_writeback
// while it holds the source lock and the destination, so the hang detectors see the chain.
using MmSim.Mm.Filemap;
using MmSim.Mm.Folio;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Swap;
using MmSim.Mm.Rmap;

namespace MmSim.Mm.Migrate;

/// <summary>Allocates a destination folio for a source (new_folio_t: compaction_alloc, alloc_migration_target).</summary>
/// <param name="srcPfn">Head PFN of the source folio.</param>
/// <param name="order">The source's order.</param>
/// <returns>Head PFN of an allocated folio of <paramref name="order"/>, or −1 (-ENOMEM).</returns>
public delegate int NewFolioCallback(int srcPfn, int order);

/// <summary>Takes back a destination that was not used (free_folio_t: compaction_free); null frees it to the buddy.</summary>
/// <param name="dstPfn">Head PFN of the unused destination.</param>
/// <param name="order">Its order.</param>
public delegate void FreeFolioCallback(int dstPfn, int order);

/// <summary>What one migrate_pages call did (its return and the *nr_succeeded out-parameter); coroutines cannot take <c>out</c>, so the caller passes one in and reuses it.</summary>
public sealed class MigrateResult
{
    /// <summary>The return of migrate_pages: folios not migrated, or a negative errno (-ENOMEM).</summary>
    public int Ret;

    /// <summary>Base pages migrated (nr_succeeded).</summary>
    public int NrSucceeded;

    /// <summary>Base pages that failed (stats.nr_failed_pages, what the call added to pgmigrate_fail).</summary>
    public int NrFailed;

    /// <summary>THPs migrated (stats.nr_thp_succeeded).</summary>
    public int NrThpSucceeded;

    /// <summary>THPs that failed (stats.nr_thp_failed).</summary>
    public int NrThpFailed;
}

/// <summary>
/// Page migration for one node: isolation of migratable folios, <c>migrate_pages</c> and
/// <c>putback_movable_pages</c>. The writeback rule is <see cref="WritebackPolicy"/>, consulted by the
/// isolating scanners (<see cref="MayIsolate"/>) and by migrate_folio_unmap.
/// </summary>
/// <remarks>mm/migrate.c, mm/vmscan.c: folio_isolate_lru. Counters pgmigrate_success/fail,
/// thp_migration_success/fail/split and the migrate:mm_migrate_pages event. The main entry point is
/// in MigratePages.cs, one folio's unmap and move in MigrateFolio.cs, isolation in Isolate.cs.</remarks>
public sealed partial class Migration
{
    /// <summary>NR_MAX_BATCHED_MIGRATION: base pages unmapped before they are moved as one batch (HPAGE_PMD_NR).</summary>
    public const int NrMaxBatchedMigration = 512;

    /// <summary>NR_MAX_MIGRATE_PAGES_RETRY: passes over the list before giving up on -EAGAIN.</summary>
    public const int NrMaxMigratePagesRetry = 10;

    /// <summary>NR_MAX_MIGRATE_ASYNC_RETRY: passes of the MIGRATE_ASYNC batch a synchronous call tries first.</summary>
    public const int NrMaxMigrateAsyncRetry = 3;

    /// <summary>NR_MAX_MIGRATE_SYNC_RETRY: passes of the one-folio-at-a-time SYNC fallback.</summary>
    public const int NrMaxMigrateSyncRetry = NrMaxMigratePagesRetry - NrMaxMigrateAsyncRetry;

    /// <summary>
    /// Simulated CPU time to migrate one base page: copy_page at about 10 GB/s (0.4 µs) plus the unmap,
    /// TLB flush and remap around it. An assumption (about 4 GiB/s per thread), not a measurement; one
    /// wait per batch charges it.
    /// </summary>
    public const long CopyNsPerPage = 1_000;

    private readonly PageAllocator alloc;
    private readonly PgData node;
    private readonly PageFrame[] pages;
    private readonly Rmap.Rmap rmap;
    private readonly FolioRefs refs;
    private readonly FolioWait folioWait;
    private readonly Lru lru;

    // Per-call state of migrate_pages, reused: calls may interleave (a SYNC caller sleeps), so each
    // call rents its own and returns it.
    private readonly Stack<MigratePagesControl> controls = new();

    /// <summary>Creates migration over the node of <paramref name="alloc"/>.</summary>
    /// <param name="alloc">The buddy allocator (frees sources, unused destinations; counters).</param>
    /// <param name="rmap">The reverse map (moves the mapping and its counts to the destination).</param>
    /// <param name="folioWait">Folio locks and writeback waits.</param>
    /// <param name="writebackPolicy">The writeback rule.</param>
    /// <param name="lru">The node's LRU lists (isolation takes folios off them, putback returns them).</param>
    public Migration(PageAllocator alloc, Rmap.Rmap rmap, FolioWait folioWait, IMigrateWritebackPolicy writebackPolicy, Lru lru)
    {
        ArgumentNullException.ThrowIfNull(lru);
        this.lru = lru;
        ArgumentNullException.ThrowIfNull(alloc);
        ArgumentNullException.ThrowIfNull(rmap);
        ArgumentNullException.ThrowIfNull(folioWait);
        ArgumentNullException.ThrowIfNull(writebackPolicy);
        this.alloc = alloc;
        node = alloc.Node;
        pages = node.Pages;
        this.rmap = rmap;
        refs = rmap.Refs;
        this.folioWait = folioWait;
        WritebackPolicy = writebackPolicy;

        // Designs (issue 9): the false aborts of wait-timeout and cancel-writeback, told of every writeback end.
        WritebackStats = new MigrateWritebackStats(pages);
        folioWait.WritebackEnded = WritebackStats.WritebackEnded;
    }

    /// <summary>Timeouts, cancels and false aborts of the wait-timeout and cancel-writeback designs (zero in every other).</summary>
    public MigrateWritebackStats WritebackStats { get; }

    /// <summary>The writeback rule, consulted at isolation and in migrate_folio_unmap.</summary>
    public IMigrateWritebackPolicy WritebackPolicy { get; }

    /// <summary>Receiver of the migrate:* tracepoints, or null.</summary>
    public IMigrateTrace? Trace { get; set; }

    /// <summary>Calls of move_to_new_folio's migrate function since boot (a diagnostic the kernel does not count; tests read the retry passes from it).</summary>
    public long MoveToNewFolioCalls { get; private set; }

    /// <summary>The mapping of the folio at <paramref name="pfn"/> (folio_mapping), or null.</summary>
    private Mapping? FolioMapping(int pfn) => rmap.FolioMapping(pfn);

    // NR_ISOLATED_ANON + folio_is_file_lru(folio): file LRU folios are those not swap-backed.
    private void ModIsolated(int pfn, int nrPages) =>
        node.ModNodePageState(pages[pfn].Has(PageFlags.SwapBacked) ? Stat.NodeStatItem.NrIsolatedAnon : Stat.NodeStatItem.NrIsolatedFile, nrPages);
}
