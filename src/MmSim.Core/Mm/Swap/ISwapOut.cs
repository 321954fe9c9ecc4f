// The swap device as reclaim sees it (mm/swapfile.c, mm/swap_state.c, mm/page_io.c). Reclaim
// scans the anonymous LRU lists only when a device has room, gives anonymous folios a swap slot,
// unmaps them, writes them out and finally drops them from the swap cache. The swap engineer
// implements this; with none set the machine has no swap (the default) and anon and shmem folios
// are never scanned (get_scan_count: SCAN_FILE).
namespace MmSim.Mm.Swap;

/// <summary>What reclaim asks of the swap device for anonymous and shmem folios.</summary>
/// <remarks>
/// mm/vmscan.c: can_reclaim_anon_pages, the anon branch of shrink_folio_list (folio_alloc_swap,
/// try_to_unmap, pageout → swap_writeout / shmem_writeout) and __remove_mapping's swap-cache branch.
/// Every method runs inside reclaim with the folio isolated and locked; none may sleep.
/// </remarks>
public interface ISwapOut
{
    /// <summary>A swap device has free slots for the memcg (can_reclaim_anon_pages: get_nr_swap_pages, mem_cgroup_get_nr_swap_pages).</summary>
    /// <param name="memcgId">The memcg being reclaimed (0: root / global reclaim).</param>
    /// <returns>True when anonymous folios may be scanned.</returns>
    bool CanReclaimAnon(ushort memcgId);

    /// <summary>
    /// folio_alloc_swap: gives an anonymous folio that is not in the swap cache a swap slot and adds it to the
    /// swap cache (PG_swapcache), and marks it dirty (the data exists only in memory).
    /// </summary>
    /// <param name="pfn">Head PFN of an isolated, locked anonymous folio.</param>
    /// <returns>False when no slot could be had (reclaim then activates the folio).</returns>
    bool FolioAllocSwap(int pfn);

    /// <summary>try_to_unmap of an anonymous folio in the swap cache: its page-table entries become swap entries.</summary>
    /// <param name="pfn">Head PFN.</param>
    /// <returns>True when it is no longer mapped.</returns>
    bool TryToUnmap(int pfn);

    /// <summary>
    /// pageout's write of a dirty swap-cache or shmem folio (folio_clear_dirty_for_io, then swap_writeout or
    /// shmem_writeout): the folio goes under writeback to the swap device and gets PG_reclaim.
    /// </summary>
    /// <param name="pfn">Head PFN of an unmapped, dirty folio.</param>
    /// <returns>True for PAGE_SUCCESS (written or queued); false for AOP_WRITEPAGE_ACTIVATE (reclaim activates it).</returns>
    bool Writeout(int pfn);

    /// <summary>
    /// __remove_mapping of a clean swap-cache folio: __swap_cache_del_folio storing <paramref name="shadow"/>
    /// (a <see cref="Workingset"/> shadow entry) in place of the folio, and put_swap_folio. Reclaim frees the folio after.
    /// </summary>
    /// <param name="pfn">Head PFN of a clean, unmapped swap-cache folio.</param>
    /// <param name="shadow">The shadow entry (negative, below -1).</param>
    void DeleteFromSwapCache(int pfn, int shadow);
}

/// <summary>
/// The page cache's half of __remove_mapping: takes a clean, unmapped folio out of its file's
/// index, leaving the workingset shadow entry in its slot. Implemented by the page cache, called by reclaim.
/// </summary>
/// <remarks>mm/vmscan.c: __remove_mapping; mm/filemap.c: __filemap_remove_folio (with a shadow).</remarks>
public interface IRemoveMapping
{
    /// <summary>Removes the folio from its page-cache file, storing <paramref name="shadow"/> in its slot.</summary>
    /// <param name="pfn">Head PFN of an isolated, locked, clean folio of a regular file.</param>
    /// <param name="shadow">The workingset shadow entry (negative, below -1), or <see cref="Folio.Mapping.EmptySlot"/>.</param>
    /// <returns>False when the folio cannot be removed now (it is dirty, or not in a page-cache file); nothing changed then.</returns>
    bool RemoveMapping(int pfn, int shadow);
}
