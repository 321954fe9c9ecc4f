// The pageblock skip bits (PB_migrate_skip): a block where a scanner found nothing is skipped by
// later runs until the bits are cleared, when a direct compactor's scanners met and kswapd goes to
// sleep, or when compaction restarts after its deferral ran out (mm/compaction.c:
// isolation_suitable, test_and_set_skip, update_pageblock_skip, update_cached_migrate,
// __reset_isolation_pfn, __reset_isolation_suitable, reset_isolation_suitable, reset_cached_positions).
using MmSim.Mm.PageAlloc;

namespace MmSim.Mm.Compaction.Impl;

public sealed partial class MainlineCompaction
{
    /// <summary>get_pageblock_skip.</summary>
    /// <param name="pfn">Any PFN of the block.</param>
    /// <returns>True if the block's skip bit is set.</returns>
    public bool GetPageblockSkip(int pfn) => (node.PageblockFlags[pfn >> MmConstants.PageblockOrder] & PgData.PbMigrateSkip) != 0;

    /// <inheritdoc/>
    /// <remarks>mm/compaction.c: reset_isolation_suitable (kswapd, before it sleeps).</remarks>
    public void ResetIsolationSuitable(PgData pgdat)
    {
        ArgumentNullException.ThrowIfNull(pgdat);
        foreach (Zone zone in pgdat.Zones)
        {
            if (zone.IsPopulated)
            {
                ResetIsolationSuitableZone(zone);
            }
        }
    }

    private void SetPageblockSkip(int pfn) => node.PageblockFlags[pfn >> MmConstants.PageblockOrder] |= PgData.PbMigrateSkip;

    private void ClearPageblockSkip(int pfn) => node.PageblockFlags[pfn >> MmConstants.PageblockOrder] &= unchecked((byte)~PgData.PbMigrateSkip);

    // isolation_suitable.
    private bool IsolationSuitable(CompactControl cc, int pfn) => cc.IgnoreSkipHint || !GetPageblockSkip(pfn);

    // test_and_set_skip: returns whether the bit was already set.
    private bool TestAndSetSkip(CompactControl cc, int pfn)
    {
        if (cc.IgnoreSkipHint)
        {
            return false;
        }

        bool skip = GetPageblockSkip(pfn);
        if (!skip && !cc.NoSetSkipHint)
        {
            SetPageblockSkip(pfn);
        }

        return skip;
    }

    // update_cached_migrate.
    private void UpdateCachedMigrate(CompactControl cc, int pfn)
    {
        if (cc.NoSetSkipHint)
        {
            return;
        }

        ZoneCompaction z = StateOf(cc.Zone!);
        pfn = PageblockEndPfn(pfn);
        if (pfn > z.CachedMigratePfn[0])
        {
            z.CachedMigratePfn[0] = pfn;
        }

        if (cc.Mode != MmSim.Mm.Migrate.MigrateMode.Async && pfn > z.CachedMigratePfn[1])
        {
            z.CachedMigratePfn[1] = pfn;
        }
    }

    // update_pageblock_skip: the free scanner found nothing more in the block at pagePfn.
    private void UpdatePageblockSkip(CompactControl cc, int pagePfn, int pfn)
    {
        if (cc.NoSetSkipHint)
        {
            return;
        }

        SetPageblockSkip(pagePfn);
        ZoneCompaction z = StateOf(cc.Zone!);
        if (pfn < z.CachedFreePfn)
        {
            z.CachedFreePfn = pfn;
        }
    }

    // reset_cached_positions.
    private void ResetCachedPositions(Zone zone)
    {
        ZoneCompaction z = StateOf(zone);
        z.CachedMigratePfn[0] = zone.ZoneStartPfn;
        z.CachedMigratePfn[1] = zone.ZoneStartPfn;
        z.CachedFreePfn = PageblockStartPfn(zone.ZoneEndPfn - 1);
    }

    // pageblock_skip_persistent: a compound page of at least pageblock order fills the block.
    private bool PageblockSkipPersistent(int pfn)
    {
        ref PageFrame page = ref pages[pfn];
        return page.Has(PageFlags.Allocated) && page.Order >= MmConstants.PageblockOrder;
    }

    // __reset_isolation_pfn: clears the block's skip bit if a sample (every 8th page) finds an LRU
    // page (source) or a free page (target).
    private bool ResetIsolationPfn(Zone zone, int pfn, bool checkSource, bool checkTarget)
    {
        if (!node.PfnValid(pfn) || node.PageZone(pfn) != zone || PageblockSkipPersistent(PageblockStartPfn(pfn)))
        {
            return false;
        }

        // If skip is already cleared do no further checking once the restart points have been set.
        if (checkSource && checkTarget && !GetPageblockSkip(pfn))
        {
            return true;
        }

        // If clearing skip for the target scanner, do not select a non-movable pageblock as the starting point.
        if (!checkSource && checkTarget && node.PageblockMigratetype(pfn) != MigrateType.Movable)
        {
            return false;
        }

        int start = Math.Max(PageblockStartPfn(pfn), zone.ZoneStartPfn);
        int end = Math.Min(PageblockEndPfn(pfn) - 1, zone.ZoneEndPfn - 1);
        for (int p = start; p <= end; p += 1 << MmConstants.PageAllocCostlyOrder)
        {
            if ((checkSource && pages[p].Has(PageFlags.Lru)) || (checkTarget && pages[p].Has(PageFlags.Buddy)))
            {
                ClearPageblockSkip(p);
                return true;
            }
        }

        return false;
    }

    // __reset_isolation_suitable: only after a full direct compaction finished (the flush flag); walks the
    // zone from both ends, clearing skip bits and moving the restart points to the first suitable blocks.
    private void ResetIsolationSuitableZone(Zone zone)
    {
        ZoneCompaction z = StateOf(zone);
        int migratePfn = zone.ZoneStartPfn;
        int freePfn = zone.ZoneEndPfn - 1;
        int resetMigrate = freePfn;
        int resetFree = migratePfn;
        bool sourceSet = false, freeSet = false;
        if (!z.BlockskipFlush)
        {
            return;
        }

        z.BlockskipFlush = false;
        for (; migratePfn < freePfn; migratePfn += PageblockNrPages, freePfn -= PageblockNrPages)
        {
            if (ResetIsolationPfn(zone, migratePfn, true, sourceSet) && migratePfn < resetMigrate)
            {
                sourceSet = true;
                resetMigrate = migratePfn;
                z.InitMigratePfn = resetMigrate;
                z.CachedMigratePfn[0] = resetMigrate;
                z.CachedMigratePfn[1] = resetMigrate;
            }

            if (ResetIsolationPfn(zone, freePfn, freeSet, true) && freePfn > resetFree)
            {
                freeSet = true;
                resetFree = freePfn;
                z.InitFreePfn = resetFree;
                z.CachedFreePfn = resetFree;
            }
        }

        // Leave no distance if no suitable block was reset.
        if (resetMigrate >= resetFree)
        {
            z.CachedMigratePfn[0] = migratePfn;
            z.CachedMigratePfn[1] = migratePfn;
            z.CachedFreePfn = freePfn;
        }
    }
}
