using System.Diagnostics;
using MmSim.Mm.Stat;
using MmSim.Mm.Swap;

namespace MmSim.Mm.Memory;

// munmap: zapping page ranges, THP split and deferred split, freeing page tables.
internal sealed partial class AnonVma
{
    // Zaps [lo, hi) of 2 MiB range r and removes those pages from the VMA; returns how many left it.
    private int ZapRange(int r, long lo, long hi)
    {
        Debug.Assert(hi - lo <= HugeMemory.HpagePmdNr, "one range at a time");
        int removed = pmdHuge[r] >= 0 ? ZapHuge(r, lo, hi) : ZapPtes(lo, hi);
        pmdInVma[r] -= removed;
        Debug.Assert(pmdInVma[r] >= 0, "pages leave the VMA once");

        // free_pgtables: a page table goes once no VMA covers any of its range.
        if (pmdInVma[r] == 0 && pmdTable[r] >= 0)
        {
            alloc.FreePages(pmdTable[r], 0);
            stats.CountFree();
            alloc.Node.ModNodePageState(NodeStatItem.NrPageTablePages, -1);
            mm?.AddPgtables(-1);
            pmdTable[r] = -1;
        }

        return removed;
    }

    // zap_pte_range over base pages; returns the pages that left the VMA.
    private int ZapPtes(long lo, long hi)
    {
        int removed = 0;
        for (long i = lo; i < hi; i++)
        {
            if (pte[i] == Unmapped)
            {
                continue;
            }

            if (pte[i] >= 0)
            {
                UnmapFolio(pte[i], 1);
                if (!KeptBySwapCache(pte[i]))
                {
                    FreeUnlessIsolated(pte[i], 0);
                }

                stats.CountFree();
            }
            else if (SwapState.IsSwapPte(pte[i]))
            {
                // zap_nonpresent_ptes: free_swap_and_cache.
                swap!.FreeSwapAndCache(SwapState.SwpOffset(pte[i]));
                mm?.AddMmCounter(MmCounter.SwapEnts, -1);
            }

            pte[i] = Unmapped;
            removed++;
        }

        return removed;
    }

    // zap_huge_pmd for a whole range; otherwise __split_huge_pmd, zap the PTEs and queue the
    // partly mapped folio for deferred split, which frees nothing until reclaim's shrinker runs.
    private int ZapHuge(int r, long lo, long hi)
    {
        int head = pmdHuge[r];
        bool whole = hi - lo == HugeMemory.HpagePmdNr;
        var state = (PmdState)pmdState[r];
        if ((state & PmdState.Split) == 0)
        {
            alloc.Node.ModNodePageState(NodeStatItem.NrAnonTransparentHugepages, -HugeMemory.HpagePmdNr);
            if (!whole)
            {
                state |= PmdState.Split;
                alloc.Node.CountVmEvent(VmEventItem.ThpSplitPmd);
            }
        }

        int removed = 0;
        for (long i = lo; i < hi; i++)
        {
            if (pte[i] == Unmapped)
            {
                continue;
            }

            Debug.Assert(pte[i] >= 0, "every page of a THP is mapped until unmapped");
            pte[i] = Unmapped;
            removed++;
        }

        pmdHugeMapped[r] -= removed;
        alloc.Node.ModNodePageState(NodeStatItem.NrAnonPages, -removed);
        mm?.AddMmCounter(MmCounter.AnonPages, -removed);
        if (pmdHugeMapped[r] == 0)
        {
            UnmapFolio(head, HugeMemory.HpagePmdNr, rmapDone: true);
            FreeUnlessIsolated(head, HugeMemory.HpagePmdOrder);
            stats.CountFree();
            pmdHuge[r] = -1;
            state = PmdState.None;
        }
        else if ((state & PmdState.DeferredSplit) == 0)
        {
            state |= PmdState.DeferredSplit;
            alloc.Node.CountVmEvent(VmEventItem.ThpDeferredSplitPage);
        }

        pmdState[r] = (byte)state;
        return removed;
    }

    // free_swap_cache: an unmapped folio in the swap cache leaves it (folio_free_swap) unless it is under
    // writeback; then the swap cache keeps it, unmapped, for reclaim to take later.
    private bool KeptBySwapCache(int pfn)
    {
        ref PageFrame page = ref alloc.Node.Pages[pfn];
        if (!page.Has(PageFlags.SwapCache) || swap!.FolioFreeSwap(pfn))
        {
            // The last reference goes with the mapping; an anonymous folio's PG_dirty goes with it.
            page.Clear(PageFlags.Dirty);
            return false;
        }

        swap.DetachToSwapCache(pfn);
        return true;
    }

    // folio_remove_rmap (+ munlock); rmapDone: the mapped-page counters were already lowered.
    private void UnmapFolio(int head, int nrPages, bool rmapDone = false)
    {
        ref PageFrame page = ref alloc.Node.Pages[head];
        Debug.Assert(!page.Has(PageFlags.Pinned), "a pinned page is unpinned before it is unmapped");
        if (flags.Locked)
        {
            alloc.Node.PageZone(head).ModZonePageState(ZoneStatItem.NrMlock, -nrPages);
            alloc.Node.CountVmEvents(VmEventItem.UnevictablePgsMunlocked, nrPages);
        }

        if (!rmapDone)
        {
            alloc.Node.ModNodePageState(NodeStatItem.NrAnonPages, -nrPages);
            mm?.AddMmCounter(MmCounter.AnonPages, -nrPages);
        }
    }

    // The zap drops the last reference of the process; a folio migration holds isolated keeps the
    // isolation's, and the isolator frees it (folio_put).
    // The caller has emptied the folio's page-table entries; an isolated folio also forgets its
    // anon_vma, so the isolator sees nobody but itself holding it.
    private void FreeUnlessIsolated(int pfn, int order)
    {
        ref PageFrame page = ref alloc.Node.Pages[pfn];
        if (!page.Has(PageFlags.Isolated))
        {
            lru.FolioPutLru(pfn);
            alloc.FreePages(pfn, order);
            return;
        }

        page.Owner = 0;
        page.Clear(PageFlags.Mapped);
        alloc.Node.FolioIndex[pfn] = 0;
    }
}
