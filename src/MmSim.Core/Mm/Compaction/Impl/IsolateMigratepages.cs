// The migrate scanner: it walks the zone upwards a pageblock at a time and isolates the folios
// migration can move (mm/compaction.c: isolate_migratepages, isolate_migratepages_block,
// suitable_migration_source, skip_isolation_on_order).
using MmSim.Mm.Folio;
using MmSim.Mm.Migrate;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;

namespace MmSim.Mm.Compaction.Impl;

/// <summary>What isolate_migratepages found (isolate_migrate_t).</summary>
internal enum IsolateMigrateResult
{
    /// <summary>ISOLATE_ABORT: stop compacting now.</summary>
    Abort,

    /// <summary>ISOLATE_NONE: nothing isolated, keep scanning.</summary>
    None,

    /// <summary>ISOLATE_SUCCESS: folios isolated, migrate them.</summary>
    Success,
}

public sealed partial class MainlineCompaction
{
    /// <summary>The isolate mode the migrate scanner uses for <paramref name="mode"/>: ISOLATE_ASYNC_MIGRATE in every mode but MIGRATE_SYNC, ISOLATE_UNEVICTABLE when vm.compact_unevictable_allowed.</summary>
    /// <param name="mode">The run's migration mode.</param>
    /// <param name="unevictableAllowed">vm.compact_unevictable_allowed.</param>
    /// <returns>The isolate mode.</returns>
    /// <remarks>mm/compaction.c: isolate_migratepages (isolate_mode).</remarks>
    public static IsolateMode IsolateModeFor(MigrateMode mode, bool unevictableAllowed) =>
        (unevictableAllowed ? IsolateMode.Unevictable : IsolateMode.None) | (mode != MigrateMode.Sync ? IsolateMode.AsyncMigrate : IsolateMode.None);

    // isolate_migratepages: isolate from the first suitable block at or after the migrate scanner.
    private IsolateMigrateResult IsolateMigratepages(CompactControl cc)
    {
        Zone zone = cc.Zone!;
        IsolateMode mode = IsolateModeFor(cc.Mode, deps.Sysctl.CompactUnevictableAllowed);
        int lowPfn = FastFindMigrateblock(cc);
        int blockStartPfn = Math.Max(PageblockStartPfn(lowPfn), zone.ZoneStartPfn);

        // fast_find_migrateblock has already checked the skip bit of a block it found.
        bool fastFindBlock = lowPfn != cc.MigratePfn && cc.FastSearchFail == 0;
        int blockEndPfn = PageblockEndPfn(lowPfn);
        for (; blockEndPfn <= cc.FreePfn;
             fastFindBlock = false, cc.MigratePfn = lowPfn = blockEndPfn, blockStartPfn = blockEndPfn, blockEndPfn += PageblockNrPages)
        {
            if (!PageblockInZone(blockStartPfn, blockEndPfn, zone))
            {
                continue;
            }

            // If isolation recently failed, do not retry; only check the block once.
            if ((PageblockAligned(lowPfn) || lowPfn == zone.ZoneStartPfn) && !fastFindBlock && !IsolationSuitable(cc, blockStartPfn))
            {
                continue;
            }

            // For async direct compaction, only scan blocks of the request's migratetype.
            if (!SuitableMigrationSource(cc, blockStartPfn))
            {
                UpdateCachedMigrate(cc, blockEndPfn);
                continue;
            }

            if (IsolateMigratepagesBlock(cc, lowPfn, blockEndPfn, mode) != 0)
            {
                return IsolateMigrateResult.Abort;
            }

            // Either isolated something and proceed with migration, or failed and compact_zone decides.
            break;
        }

        return cc.NrMigratepages > 0 ? IsolateMigrateResult.Success : IsolateMigrateResult.None;
    }

    // suitable_migration_source (as in mainline after the defrag_mode series).
    private bool SuitableMigrationSource(CompactControl cc, int pfn)
    {
        if (PageblockSkipPersistent(pfn))
        {
            return false;
        }

        // Background compaction produces blocks for the zone at large: all block types.
        if (!cc.DirectCompaction)
        {
            return true;
        }

        MigrateType blockMt = node.PageblockMigratetype(pfn);

        // CMA pages can only be taken by ALLOC_CMA requests.
        if (blockMt == MigrateType.Cma && (cc.AllocFlags & AllocFlags.Cma) == 0)
        {
            return false;
        }

        // Once priority escalates to synchronous scans, scan all blocks.
        if (cc.Mode != MigrateMode.Async)
        {
            return true;
        }

        return cc.Migratetype == MigrateType.Movable || cc.Order >= MmConstants.PageblockOrder
            ? MigrateTypes.IsMovable(blockMt)
            : blockMt == cc.Migratetype;
    }

    // skip_isolation_on_order: outside compact_memory, folios at or above the target order are not worth
    // moving; and never folios of pageblock order or more.
    private static bool SkipIsolationOnOrder(int order, int targetOrder) =>
        (!IsViaCompactMemory(targetOrder) && order >= targetOrder) || order >= MmConstants.PageblockOrder;

    // folio_mapping: the address space of a page-cache folio; null for anonymous (and kernel) folios.
    private Mapping? FolioMapping(in PageFrame page)
    {
        if (page.Owner == 0)
        {
            return null;
        }

        Mapping m = mappings[page.Owner];
        return m.Kind is MappingKind.File or MappingKind.Shmem ? m : null;
    }

    /// <summary>
    /// isolate_migratepages_block: isolates the migratable folios of [<paramref name="lowPfn"/>,
    /// <paramref name="endPfn"/>) (one pageblock) onto <see cref="CompactControl.Migratepages"/>, and
    /// leaves the next PFN to scan in <see cref="CompactControl.MigratePfn"/>.
    /// </summary>
    /// <param name="cc">The run.</param>
    /// <param name="lowPfn">First PFN.</param>
    /// <param name="endPfn">One past the last PFN, in the same pageblock.</param>
    /// <param name="mode">The isolate mode.</param>
    /// <returns>0, or a negative errno.</returns>
    /// <remarks>alloc_contig_range uses its own range walk (Mm/Contig/ContigIsolate.cs), which shares the
    /// writeback and pinned rules through <see cref="Migration"/>. Not
    /// modelled: too_many_isolated throttling, fatal signals, lruvec locks (no contention), hugetlb.</remarks>
    internal int IsolateMigratepagesBlock(CompactControl cc, int lowPfn, int endPfn, IsolateMode mode)
    {
        Zone zone = cc.Zone!;
        long nrScanned = 0;
        int nrIsolated = 0;
        int validPage = -1;
        int startPfn = lowPfn;
        bool skipOnFailure = false;
        int nextSkipPfn = 0;
        bool skipUpdated = false;
        cc.MigratePfn = lowPfn;

        if (cc.DirectCompaction && cc.Mode == MigrateMode.Async)
        {
            skipOnFailure = true;
            nextSkipPfn = BlockEndPfn(lowPfn, cc.Order);
        }

        bool aborted = false;
        for (; lowPfn < endPfn; lowPfn++)
        {
            if (skipOnFailure && lowPfn >= nextSkipPfn)
            {
                // Everything of the previous order-aligned block was isolated: migrate it now.
                if (nrIsolated > 0)
                {
                    break;
                }

                nextSkipPfn = BlockEndPfn(lowPfn, cc.Order);
            }

            nrScanned++;

            // Check whether the pageblock was marked skipped (only the first PFN).
            if (validPage < 0 && (PageblockAligned(lowPfn) || lowPfn == zone.ZoneStartPfn))
            {
                if (!IsolationSuitable(cc, lowPfn))
                {
                    lowPfn = endPfn;
                    aborted = true;
                    break;
                }

                validPage = lowPfn;
            }

            ref PageFrame page = ref pages[lowPfn];

            // Skip if free.
            if (page.Has(PageFlags.Buddy))
            {
                int freepageOrder = page.Order;
                if (freepageOrder > 0)
                {
                    lowPfn += (1 << freepageOrder) - 1;
                    nrScanned += (1 << freepageOrder) - 1;
                }

                continue;
            }

            bool ok = false;
            int nrPages = 1;
            if (page.Has(PageFlags.Allocated))
            {
                nrPages = 1 << page.Order;

                // Compound pages are not compacted unless the target order is larger (or alloc_contig).
                if (page.Order > 0 && SkipIsolationOnOrder(page.Order, cc.Order))
                {
                    // isolate_fail after skipping the folio.
                }
                else if (!page.Has(PageFlags.Lru))
                {
                    // Non-LRU movable pages (movable_ops) are isolated by their owner.
                    ok = page.Has(PageFlags.MovableOps) && !page.Has(PageFlags.Isolated) && migrate.IsolateMovableOpsPage(lowPfn, mode);
                }
                else
                {
                    ok = TryIsolateLruFolio(cc, lowPfn, ref page, mode, validPage, ref skipUpdated, out bool abort);
                    if (abort)
                    {
                        lowPfn = endPfn;
                        aborted = true;
                        break;
                    }
                }
            }

            if (ok)
            {
                // isolate_success.
                cc.Migratepages.Add(lowPfn);
                cc.NrMigratepages += nrPages;
                nrIsolated += nrPages;
                nrScanned += nrPages - 1;
                lowPfn += nrPages - 1;

                // Avoid isolating too much unless this block is being fully scanned.
                if (cc.NrMigratepages >= CompactControl.CompactClusterMax && !cc.FinishPageblock && !cc.Contended)
                {
                    ++lowPfn;
                    break;
                }

                continue;
            }

            // isolate_fail: the rest of a failed block is skipped at once (its tail pages would fail one by one).
            if (nrPages > 1 && lowPfn + nrPages <= endPfn)
            {
                lowPfn += nrPages - 1;
                nrScanned += nrPages - 1;
            }

            if (!skipOnFailure)
            {
                continue;
            }

            // Isolated some pages, then failed: release them, the cc->order buddy cannot be formed.
            if (nrIsolated > 0)
            {
                migrate.PutbackMovablePages(cc.Migratepages);
                cc.NrMigratepages = 0;
                nrIsolated = 0;
            }

            if (lowPfn < nextSkipPfn)
            {
                lowPfn = nextSkipPfn - 1;
                nextSkipPfn += 1 << cc.Order;
            }
        }

        if (!aborted && lowPfn > endPfn)
        {
            lowPfn = endPfn;
        }

        // Once the block was scanned: mark it skipped if nothing was isolated (or it was rescanned), and
        // move the cached restart point past it.
        if (lowPfn == endPfn && (nrIsolated == 0 || cc.FinishPageblock))
        {
            if (!cc.NoSetSkipHint && validPage >= 0 && !skipUpdated)
            {
                SetPageblockSkip(validPage);
            }

            UpdateCachedMigrate(cc, lowPfn);
        }

        Trace?.MmCompactionIsolateMigratepages(startPfn, lowPfn, nrScanned, nrIsolated);
        cc.TotalMigrateScanned += nrScanned;
        cc.CostNs += nrScanned * MigrateScanCostNs;
        if (nrIsolated > 0)
        {
            node.CountVmEvents(VmEventItem.CompactIsolated, nrIsolated);
        }

        cc.MigratePfn = lowPfn;
        return 0;
    }

    // The LRU half of isolate_migratepages_block: the pinned-anon check, GFP_NOFS, the writeback/dirty/
    // unevictable rule (Migration.MayIsolate, the one policy), then folio_isolate_lru with the first
    // isolation's test_and_set_skip.
    private bool TryIsolateLruFolio(CompactControl cc, int pfn, ref PageFrame page, IsolateMode mode, int validPage, ref bool skipUpdated, out bool abort)
    {
        abort = false;
        Mapping? mapping = FolioMapping(page);

        // Migration fails if an anonymous page is pinned: avoid isolating it.
        if (migrate.AnonFolioPinned(pfn))
        {
            return false;
        }

        // Only anonymous pages in GFP_NOFS context: they do not depend on fs locks.
        if ((cc.GfpMask & GfpFlags.Fs) == 0 && mapping is not null)
        {
            return false;
        }

        // The dirty/unevictable checks need the folio lock (folio_trylock); a locked folio fails here.
        bool needsLock = ((mode & IsolateMode.AsyncMigrate) != 0 && page.Has(PageFlags.Dirty)) ||
                         (mapping is not null && page.Has(PageFlags.Unevictable));
        if (needsLock && page.Has(PageFlags.Locked))
        {
            return false;
        }

        if (!migrate.MayIsolate(pfn, mode))
        {
            return false;
        }

        // The first isolation takes the lru lock: if the block was marked skip meanwhile, stop (unless rescanning).
        if (!skipUpdated && validPage >= 0)
        {
            skipUpdated = true;
            if (TestAndSetSkip(cc, validPage) && !cc.FinishPageblock)
            {
                abort = true;
                return false;
            }
        }

        return migrate.FolioIsolateLru(pfn);
    }
}
