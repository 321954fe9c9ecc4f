// The free scanner: it walks the zone downwards a pageblock at a time and isolates free pages as
// migration targets, with a stride that grows over blocks where it found nothing (mm/compaction.c:
// isolate_freepages, isolate_freepages_block, suitable_migration_target, isolate_freepages_range).
using MmSim.Mm.Migrate;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;

namespace MmSim.Mm.Compaction.Impl;

public sealed partial class MainlineCompaction
{
    /// <summary>The strides the last <see cref="IsolateFreepages"/> call used, one per block it isolated from (for tests; cleared per call).</summary>
    internal List<int> StrideLog { get; } = [];

    /// <summary>Whether strides are logged to <see cref="StrideLog"/>.</summary>
    internal bool LogStrides { get; set; }

    /// <summary>
    /// isolate_freepages_block: isolates the free blocks of [<paramref name="startPfn"/>, <paramref name="endPfn"/>)
    /// looking at every <paramref name="stride"/>-th page, onto <see cref="CompactControl.Freepages"/>.
    /// <paramref name="startPfn"/> ends where the scan stopped.
    /// </summary>
    /// <param name="cc">The run.</param>
    /// <param name="startPfn">In: the first PFN; out: where the scan stopped.</param>
    /// <param name="endPfn">One past the last PFN (same pageblock).</param>
    /// <param name="stride">Pages between probes (1 in strict mode).</param>
    /// <param name="strict">alloc_contig_range's mode: any non-free page fails the whole block (returns 0).</param>
    /// <returns>Pages isolated.</returns>
    internal int IsolateFreepagesBlock(CompactControl cc, ref int startPfn, int endPfn, int stride, bool strict)
    {
        long nrScanned = 0;
        int totalIsolated = 0;
        int blockPfn = startPfn;
        if (strict)
        {
            stride = 1;
        }

        for (; blockPfn < endPfn; blockPfn += stride)
        {
            nrScanned++;
            ref PageFrame page = ref pages[blockPfn];

            // A compound page is skipped at once.
            if (page.Has(PageFlags.Allocated) && page.Order > 0)
            {
                int size = 1 << page.Order;
                if (blockPfn + size <= endPfn)
                {
                    blockPfn += size - 1;
                    nrScanned += size - 1;
                }

                if (strict)
                {
                    break;
                }

                continue;
            }

            if (!page.Has(PageFlags.Buddy))
            {
                if (strict)
                {
                    break;
                }

                continue;
            }

            // Found a free page: take the whole buddy block.
            int order = page.Order;
            int isolated = alloc.IsolateFreePage(blockPfn, order);
            if (isolated == 0)
            {
                break;
            }

            nrScanned += isolated - 1;
            totalIsolated += isolated;
            cc.NrFreepages += isolated;
            cc.Freepages.AddTail(order, blockPfn);
            if (!strict && cc.NrMigratepages <= cc.NrFreepages)
            {
                blockPfn += isolated;
                break;
            }

            // Advance to the end of the split page.
            blockPfn += isolated - 1;
        }

        // Be careful not to go outside of the pageblock.
        if (blockPfn > endPfn)
        {
            blockPfn = endPfn;
        }

        Trace?.MmCompactionIsolateFreepages(startPfn, blockPfn, nrScanned, totalIsolated);
        startPfn = blockPfn;

        // Strict isolation: all or nothing.
        if (strict && blockPfn < endPfn)
        {
            totalIsolated = 0;
        }

        cc.TotalFreeScanned += nrScanned;
        cc.CostNs += nrScanned * FreeScanCostNs;
        if (totalIsolated > 0)
        {
            node.CountVmEvents(VmEventItem.CompactIsolated, totalIsolated);
        }

        return totalIsolated;
    }

    /// <summary>Runs isolate_freepages once on <paramref name="cc"/> (tests drive the free scanner alone).</summary>
    /// <param name="cc">A control with the zone, mode and scanner positions set.</param>
    internal void IsolateFreepagesForTest(CompactControl cc)
    {
        running.Add(cc);
        IsolateFreepages(cc);
    }

    /// <summary>Gives back what <see cref="IsolateFreepagesForTest"/> isolated (release_free_list).</summary>
    /// <param name="cc">The control.</param>
    internal void ReleaseFreeListForTest(CompactControl cc)
    {
        ReleaseFreeList(cc);
        cc.NrFreepages = 0;
        running.Remove(cc);
    }

    // suitable_migration_target: not a block that is (nearly) free already, and a MOVABLE or CMA block
    // unless SYNC_FULL ignores block suitability.
    private bool SuitableMigrationTarget(CompactControl cc, int pfn)
    {
        ref PageFrame page = ref pages[pfn];
        if (page.Has(PageFlags.Buddy))
        {
            int order = cc.Order > 0 ? cc.Order : MmConstants.PageblockOrder;
            if (page.Order >= order)
            {
                return false;
            }
        }

        return cc.IgnoreBlockSuitable || MigrateTypes.IsMovable(node.PageblockMigratetype(pfn));
    }

    // isolate_freepages: the fast search, then the linear scan down from free_pfn to the migrate scanner's
    // block, with the stride: COMPACT_CLUSTER_MAX for ASYNC and 1 otherwise, doubled (up to
    // COMPACT_CLUSTER_MAX) after a fully scanned block that gave nothing, back to 1 after one that gave pages.
    private void IsolateFreepages(CompactControl cc)
    {
        Zone zone = cc.Zone!;
        if (LogStrides)
        {
            StrideLog.Clear();
        }

        FastIsolateFreepages(cc);
        if (cc.NrFreepages > 0)
        {
            return;
        }

        int isolateStartPfn = cc.FreePfn;
        int blockStartPfn = PageblockStartPfn(isolateStartPfn);
        int blockEndPfn = Math.Min(blockStartPfn + PageblockNrPages, zone.ZoneEndPfn);
        int lowPfn = PageblockEndPfn(cc.MigratePfn);
        int stride = cc.Mode == MigrateMode.Async ? CompactControl.CompactClusterMax : 1;
        for (; blockStartPfn >= lowPfn;
             blockEndPfn = blockStartPfn, blockStartPfn -= PageblockNrPages, isolateStartPfn = blockStartPfn)
        {
            if (!PageblockInZone(blockStartPfn, blockEndPfn, zone))
            {
                continue;
            }

            if (!SuitableMigrationTarget(cc, blockStartPfn))
            {
                continue;
            }

            // If isolation recently failed, do not retry.
            if (!IsolationSuitable(cc, blockStartPfn))
            {
                continue;
            }

            if (LogStrides)
            {
                StrideLog.Add(stride);
            }

            int nrIsolated = IsolateFreepagesBlock(cc, ref isolateStartPfn, blockEndPfn, stride, strict: false);

            // Update the skip hint if the full pageblock was scanned.
            if (isolateStartPfn == blockEndPfn)
            {
                UpdatePageblockSkip(cc, blockStartPfn, blockStartPfn - PageblockNrPages);
            }

            if (cc.NrFreepages >= cc.NrMigratepages)
            {
                // Restart at the previous pageblock if more free pages can be isolated next time.
                if (isolateStartPfn >= blockEndPfn)
                {
                    isolateStartPfn = blockStartPfn - PageblockNrPages;
                }

                break;
            }
            else if (isolateStartPfn < blockEndPfn)
            {
                // Isolation failed early: do not continue needlessly.
                break;
            }

            // Adjust the stride depending on isolation.
            if (nrIsolated > 0)
            {
                stride = 1;
                continue;
            }

            stride = Math.Min(CompactControl.CompactClusterMax, stride << 1);
        }

        // Where the free scanner restarts next time.
        cc.FreePfn = isolateStartPfn;
    }
}
