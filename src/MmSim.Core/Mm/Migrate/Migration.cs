// mm/migrate.c: isolating folios from their LRU or movable-ops owner, migrate_pages with its
// batches and retry passes, migrate_folio_unmap / migrate_folio_move, and putback of what failed.
// Migration is a coroutine: a MIGRATE_SYNC caller may sleep in folio_lock and folio_wait_writeback
// while it holds the source lock and the destination, so the hang detectors see the chain.
using MmSim.Mm.Filemap;
using MmSim.Mm.PageAlloc;
using MmSim.Sim;

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

    /// <summary>Folios that failed with -EBUSY/-EAGAIN on the last pass (for callers that count retries).</summary>
    public int NrFailed;
}

/// <summary>
/// Page migration for one node: isolation of migratable folios, <c>migrate_pages</c> and
/// <c>putback_movable_pages</c>. The writeback rule is <see cref="WritebackPolicy"/>, consulted by the
/// isolating scanners (<see cref="MayIsolate"/>) and by migrate_folio_unmap.
/// </summary>
/// <remarks>mm/migrate.c, mm/vmscan.c: folio_isolate_lru. Counters pgmigrate_success/fail,
/// thp_migration_success/fail/split and the migrate:mm_migrate_pages event.</remarks>
public sealed class Migration
{
    /// <summary>NR_MAX_BATCHED_MIGRATION: base pages unmapped before they are moved as one batch.</summary>
    public const int NrMaxBatchedMigration = 512;

    /// <summary>NR_MAX_MIGRATE_PAGES_RETRY: passes over the list before giving up on -EAGAIN.</summary>
    public const int NrMaxMigratePagesRetry = 10;

    /// <summary>NR_MAX_MIGRATE_ASYNC_RETRY: passes of a MIGRATE_ASYNC call.</summary>
    public const int NrMaxMigrateAsyncRetry = 3;

    /// <summary>NR_MAX_MIGRATE_SYNC_RETRY: passes of the one-folio-at-a-time SYNC fallback.</summary>
    public const int NrMaxMigrateSyncRetry = NrMaxMigratePagesRetry - NrMaxMigrateAsyncRetry;

    private readonly PageAllocator alloc;
    private readonly Rmap.Rmap rmap;
    private readonly FolioWait folioWait;

    /// <summary>Creates migration over the node of <paramref name="alloc"/>.</summary>
    /// <param name="alloc">The buddy allocator (frees sources, unused destinations; counters).</param>
    /// <param name="rmap">The reverse map (moves the mapping and its counts to the destination).</param>
    /// <param name="folioWait">Folio locks and writeback waits.</param>
    /// <param name="writebackPolicy">The writeback rule.</param>
    public Migration(PageAllocator alloc, Rmap.Rmap rmap, FolioWait folioWait, IMigrateWritebackPolicy writebackPolicy)
    {
        ArgumentNullException.ThrowIfNull(alloc);
        ArgumentNullException.ThrowIfNull(rmap);
        ArgumentNullException.ThrowIfNull(folioWait);
        ArgumentNullException.ThrowIfNull(writebackPolicy);
        this.alloc = alloc;
        this.rmap = rmap;
        this.folioWait = folioWait;
        WritebackPolicy = writebackPolicy;
    }

    /// <summary>The writeback rule, consulted at isolation and in migrate_folio_unmap.</summary>
    public IMigrateWritebackPolicy WritebackPolicy { get; }

    /// <summary>
    /// Whether an isolating scanner may take the folio at <paramref name="pfn"/> under
    /// <paramref name="mode"/>, as far as writeback, dirtiness and unevictability go (the checks of
    /// isolate_migratepages_block after the LRU and pin checks).
    /// </summary>
    /// <param name="pfn">Head PFN of an allocated folio.</param>
    /// <param name="mode">The scanner's isolate mode.</param>
    /// <returns>True if the folio may be isolated.</returns>
    public bool MayIsolate(int pfn, IsolateMode mode) => throw new NotImplementedException("migration lands with issue 7");

    /// <summary>Takes a folio off its LRU for migration (folio_isolate_lru): clears PG_lru, counts NR_ISOLATED_*.</summary>
    /// <param name="pfn">Head PFN of a folio with PG_lru.</param>
    /// <returns>False if it was not on an LRU.</returns>
    public bool FolioIsolateLru(int pfn) => throw new NotImplementedException("migration lands with issue 7");

    /// <summary>Isolates a movable-ops page (isolate_movable_ops_page).</summary>
    /// <param name="pfn">PFN of a page with PG_movable_ops.</param>
    /// <param name="mode">The scanner's isolate mode.</param>
    /// <returns>False if it cannot be isolated now.</returns>
    public bool IsolateMovableOpsPage(int pfn, IsolateMode mode) => throw new NotImplementedException("migration lands with issue 7");

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
    public IEnumerable<Wait> MigratePages(TaskContext current, MigrateList from, NewFolioCallback getNewFolio, FreeFolioCallback? putNewFolio,
        MigrateMode mode, MigrateReason reason, MigrateResult result) => throw new NotImplementedException("migration lands with issue 7");

    /// <summary>Returns every folio of <paramref name="list"/> to its LRU or movable-ops owner (putback_movable_pages) and empties it.</summary>
    /// <param name="list">Isolated folios.</param>
    public void PutbackMovablePages(MigrateList list) => throw new NotImplementedException("migration lands with issue 7");
}
