// shrink_folio_list (mm/vmscan.c): decides the fate of each isolated folio — wait on or skip its
// writeback (the three cases), keep or activate it by its references, swap it out, leave a dirty
// file folio to the flushers with PG_reclaim, or evict it with __remove_mapping and free it.
using MmSim.Mm.Folio;
using MmSim.Mm.Stat;
using MmSim.Sim;

namespace MmSim.Mm.Vmscan.Impl;

/// <summary>struct reclaim_stat: what shrink_folio_list saw and did with one batch.</summary>
public sealed class ReclaimStat
{
    /// <summary>nr_dirty: dirty or writeback file folios.</summary>
    public long NrDirty;

    /// <summary>nr_unqueued_dirty: dirty file folios not under writeback.</summary>
    public long NrUnqueuedDirty;

    /// <summary>nr_congested: writeback folios with PG_reclaim (seen a second time).</summary>
    public long NrCongested;

    /// <summary>nr_writeback: case 2 folios.</summary>
    public long NrWriteback;

    /// <summary>nr_immediate: case 1 folios.</summary>
    public long NrImmediate;

    /// <summary>nr_pageout: folios written out by pageout.</summary>
    public long NrPageout;

    /// <summary>nr_activate[anon, file].</summary>
    public long[] NrActivate { get; } = new long[2];

    /// <summary>nr_ref_keep: folios kept for their references.</summary>
    public long NrRefKeep;

    /// <summary>nr_unmap_fail: mapped folios try_to_unmap could not unmap.</summary>
    public long NrUnmapFail;

    /// <summary>Pages reclaimed (shrink_folio_list's return value).</summary>
    public long NrReclaimed;
}

public sealed partial class MainlineReclaim
{
    private enum FolioFate
    {
        Free,
        Activate,
        Keep,
        WaitWriteback,
    }

    private enum FolioReference
    {
        Reclaim,
        ReclaimClean,
        Keep,
        Activate,
    }

    /// <summary>Tasks that waited in folio_wait_writeback from reclaim (case 3), counted at each wait.</summary>
    public long WritebackWaits { get; private set; }

    // mm/vmscan.c: shrink_folio_list. Folios that stay are left in the list (unlocked, isolated) for
    // move_folios_to_lru; freed ones are removed from it.
    private IEnumerable<Wait> ShrinkFolioList(List<int> folios, ScanControl sc, ReclaimStat stat)
    {
        int kept = 0;
        for (int i = 0; i < folios.Count; i++)
        {
            int pfn = folios[i];
            if (!folioWait.FolioTrylock(pfn))
            {
                folios[kept++] = pfn;
                continue;
            }

            FolioFate fate = ShrinkFolio(pfn, sc, stat);
            if (fate == FolioFate.WaitWriteback)
            {
                // Case 3: unlock, wait for the writeback to end, then try the same folio again.
                folioWait.FolioUnlock(pfn);
                WritebackWaits++;
                yield return Wait.Call(folioWait.FolioWaitWriteback(pfn));
                i--;
                continue;
            }

            ref PageFrame page = ref pages[pfn];
            int order = page.Order;
            if (fate == FolioFate.Free)
            {
                folioWait.FolioUnlock(pfn);
                page.Clear(PageFlags.Isolated);
                stat.NrReclaimed += 1L << order;
                deps.Alloc.FreePages(pfn, order);
                continue;
            }

            if (fate == FolioFate.Activate && !page.Has(PageFlags.Mlocked))
            {
                page.Set(PageFlags.Active);
                stat.NrActivate[page.Has(PageFlags.SwapBacked) ? 0 : 1] += 1L << order;
            }

            folioWait.FolioUnlock(pfn);
            folios[kept++] = pfn;
        }

        folios.RemoveRange(kept, folios.Count - kept);
        node.CountVmEvents(VmEventItem.Pgactivate, stat.NrActivate[0] + stat.NrActivate[1]);
    }

    // The body of shrink_folio_list's loop for one locked, isolated folio.
    private FolioFate ShrinkFolio(int pfn, ScanControl sc, ReclaimStat stat)
    {
        ref PageFrame page = ref pages[pfn];
        long nrPages = 1L << page.Order;
        sc.NrScanned += nrPages;
        if (!lru.FolioEvictable(pfn))
        {
            return FolioFate.Activate;
        }

        if (!sc.MayUnmap && page.Has(PageFlags.Mapped))
        {
            return FolioFate.Keep;
        }

        // folio_check_dirty_writeback: only file LRU folios count toward the node's dirty state.
        bool fileLru = !page.Has(PageFlags.SwapBacked);
        bool dirty = fileLru && page.Has(PageFlags.Dirty);
        bool writeback = fileLru && page.Has(PageFlags.Writeback);
        if (dirty || writeback)
        {
            stat.NrDirty += nrPages;
        }

        if (dirty && !writeback)
        {
            stat.NrUnqueuedDirty += nrPages;
        }

        // Folios marked for immediate reclaim are reaching the LRU tail a second time: congested.
        if (writeback && page.Has(PageFlags.Reclaim))
        {
            stat.NrCongested += nrPages;
        }

        if (page.Has(PageFlags.Writeback))
        {
            Mapping? mapping = deps.Rmap.FolioMapping(pfn);

            // Case 1: kswapd meets a folio marked for immediate reclaim while the node is flagged as writeback-bound.
            if (sc.IsKswapd && page.Has(PageFlags.Reclaim) && PgdatWriteback)
            {
                stat.NrImmediate += nrPages;
                return FolioFate.Activate;
            }

            // Case 2: global or cgroup-v2 reclaim, a folio seen the first time, no FS, or a mapping whose
            // writeback may deadlock on reclaim: mark it for immediate reclaim and go on scanning.
            if (WritebackThrottlingSane(sc) || !page.Has(PageFlags.Reclaim) || !MayEnterFs(page, sc.GfpMask) ||
                deps.Sim.Current is null || !WritebackPolicy.MayWaitOnWriteback(pfn, mapping, sc, deps.Current()))
            {
                page.Set(PageFlags.Reclaim);
                stat.NrWriteback += nrPages;
                return FolioFate.Activate;
            }

            // Case 3: cgroup-v1 limit reclaim on a folio it marked before: wait for the writeback.
            return FolioFate.WaitWriteback;
        }

        FolioReference references = FolioCheckReferences(pfn);
        if (references == FolioReference.Activate)
        {
            return FolioFate.Activate;
        }

        if (references == FolioReference.Keep)
        {
            stat.NrRefKeep += nrPages;
            return FolioFate.Keep;
        }

        Mapping? owner = deps.Rmap.FolioMapping(pfn);
        bool anon = owner?.Kind == MappingKind.Anon;

        // Anonymous memory needs swap space before it can go.
        if (anon && page.Has(PageFlags.SwapBacked) && !page.Has(PageFlags.SwapCache))
        {
            if ((sc.GfpMask & GfpFlags.Io) == 0 || refs.MaybeDmaPinned(pfn))
            {
                return FolioFate.Keep;
            }

            if (Swap is not { } swap || !swap.FolioAllocSwap(pfn))
            {
                return FolioFate.Activate;
            }
        }

        // Mapped folios are unmapped first; mmsim unmaps only anonymous swap-cache folios (through the swap device).
        if (page.Has(PageFlags.Mapped))
        {
            if (!(anon && page.Has(PageFlags.SwapCache) && Swap is { } swap && swap.TryToUnmap(pfn)))
            {
                stat.NrUnmapFail += nrPages;
                return FolioFate.Activate;
            }
        }

        // Unmapped now, it cannot be newly pinned; a pinned folio is not worth reclaiming.
        if (refs.MaybeDmaPinned(pfn))
        {
            return FolioFate.Activate;
        }

        if (page.Has(PageFlags.Dirty))
        {
            FolioFate? dirtyFate = ShrinkDirtyFolio(pfn, sc, stat, fileLru, references, owner);
            if (dirtyFate is { } f)
            {
                return f;
            }
        }

        return RemoveMapping(pfn, sc, owner) ? FolioFate.Free : FolioFate.Keep;
    }

    // The dirty branch of shrink_folio_list; null when the folio is clean afterwards and may be evicted.
    private FolioFate? ShrinkDirtyFolio(int pfn, ScanControl sc, ReclaimStat stat, bool fileLru, FolioReference references, Mapping? mapping)
    {
        ref PageFrame page = ref pages[pfn];
        long nrPages = 1L << page.Order;

        // Only kswapd writes filesystem folios, and only once it saw the same dirty folios again with the
        // node marked dirty; everyone else marks them for immediate reclaim and leaves them to the flushers.
        if (fileLru && (!sc.IsKswapd || !page.Has(PageFlags.Reclaim) || !PgdatDirty))
        {
            node.ModNodePageState(NodeStatItem.NrVmscanImmediateReclaim, nrPages);
            page.Set(PageFlags.Reclaim);
            return FolioFate.Activate;
        }

        if (references == FolioReference.ReclaimClean || !MayEnterFs(page, sc.GfpMask) || !sc.MayWritepage)
        {
            return FolioFate.Keep;
        }

        // pageout (6.18): a freeable folio only; regular files are no longer written from reclaim
        // (->writepage is gone), only shmem and swap-cache folios (shmem_writeout / swap_writeout).
        if (refs.ExtraRefs(pfn) != 0 || refs.Pins(pfn) != 0 || mapping is null)
        {
            return FolioFate.Keep;
        }

        bool swapCache = page.Has(PageFlags.SwapCache);
        if (mapping.Kind != MappingKind.Shmem && !(mapping.Kind == MappingKind.Anon && swapCache))
        {
            return FolioFate.Activate;
        }

        if (Swap is not { } swap || !swap.Writeout(pfn))
        {
            page.Clear(PageFlags.Reclaim);
            return FolioFate.Activate;
        }

        node.ModNodePageState(NodeStatItem.NrVmscanWrite, nrPages);
        stat.NrPageout += nrPages;
        if (page.Has(PageFlags.Writeback) || page.Has(PageFlags.Dirty))
        {
            return FolioFate.Keep;
        }

        return null; // a synchronous write left it clean: evict it now
    }

    // mm/vmscan.c: folio_check_references. mmsim has no PTE accessed bits: PG_referenced stands for both
    // folio_referenced's young PTEs (mapped folios) and the folio's own referenced bit.
    private FolioReference FolioCheckReferences(int pfn)
    {
        ref PageFrame page = ref pages[pfn];
        bool referencedPtes = page.Has(PageFlags.Mapped) && page.Has(PageFlags.Referenced);
        bool referencedFolio = page.Has(PageFlags.Referenced);
        page.Clear(PageFlags.Referenced);
        if (page.Has(PageFlags.Mlocked))
        {
            return FolioReference.Activate;
        }

        if (referencedPtes)
        {
            // A mapped folio used more than once: activate (the mark stays for quick recovery).
            page.Set(PageFlags.Referenced);
            return referencedFolio ? FolioReference.Activate : FolioReference.Keep;
        }

        // Reclaim if clean, defer dirty folios to writeback.
        return referencedFolio && !page.Has(PageFlags.SwapBacked) ? FolioReference.ReclaimClean : FolioReference.Reclaim;
    }

    // mm/vmscan.c: may_enter_fs — __GFP_FS, or a swap-cache folio with __GFP_IO (no SWP_FS_OPS swap here).
    private static bool MayEnterFs(in PageFrame page, GfpFlags gfp) =>
        (gfp & GfpFlags.Fs) != 0 || (page.Has(PageFlags.SwapCache) && (gfp & GfpFlags.Io) != 0);

    // mm/vmscan.c: __remove_mapping — only when nothing but the cache and the isolation hold the folio
    // (folio_ref_freeze) and it is clean; leaves a workingset shadow for file LRU and swap-cache folios.
    private bool RemoveMapping(int pfn, ScanControl sc, Mapping? mapping)
    {
        ref PageFrame page = ref pages[pfn];
        if (mapping is null || page.Has(PageFlags.Dirty) || page.Has(PageFlags.Mapped) || refs.ExtraRefs(pfn) != 0 || refs.Pins(pfn) != 0)
        {
            return false;
        }

        ushort target = sc.TargetMemCgroup?.Id ?? 0;
        if (page.Has(PageFlags.SwapCache))
        {
            if (Swap is not { } swap)
            {
                return false;
            }

            swap.DeleteFromSwapCache(pfn, Workingset.Eviction(pfn, target, workingset: false));
            return true;
        }

        if (mapping.Kind is not (MappingKind.File or MappingKind.Shmem) || deps.RemoveMapping is not { } cache)
        {
            return false;
        }

        // Shadows are kept for file LRU folios only (shmem is swap-backed and leaves through swap).
        int shadow = page.Has(PageFlags.SwapBacked) ? Mapping.EmptySlot : Workingset.Eviction(pfn, target, workingset: false);
        return cache.RemoveMapping(pfn, shadow);
    }
}
