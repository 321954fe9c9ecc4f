using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;
using MmSim.Mm.Swap;
using MmSim.Sim;

namespace MmSim.Mm.Memory;

// Swap: try_to_unmap's anonymous branch writes swap entries into this mapping's PTEs; do_swap_page
// brings the page back.
internal sealed partial class AnonVma
{
    /// <summary>One jiffy: what a swap-in fault sleeps when reclaim holds the cached folio locked or isolated.</summary>
    private const long FolioLockRetryNs = SimTime.NsPerMs;

    /// <inheritdoc/>
    /// <remarks>mm/rmap.c: try_to_unmap_one for an anonymous folio in the swap cache: the PTE becomes the swap entry,
    /// MM_ANONPAGES moves to MM_SWAPENTS, the rmap count drops (NR_ANON_PAGES). Pinned or mlocked pages stay.</remarks>
    public bool SetSwapPte(long index, int pfn, int slot)
    {
        ref PageFrame page = ref alloc.Node.Pages[pfn];
        if (pte[index] != pfn || page.Has(PageFlags.Pinned) || page.Has(PageFlags.Mlocked))
        {
            return false;
        }

        pte[index] = SwapState.SwpEntry(slot);
        alloc.Node.ModNodePageState(NodeStatItem.NrAnonPages, -1);
        mm?.AddMmCounter(MmCounter.AnonPages, -1);
        mm?.AddMmCounter(MmCounter.SwapEnts, 1);
        return true;
    }

    // mm/memory.c: do_swap_page for a write fault. A swap-cache hit maps the cached folio; otherwise
    // swapin_readahead (no readahead: one page) allocates a folio, adds it to the swap cache and reads
    // it, the task sleeping on the locked folio until the read ends (a major fault). Then the PTE maps
    // the folio, swap_free drops the entry, and should_try_to_free_swap (a write fault by the only user)
    // frees the slot: the folio leaves the swap cache dirty.
    private IEnumerable<Wait> DoSwapPage(long index)
    {
        TaskContext current = pa.Current;
        SwapState sw = swap!;
        while (true)
        {
            int entry = pte[index];
            if (!SwapState.IsSwapPte(entry))
            {
                current.Ret = (int)FaultResult.Present; // another task swapped it in meanwhile
                yield break;
            }

            int slot = SwapState.SwpOffset(entry);
            int pfn = sw.SwapCacheLookup(slot);
            if (pfn >= 0)
            {
                // folio_lock_or_retry: reclaim holds it (locked, or isolated off the LRU); wait and look again.
                ref PageFrame cached = ref alloc.Node.Pages[pfn];
                if (cached.Has(PageFlags.Locked) || !cached.Has(PageFlags.Lru))
                {
                    yield return Wait.Sleep(FolioLockRetryNs, TaskState.Uninterruptible, "folio_lock");
                    continue;
                }

                MapSwapFolio(index, pfn, slot, readFromDevice: false);
                current.Ret = (int)FaultResult.Base;
                yield break;
            }

            yield return Wait.Call(pa.AllocPagesWait(AnonGfp, 0, OwnerKind.Anon, 0));
            int folio = current.AllocResult;
            stats.CountAlloc(0, folio < 0);
            if (folio < 0)
            {
                FaultOom = true;
                current.Ret = (int)FaultResult.Oom;
                yield break;
            }

            if (pte[index] != entry || sw.SwapCacheLookup(slot) >= 0)
            {
                FreeRaced(folio, 0); // raced with another fault on this entry: look again
                continue;
            }

            long readNs = sw.ReadSwapCacheAsync(folio, slot);
            alloc.Node.Pages[folio].Set(PageFlags.Locked);
            yield return Wait.Sleep(readNs, TaskState.Uninterruptible, SwapState.SwapReadWaitSite);
            alloc.Node.Pages[folio].Clear(PageFlags.Locked);
            alloc.Node.CountVmEvent(VmEventItem.Pgmajfault);
            stats.AddMetric(MajorFaultMetric, 1);
            MapSwapFolio(index, folio, slot, readFromDevice: true);
            current.Ret = (int)FaultResult.Base;
            yield break;
        }
    }

    /// <summary>Metric: swap-in faults that read from the device (the workload's share of pgmajfault).</summary>
    public const string MajorFaultMetric = "pgmajfault";

    // do_swap_page after the folio is uptodate: map it, swap_free, and free the slot if this was the last user.
    private void MapSwapFolio(long index, int pfn, int slot, bool readFromDevice)
    {
        ref PageFrame page = ref alloc.Node.Pages[pfn];
        pte[index] = pfn;
        swap!.AttachFromSwapCache(pfn);
        rmap.SetFolioMapping(pfn, this, index);
        page.Set(PageFlags.SwapBacked | PageFlags.Uptodate | PageFlags.Mapped);
        if (readFromDevice)
        {
            // A new folio: folio_add_lru (the kernel adds it before the read).
            lru.FolioAddLru(pfn);
        }

        alloc.Node.CountVmEvent(VmEventItem.Pgfault);
        alloc.Node.ModNodePageState(NodeStatItem.NrAnonPages, 1);
        mm?.AddMmCounter(MmCounter.AnonPages, 1);
        mm?.AddMmCounter(MmCounter.SwapEnts, -1);
        swap.SwapFree(slot);
        swap.FolioFreeSwap(pfn);
    }
}
