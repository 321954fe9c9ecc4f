// The buddy side of page isolation (mm/page_alloc.c under CONFIG_MEMORY_ISOLATION and
// CONFIG_MEMORY_HOTREMOVE): moving a block's free pages to and from the ISOLATE lists, splitting a
// free buddy that straddles the block, disabling the pcp lists, and taking an isolated range out
// of (or giving it back to) the buddy allocator for memory offlining. The policy — which blocks may
// be isolated, in what order — is mm/page_isolation.c (Mm/PageIsolation).
using static MmSim.Mm.VmBug;

namespace MmSim.Mm.PageAlloc;

public sealed partial class PageAllocator
{
    /// <summary>
    /// find_large_buddy: the head of a free buddy that contains <paramref name="startPfn"/>, or
    /// <paramref name="startPfn"/> itself when none straddles it.
    /// </summary>
    /// <param name="startPfn">A PFN (a pageblock start for the isolation callers).</param>
    /// <returns>The straddling buddy's head, or <paramref name="startPfn"/>.</returns>
    /// <remarks>mm/page_alloc.c: find_large_buddy. Cost: at most MAX_PAGE_ORDER probes.</remarks>
    public int FindLargeBuddy(int startPfn)
    {
        // A buddy containing start_pfn other than at its head has at least order __ffs(start_pfn) + 1.
        int order = startPfn != 0 ? System.Numerics.BitOperations.TrailingZeroCount(startPfn) : MmConstants.MaxPageOrder;
        int pfn = startPfn;
        while (!pages[pfn].Has(PageFlags.Buddy))
        {
            if (++order > MmConstants.MaxPageOrder)
            {
                return startPfn;
            }

            pfn &= ~0 << order;
        }

        return pfn + (1 << pages[pfn].Order) > startPfn ? pfn : startPfn;
    }

    /// <summary>
    /// __move_freepages_block_isolate: isolates (or unisolates) the pageblock of <paramref name="pfn"/>
    /// and moves its free pages to the matching lists; a free buddy larger than a pageblock that
    /// contains the block is split into pageblocks first, so only this block's part changes lists.
    /// </summary>
    /// <param name="zone">The block's zone.</param>
    /// <param name="pfn">Any PFN in the block.</param>
    /// <param name="isolate">Isolate, or undo an isolation.</param>
    /// <param name="restoreMt">Before 6.17 (<see cref="PageAllocOptions.IsolateBit"/> off): the type an
    /// unisolated block gets (the caller's migratetype). Ignored from 6.17, where the type was kept.</param>
    /// <returns>False if the block straddles the zone, or is already in that state.</returns>
    /// <remarks>
    /// mm/page_alloc.c: __move_freepages_block_isolate (6.17+: toggle_pageblock_isolate, the type bits
    /// untouched) and move_freepages_block_isolate (6.10–6.16: set_pageblock_migratetype to ISOLATE,
    /// and back to the caller's type).
    /// </remarks>
    public bool MoveFreepagesBlockIsolate(Zone zone, int pfn, bool isolate, MigrateType restoreMt)
    {
        ArgumentNullException.ThrowIfNull(zone);
        if (isolate == Node.PageblockIsolated(pfn))
        {
            VmWarnOn(true, isolate ? "VM_WARN_ONCE: Isolate a pageblock that is already in that state" : "VM_WARN_ONCE: Unisolate a pageblock that is already in that state");
            return false;
        }

        if (!BlockInZone(zone, pfn, out int startPfn))
        {
            return false;
        }

        // No split is needed when buddies cannot span blocks (pageblock_order == MAX_PAGE_ORDER).
        int buddyPfn = FindLargeBuddy(startPfn);
        ref PageFrame buddy = ref pages[buddyPfn];
        if (buddy.Has(PageFlags.Buddy) && buddy.Order > MmConstants.PageblockOrder)
        {
            int order = buddy.Order;
            DelFromFreeList(zone, buddyPfn, order, Node.PageblockMigratetype(buddyPfn));
            SetBlockIsolation(startPfn, isolate, restoreMt);
            SplitLargeBuddy(zone, buddyPfn, order, FreeFlags.None);
            return true;
        }

        MigrateType fromMt = isolate ? Node.PageblockMigratetype(startPfn) : MigrateType.Isolate;
        MigrateType toMt = isolate ? MigrateType.Isolate : Options.IsolateBit ? Node.PageblockMigratetypeBits(startPfn) : restoreMt;
        MoveFreepagesBlockRaw(zone, startPfn, fromMt, toMt);
        SetBlockIsolation(startPfn, isolate, restoreMt);
        return true;
    }

    // toggle_pageblock_isolate (6.17+) or set_pageblock_migratetype(ISOLATE / the caller's type) before.
    private void SetBlockIsolation(int pfn, bool isolate, MigrateType restoreMt)
    {
        if (Options.IsolateBit)
        {
            Node.TogglePageblockIsolate(pfn, isolate);
        }
        else
        {
            Node.SetPageblockMigratetype(pfn, isolate ? MigrateType.Isolate : restoreMt);
        }
    }

    /// <summary>
    /// zone_pcp_disable: sets the zone's pcp high and batch to 0 and 1 and drains it, so a page
    /// freed into an isolated block cannot stay on a pcp list. Nests (the kernel's pcp_batch_high_lock).
    /// </summary>
    /// <param name="zone">The zone.</param>
    /// <remarks>mm/page_alloc.c: zone_pcp_disable. With high 0 every free to the pcp is drained at once.</remarks>
    public void ZonePcpDisable(Zone zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        PerCpuPages pcp = zone.Pcp;
        if (pcp.DisableDepth++ == 0)
        {
            pcp.SavedHighMin = pcp.HighMin;
            pcp.SavedHighMax = pcp.HighMax;
            pcp.SavedBatch = pcp.Batch;
            pcp.HighMin = 0;
            pcp.HighMax = 0;
            pcp.High = 0;
            pcp.Batch = 1;
        }

        DrainPagesZone(zone);
    }

    /// <summary>zone_pcp_enable: restores the pcp sizes <see cref="ZonePcpDisable"/> saved.</summary>
    /// <param name="zone">The zone.</param>
    /// <remarks>mm/page_alloc.c: zone_pcp_enable.</remarks>
    public void ZonePcpEnable(Zone zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        PerCpuPages pcp = zone.Pcp;
        VmBugOn(pcp.DisableDepth <= 0, "zone_pcp_enable without zone_pcp_disable (mutex_unlock of an unlocked pcp_batch_high_lock)");
        if (--pcp.DisableDepth == 0)
        {
            pcp.HighMin = pcp.SavedHighMin;
            pcp.HighMax = pcp.SavedHighMax;
            pcp.High = pcp.SavedHighMin;
            pcp.Batch = pcp.SavedBatch;
        }
    }
}
