// mm/page_alloc.c (CONFIG_CONTIG_ALLOC): alloc_contig_range — isolate a PFN range, migrate what is
// in use out of it with MIGRATE_SYNC, check that every page came back free, and take the range off
// the free lists for the caller. ContigPages.cs finds candidate ranges (alloc_contig_pages) and frees
// them; ContigIsolate.cs isolates folios and free pages from the range. Users: Mm/Cma (cma_alloc),
// gigantic hugetlb pages (Mm/Hugetlb through IAllocContig).
using MmSim.Mm.Migrate;
using MmSim.Mm.PageAlloc;
using MmSim.Sim;

namespace MmSim.Mm.Contig;

/// <summary>Contiguous allocation of arbitrary PFN ranges by migration (alloc_contig_range and its callers).</summary>
/// <remarks>mm/page_alloc.c: alloc_contig_range_noprof, __alloc_contig_migrate_range, alloc_contig_pages_noprof,
/// free_contig_range. Each call may sleep in migration (folio_lock, folio_wait_writeback).</remarks>
public sealed partial class ContigAlloc
{
    /// <summary>Consecutive migrate_pages passes over one non-empty batch before -EBUSY (the literal 5 of __alloc_contig_migrate_range).</summary>
    public const int MaxTriesPerBatch = 5;

    // -EINVAL's errno (Mm/Migrate/Errno has the migration ones only).
    private const int EINVAL = 22;

    /// <summary>COMPACT_CLUSTER_MAX: folios isolate_migratepages_range takes per batch.</summary>
    public const int CompactClusterMax = 32;

    private readonly PageAllocator alloc;
    private readonly PageIsolation.PageIsolation isolation;
    private readonly Migration migrate;

    private readonly PageFrame[] pages;

    /// <summary>Creates contiguous allocation over the allocator's node.</summary>
    /// <param name="alloc">The buddy allocator.</param>
    /// <param name="isolation">Page isolation.</param>
    /// <param name="migrate">Migration.</param>
    public ContigAlloc(PageAllocator alloc, PageIsolation.PageIsolation isolation, Migration migrate)
    {
        ArgumentNullException.ThrowIfNull(alloc);
        ArgumentNullException.ThrowIfNull(isolation);
        ArgumentNullException.ThrowIfNull(migrate);
        this.alloc = alloc;
        this.isolation = isolation;
        this.migrate = migrate;
        pages = alloc.Node.Pages;
    }

    /// <summary>Migration, whose alloc_migration_target gives the destinations.</summary>
    internal Migration Migrate => migrate;

    /// <summary>
    /// alloc_contig_range: allocates exactly <c>[start, end)</c> (one zone) for <paramref name="current"/>,
    /// migrating its in-use pages away with MIGRATE_SYNC; <see cref="ContigResult.Ret"/> is 0 or -errno.
    /// </summary>
    /// <param name="current">The allocating task (it may sleep in migration).</param>
    /// <param name="start">First PFN.</param>
    /// <param name="end">One past the last PFN.</param>
    /// <param name="cma">ACR_FLAGS_CMA: isolation in PB_ISOLATE_MODE_CMA_ALLOC (and, before 6.17, the blocks go back to CMA).</param>
    /// <param name="gfp">Reclaim and action modifiers for migration targets.</param>
    /// <param name="owner">Owner kind the allocated chunks record.</param>
    /// <param name="result">Filled when the coroutine ends.</param>
    /// <returns>The coroutine.</returns>
    /// <remarks>mm/page_alloc.c: alloc_contig_range_noprof (6.18; the mm tree after 6.18 calls it
    /// alloc_contig_frozen_range). On success the range is allocated as naturally aligned chunks.</remarks>
    public IEnumerable<Wait> AllocContigRange(TaskContext current, int start, int end, bool cma, GfpFlags gfp, OwnerKind owner, ContigResult result)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(start, end);
        result.Reset();
        var mode = cma ? PageIsolation.PbIsolateMode.CmaAlloc : PageIsolation.PbIsolateMode.Other;
        MigrateType migratetype = cma ? MigrateType.Cma : MigrateType.Movable;
        Zone zone = alloc.Node.PageZone(start);
        if (alloc.Node.PageZone(end - 1) != zone)
        {
            result.Ret = -EINVAL;
            yield break;
        }

        // __alloc_contig_verify_gfp_mask: reclaim modifiers and __GFP_NOWARN pass; the targets are movable.
        gfp = current.CurrentGfpContext(gfp);
        var cc = new ContigControl(this, (gfp & (GfpFlags.Reclaim | GfpFlags.Io | GfpFlags.Fs | GfpFlags.NoWarn)) | GfpFlags.Movable | GfpFlags.RetryMayFail);
        int ret = isolation.StartIsolatePageRange(start, end, mode, migratetype);
        if (ret == 0)
        {
            alloc.DrainPagesZone(zone);

            // -EBUSY falls through: test_pages_isolated gives the verdict, as pages may have come free.
            yield return Wait.Call(AllocContigMigrateRange(current, cc, start, end, result));
            ret = result.Ret;
            if (ret == 0 || ret == -Errno.EBUSY)
            {
                ret = TakeIsolatedRange(start, end, owner);
            }
        }

        isolation.UndoIsolatePageRange(start, end, migratetype);
        result.Ret = ret;
    }

    // The end of alloc_contig_range: test_pages_isolated from the buddy straddling start, strict
    // isolate_freepages_range, the chunks inside the range to the caller, the rest back to the lists.
    private int TakeIsolatedRange(int start, int end, OwnerKind owner)
    {
        int outerStart = alloc.FindLargeBuddy(start);
        if (isolation.TestPagesIsolated(outerStart, end, PageIsolation.PbIsolateMode.Other) != 0)
        {
            return -Errno.EBUSY;
        }

        int outerEnd = IsolateFreepagesRange(outerStart, end);
        if (outerEnd == 0)
        {
            return -Errno.EBUSY;
        }

        alloc.PrepContigRange(start, end, owner, 0);
        if (start != outerStart)
        {
            alloc.FreeTakenRange(outerStart, start);
        }

        if (end != outerEnd)
        {
            alloc.FreeTakenRange(end, outerEnd);
        }

        return 0;
    }

    /// <summary>
    /// __alloc_contig_migrate_range: isolates batches of folios from <c>[start, end)</c> and migrates them
    /// with MIGRATE_SYNC; a batch still not empty after <see cref="MaxTriesPerBatch"/> passes gives
    /// -EBUSY (the count restarts with each new batch), a fatal signal -EINTR, -ENOMEM ends it at once.
    /// </summary>
    /// <param name="current">The allocating task.</param>
    /// <param name="cc">The call's migrate list and target mask.</param>
    /// <param name="start">First PFN.</param>
    /// <param name="end">One past the last PFN.</param>
    /// <param name="result">Its <see cref="ContigResult.Ret"/> is 0 or -errno when the coroutine ends.</param>
    /// <returns>The coroutine.</returns>
    /// <remarks>mm/page_alloc.c: __alloc_contig_migrate_range. reclaim_clean_pages_from_list is not
    /// modelled: clean file folios are migrated like the rest.</remarks>
    internal IEnumerable<Wait> AllocContigMigrateRange(TaskContext current, ContigControl cc, int start, int end, ContigResult result)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(result);
        int pfn = start;
        int tries = 0;
        int ret = 0;
        MigrateList migratepages = cc.Migratepages;
        while (pfn < end || migratepages.Count > 0)
        {
            if (current.FatalSignalPending)
            {
                ret = -Errno.EINTR;
                break;
            }

            if (migratepages.Count == 0)
            {
                pfn = IsolateMigratepagesRange(pfn, end, migratepages);
                tries = 0;
                result.Batches += migratepages.Count > 0 ? 1 : 0;
            }
            else if (++tries == MaxTriesPerBatch)
            {
                ret = -Errno.EBUSY;
                break;
            }

            result.MigratePasses++;
            yield return Wait.Call(migrate.MigratePages(current, migratepages, cc.AllocMigrationTarget, null,
                MigrateMode.Sync, MigrateReason.ContigRange, cc.MigrateResult));
            ret = cc.MigrateResult.Ret;

            // On -ENOMEM migrate_pages bails out at once; retrying is pointless.
            if (ret == -Errno.ENOMEM)
            {
                break;
            }
        }

        if (ret < 0)
        {
            migrate.PutbackMovablePages(migratepages);
        }

        result.Ret = ret < 0 ? ret : 0;
    }
}

/// <summary>The per-call state of alloc_contig_range (its struct compact_control and migration_target_control).</summary>
internal sealed class ContigControl
{
    private readonly ContigAlloc owner;
    private readonly GfpFlags targetGfp;

    public ContigControl(ContigAlloc owner, GfpFlags targetGfp)
    {
        this.owner = owner;
        this.targetGfp = targetGfp;
        AllocMigrationTarget = Alloc;
    }

    /// <summary>cc->migratepages.</summary>
    public MigrateList Migratepages { get; } = new(ContigAlloc.CompactClusterMax);

    /// <summary>The result of the last migrate_pages call.</summary>
    public MigrateResult MigrateResult { get; } = new();

    /// <summary>alloc_migration_target bound to this call's mask.</summary>
    public NewFolioCallback AllocMigrationTarget { get; }

    private int Alloc(int srcPfn, int order) => owner.Migrate.AllocMigrationTarget(targetGfp, srcPfn, order);
}
