// The swap device and the swap cache (mm/swapfile.c, mm/swap_state.c, mm/page_io.c): slots with
// their use counts (swap_map), the swap cache indexed by slot, folio->swap for folios in it, and the
// device's queue. Reclaim calls the ISwapOut operations (folio_alloc_swap, try_to_unmap, swap_writeout,
// __swap_cache_del_folio); the fault path calls the swap-in half; munmap frees entries.
using MmSim.Mm.Folio;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;
using MmSim.Sim;

namespace MmSim.Mm.Swap;

/// <summary>
/// One swap device with its swap cache. Swap entries live in anonymous page tables encoded as
/// <see cref="SwpEntry"/> (≤ −3, so −1 "not present" and −2 "unmapped" keep their meaning).
/// </summary>
/// <remarks>
/// mm/swapfile.c: swap_map with SWAP_HAS_CACHE, folio_alloc_swap (order 0), swap_duplicate, swap_free,
/// free_swap_and_cache, folio_free_swap, get_nr_swap_pages; mm/swap_state.c: the swap cache
/// (__swap_cache_add_folio, __swap_cache_del_folio, swap_cache_get_folio); mm/page_io.c: swap_writeout,
/// swap_read_folio. One device, no clusters or per-cpu slot caches: slots are taken next-fit.
/// </remarks>
public sealed class SwapState : ISwapOut
{
    /// <summary>SWAP_HAS_CACHE: the slot's folio is in the swap cache.</summary>
    public const byte SwapHasCache = 0x40;

    /// <summary>The wait site of a swap-in read (the fault sleeps on the locked folio until the read ends).</summary>
    public const string SwapReadWaitSite = "folio_wait_bit_common";

    private const int NoFolio = -1;

    private readonly PageAllocator alloc;
    private readonly PgData node;
    private readonly MappingRegistry mappings;
    private readonly Lru lru;
    private readonly Simulator sim;
    private readonly byte[] swapMap;
    private readonly int[] swapCache;
    private readonly int[] owned;
    private readonly Dictionary<int, int> folioSwap = [];
    private int[]? verifyCounts;
    private int nextSlot;
    private long deviceBusyUntilNs;

    /// <summary>Creates a swap device (swapon).</summary>
    /// <param name="alloc">The allocator (folios dropped from the swap cache at munmap are freed).</param>
    /// <param name="mappings">The mappings (anonymous VMAs hold swap entries).</param>
    /// <param name="lru">The LRU lists.</param>
    /// <param name="sim">The engine (the device's completions).</param>
    /// <param name="spec">Size and speed.</param>
    public SwapState(PageAllocator alloc, MappingRegistry mappings, Lru lru, Simulator sim, SwapSpec spec)
    {
        ArgumentNullException.ThrowIfNull(alloc);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfLessThan(spec.Pages, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(spec.Pages, int.MaxValue - 3);
        ArgumentOutOfRangeException.ThrowIfLessThan(spec.BytesPerSec, 1);
        this.alloc = alloc;
        node = alloc.Node;
        this.mappings = mappings;
        this.lru = lru;
        this.sim = sim;
        Spec = spec;
        swapMap = new byte[spec.Pages];
        swapCache = new int[spec.Pages];
        Array.Fill(swapCache, NoFolio);
        NrSwapPages = spec.Pages;
        owned = new int[spec.Pages];
        Array.Fill(owned, NoFolio);
        SwapperSpace = mappings.Register(new SwapCacheMapping(this, owned));
    }

    /// <summary>
    /// swapper_spaces: the swap cache as an address space, indexed by slot. A folio that no page table maps
    /// (unmapped for swap-out, or being read in) belongs to it (owner and index, and a slot pointing back), so
    /// migration and the reverse-map check find it; a mapped swap-cache folio belongs to its VMA.
    /// </summary>
    public Mapping SwapperSpace { get; }

    /// <summary>The device.</summary>
    public SwapSpec Spec { get; }

    /// <summary>total_swap_pages.</summary>
    public long TotalSwapPages => Spec.Pages;

    /// <summary>nr_swap_pages: free slots (get_nr_swap_pages).</summary>
    public long NrSwapPages { get; private set; }

    /// <summary>Folios in the swap cache (NR_SWAPCACHE).</summary>
    public long NrSwapCache { get; private set; }

    /// <summary>Starts writeback of a folio (folio_start_writeback with its accounting); wired by the kernel.</summary>
    public Action<int>? StartWriteback { get; set; }

    /// <summary>Ends writeback of a folio (folio_end_writeback: waiters, PG_reclaim rotation, accounting); wired by the kernel.</summary>
    public Action<int>? EndWriteback { get; set; }

    /// <summary>The swap entry of <paramref name="slot"/> as a page-table entry.</summary>
    /// <param name="slot">A slot.</param>
    /// <returns>The entry (≤ −3).</returns>
    public static int SwpEntry(int slot) => -3 - slot;

    /// <summary>Whether a page-table entry is a swap entry.</summary>
    /// <param name="pte">The entry.</param>
    /// <returns>True for a swap entry.</returns>
    public static bool IsSwapPte(int pte) => pte <= -3;

    /// <summary>swp_offset: the slot of a swap entry.</summary>
    /// <param name="pte">A swap entry.</param>
    /// <returns>The slot.</returns>
    public static int SwpOffset(int pte) => -3 - pte;

    /// <summary>The slot of a folio in the swap cache (folio-&gt;swap), or −1.</summary>
    /// <param name="pfn">Head PFN.</param>
    /// <returns>The slot, or −1.</returns>
    public int FolioSwapSlot(int pfn) => folioSwap.GetValueOrDefault(pfn, -1);

    /// <summary>The references of page-table entries to a slot (swap_count without SWAP_HAS_CACHE).</summary>
    /// <param name="slot">A slot.</param>
    /// <returns>The count.</returns>
    public int SwapCount(int slot) => swapMap[slot] & ~SwapHasCache;

    /// <summary>ISwapOut: can_reclaim_anon_pages — free slots exist (memcg swap limits are not modelled).</summary>
    /// <param name="memcgId">The memcg being reclaimed.</param>
    /// <returns>True when anonymous folios may be scanned.</returns>
    public bool CanReclaimAnon(ushort memcgId)
    {
        _ = memcgId;
        return NrSwapPages > 0;
    }

    /// <summary>
    /// ISwapOut: folio_alloc_swap — a slot for an order-0 anonymous folio, which joins the swap cache (PG_swapcache,
    /// NR_SWAPCACHE) dirty. Large folios get none here: reclaim splits them first (see docs/fidelity.md).
    /// </summary>
    /// <param name="pfn">Head PFN of an isolated, locked anonymous folio not in the swap cache.</param>
    /// <returns>False without a free slot or for a large folio.</returns>
    public bool FolioAllocSwap(int pfn)
    {
        ref PageFrame page = ref node.Pages[pfn];
        if (page.Order != 0 || page.Has(PageFlags.SwapCache) || NrSwapPages == 0)
        {
            return false;
        }

        int slot = ScanSwapMap();
        swapMap[slot] = SwapHasCache;
        NrSwapPages--;
        SwapCacheAdd(pfn, slot);

        // The data now exists only in memory: the folio must be written before it can go.
        page.Set(PageFlags.Dirty);
        return true;
    }

    /// <summary>ISwapOut: try_to_unmap of a swap-cache folio — its PTE becomes the swap entry (swap_duplicate).</summary>
    /// <param name="pfn">Head PFN.</param>
    /// <returns>True when it is no longer mapped.</returns>
    public bool TryToUnmap(int pfn)
    {
        ref PageFrame page = ref node.Pages[pfn];
        if (!page.Has(PageFlags.Mapped))
        {
            return true;
        }

        if (!folioSwap.TryGetValue(pfn, out int slot) || page.Has(PageFlags.Pinned) || mappings.Find(page.Owner) is not ISwapPte vma)
        {
            return false;
        }

        if (!vma.SetSwapPte(node.FolioIndex[pfn], pfn, slot))
        {
            return false;
        }

        swapMap[slot]++;
        page.Clear(PageFlags.Mapped);

        // The folio now belongs to the swap cache only (its rmap is the entry in the page table).
        DetachToSwapCache(pfn);
        return true;
    }

    /// <summary>
    /// ISwapOut: pageout of a dirty swap-cache folio (folio_clear_dirty_for_io, swap_writeout): it goes under
    /// writeback with PG_reclaim, pswpout counts, and the device ends the writeback after its service time.
    /// </summary>
    /// <param name="pfn">Head PFN of an unmapped, dirty swap-cache folio.</param>
    /// <returns>True (PAGE_SUCCESS) when queued; false when it is not a swap-cache folio.</returns>
    public bool Writeout(int pfn)
    {
        ref PageFrame page = ref node.Pages[pfn];
        if (!page.Has(PageFlags.SwapCache) || page.Has(PageFlags.Writeback))
        {
            return false;
        }

        page.Clear(PageFlags.Dirty);
        page.Set(PageFlags.Reclaim);
        StartWriteback?.Invoke(pfn);
        if (StartWriteback is null)
        {
            page.Set(PageFlags.Writeback);
        }

        node.CountVmEvent(VmEventItem.Pswpout);
        sim.Schedule(DeviceTimeNs(1), () => EndWritebackOf(pfn));
        return true;
    }

    /// <summary>
    /// ISwapOut: __remove_mapping of a clean swap-cache folio — __swap_cache_del_folio leaves
    /// <paramref name="shadow"/> in the slot and put_swap_folio drops the cache's reference. Reclaim frees the folio.
    /// </summary>
    /// <param name="pfn">Head PFN of a clean, unmapped swap-cache folio.</param>
    /// <param name="shadow">The workingset shadow (below −1), or −1.</param>
    public void DeleteFromSwapCache(int pfn, int shadow)
    {
        int slot = SwapCacheDel(pfn);
        swapCache[slot] = shadow;
        PutSwapCacheRef(slot);
    }

    /// <summary>swap_cache_get_folio: the folio in the swap cache at <paramref name="slot"/>, or −1.</summary>
    /// <param name="slot">A slot.</param>
    /// <returns>Its PFN, or −1.</returns>
    public int SwapCacheLookup(int slot) => swapCache[slot] >= 0 ? swapCache[slot] : NoFolio;

    /// <summary>
    /// __read_swap_cache_async for a slot not in the cache: a new folio joins the swap cache (SWAP_HAS_CACHE)
    /// before it is read (swap_read_folio); pswpin counts. Returns the read's duration on the device.
    /// </summary>
    /// <param name="pfn">A freshly allocated order-0 folio.</param>
    /// <param name="slot">The slot to read.</param>
    /// <returns>Nanoseconds until the read completes.</returns>
    public long ReadSwapCacheAsync(int pfn, int slot)
    {
        swapMap[slot] |= SwapHasCache;
        SwapCacheAdd(pfn, slot);
        node.Pages[pfn].Set(PageFlags.SwapBacked | PageFlags.Uptodate);
        DetachToSwapCache(pfn);
        node.CountVmEvent(VmEventItem.Pswpin);
        return DeviceTimeNs(1);
    }

    /// <summary>swap_free: a page-table entry stops referring to the slot (the fault mapped the folio back).</summary>
    /// <param name="slot">The slot.</param>
    public void SwapFree(int slot)
    {
        swapMap[slot]--;
        if (swapMap[slot] == 0)
        {
            FreeSlot(slot);
        }
    }

    /// <summary>
    /// folio_free_swap: a folio in the swap cache whose slot no page table refers to any more leaves the cache
    /// and frees the slot; it is dirty again (the only copy is in memory). Not while under writeback.
    /// </summary>
    /// <param name="pfn">Head PFN.</param>
    /// <returns>True when the slot was freed.</returns>
    public bool FolioFreeSwap(int pfn)
    {
        ref PageFrame page = ref node.Pages[pfn];
        if (!folioSwap.TryGetValue(pfn, out int slot) || page.Has(PageFlags.Writeback) || SwapCount(slot) != 0)
        {
            return false;
        }

        SwapCacheDel(pfn);
        swapCache[slot] = NoFolio;
        PutSwapCacheRef(slot);
        page.Set(PageFlags.Dirty);
        return true;
    }

    /// <summary>
    /// free_swap_and_cache (munmap of a swap entry): drops the entry's reference; when nothing else refers to the slot
    /// and its cached folio sits idle on the LRU (not isolated, locked or under writeback), the folio leaves the
    /// cache and is freed (the cache held its last reference).
    /// </summary>
    /// <param name="slot">The entry's slot.</param>
    /// <returns>Pages freed (0 or 1).</returns>
    public int FreeSwapAndCache(int slot)
    {
        SwapFree(slot);
        if (swapMap[slot] != SwapHasCache)
        {
            return 0;
        }

        int pfn = swapCache[slot];
        ref PageFrame page = ref node.Pages[pfn];
        if (!page.Has(PageFlags.Lru) || page.Has(PageFlags.Locked) || page.Has(PageFlags.Writeback))
        {
            return 0;
        }

        SwapCacheDel(pfn);
        swapCache[slot] = NoFolio;
        PutSwapCacheRef(slot);
        page.Clear(PageFlags.Dirty);
        lru.FolioPutLru(pfn);
        alloc.FreePages(pfn, 0);
        return 1;
    }

    /// <summary>A page table stopped mapping a swap-cache folio: it now belongs to the swap cache alone (owner, index = slot).</summary>
    /// <param name="pfn">Head PFN of an unmapped folio in the swap cache.</param>
    public void DetachToSwapCache(int pfn)
    {
        ref PageFrame page = ref node.Pages[pfn];
        int slot = folioSwap[pfn];
        page.Clear(PageFlags.Mapped);
        page.Owner = SwapperSpace.Id;
        node.FolioIndex[pfn] = slot;
        owned[slot] = pfn;
    }

    /// <summary>A page table maps a swap-cache folio again (do_swap_page): the swap cache stops owning it.</summary>
    /// <param name="pfn">Head PFN of a folio in the swap cache.</param>
    public void AttachFromSwapCache(int pfn)
    {
        int slot = folioSwap[pfn];
        if (owned[slot] == pfn)
        {
            owned[slot] = NoFolio;
        }
    }

    /// <summary>A folio in the swap cache was migrated (__folio_migrate_mapping): the cache and folio-&gt;swap follow it.</summary>
    /// <param name="oldPfn">The source folio.</param>
    /// <param name="newPfn">The destination folio.</param>
    public void MigrateSwapCacheFolio(int oldPfn, int newPfn)
    {
        if (!folioSwap.Remove(oldPfn, out int slot))
        {
            return;
        }

        folioSwap[newPfn] = slot;
        swapCache[slot] = newPfn;
        if (owned[slot] == oldPfn)
        {
            owned[slot] = newPfn;
        }
    }

    /// <summary>
    /// The swap invariants: each slot's count equals the swap entries in anonymous page tables that name it;
    /// SWAP_HAS_CACHE is set exactly for slots with a folio in the swap cache, which has PG_swapcache and that
    /// slot; used slots = total − free; NR_SWAPCACHE matches. O(slots + anonymous PTEs).
    /// </summary>
    /// <returns>The first violation, or null.</returns>
    public string? Verify()
    {
        int[] counts = verifyCounts ??= new int[swapMap.Length];
        Array.Clear(counts);
        for (int id = 1; id <= mappings.Count; id++)
        {
            Mapping m = mappings[id];
            if (m.Kind != MappingKind.Anon || m == SwapperSpace || m.Slots is not { } ptes)
            {
                continue;
            }

            foreach (int pte in ptes)
            {
                if (IsSwapPte(pte))
                {
                    int slot = SwpOffset(pte);
                    if (slot >= counts.Length)
                    {
                        return $"{m.Name}: swap entry for slot {slot} past the device's {counts.Length}";
                    }

                    counts[slot]++;
                }
            }
        }

        long used = 0, cached = 0;
        for (int slot = 0; slot < swapMap.Length; slot++)
        {
            byte map = swapMap[slot];
            used += map != 0 ? 1 : 0;
            if ((map & ~SwapHasCache) != counts[slot])
            {
                return $"swap slot {slot}: swap_map count {map & ~SwapHasCache}, {counts[slot]} page-table entries";
            }

            bool hasCache = (map & SwapHasCache) != 0;
            int pfn = swapCache[slot];
            if (hasCache != pfn >= 0)
            {
                return $"swap slot {slot}: SWAP_HAS_CACHE {hasCache} but the swap cache holds {pfn}";
            }

            if (pfn >= 0)
            {
                cached++;
                ref PageFrame page = ref node.Pages[pfn];
                bool ownedRight = page.Has(PageFlags.Mapped)
                    ? page.Owner != SwapperSpace.Id && owned[slot] == NoFolio
                    : page.Owner == SwapperSpace.Id && node.FolioIndex[pfn] == slot && owned[slot] == pfn;
                if (!page.Has(PageFlags.Allocated) || !page.Has(PageFlags.SwapCache) || FolioSwapSlot(pfn) != slot || !ownedRight)
                {
                    return $"swap slot {slot}: folio 0x{pfn:x} is not an allocated swap-cache folio of this slot";
                }
            }
        }

        if (used != TotalSwapPages - NrSwapPages)
        {
            return $"{used} swap slots in use, nr_swap_pages says {TotalSwapPages - NrSwapPages}";
        }

        if (cached != NrSwapCache || cached != folioSwap.Count || node.VmStat[(int)NodeStatItem.NrSwapcached] != cached)
        {
            return $"{cached} folios in the swap cache, NR_SWAPCACHE {node.VmStat[(int)NodeStatItem.NrSwapcached]}, {folioSwap.Count} with folio->swap";
        }

        return null;
    }

    // scan_swap_map_slots, simplified: next-fit over swap_map from where the last search ended.
    private int ScanSwapMap()
    {
        for (int n = 0; n < swapMap.Length; n++)
        {
            int slot = nextSlot;
            nextSlot = nextSlot + 1 == swapMap.Length ? 0 : nextSlot + 1;
            if (swapMap[slot] == 0)
            {
                return slot;
            }
        }

        throw new InvalidOperationException("nr_swap_pages > 0 but no free slot");
    }

    // __swap_cache_add_folio: PG_swapcache, folio->swap, NR_SWAPCACHE.
    private void SwapCacheAdd(int pfn, int slot)
    {
        node.Pages[pfn].Set(PageFlags.SwapCache);
        swapCache[slot] = pfn;
        folioSwap[pfn] = slot;
        NrSwapCache++;
        node.ModNodePageState(NodeStatItem.NrSwapcached, 1);
    }

    // __swap_cache_del_folio without the slot's new content: returns the slot.
    private int SwapCacheDel(int pfn)
    {
        int slot = folioSwap[pfn];
        folioSwap.Remove(pfn);
        ref PageFrame page = ref node.Pages[pfn];
        page.Clear(PageFlags.SwapCache);
        if (owned[slot] == pfn)
        {
            // An unmapped folio leaves the swap cache's address space with the cache (its last owner).
            owned[slot] = NoFolio;
            page.Owner = 0;
            node.FolioIndex[pfn] = 0;
        }

        NrSwapCache--;
        node.ModNodePageState(NodeStatItem.NrSwapcached, -1);
        return slot;
    }

    // put_swap_folio: the cache's reference goes; a slot nobody refers to is free again.
    private void PutSwapCacheRef(int slot)
    {
        swapMap[slot] = (byte)(swapMap[slot] & ~SwapHasCache);
        if (swapMap[slot] == 0)
        {
            FreeSlot(slot);
        }
    }

    private void FreeSlot(int slot)
    {
        if (swapCache[slot] < NoFolio)
        {
            swapCache[slot] = NoFolio; // the shadow goes with the slot
        }

        NrSwapPages++;
    }

    private void EndWritebackOf(int pfn)
    {
        if (EndWriteback is { } end)
        {
            end(pfn);
        }
        else
        {
            node.Pages[pfn].Clear(PageFlags.Writeback | PageFlags.Reclaim);
        }
    }

    // The device: transfers are serialised at the bandwidth, each request also takes the latency.
    private long DeviceTimeNs(int nrPages)
    {
        long now = sim.Now;
        long transfer = (long)nrPages * MmConstants.PageSize * SimTime.NsPerSec / Spec.BytesPerSec;
        long start = Math.Max(now, deviceBusyUntilNs);
        deviceBusyUntilNs = start + transfer;
        return deviceBusyUntilNs + Spec.LatencyNs - now;
    }
}

/// <summary>The swap cache as an address space (swapper_spaces): slots are swap slots; migration repoints them.</summary>
internal sealed class SwapCacheMapping : Mapping
{
    private readonly SwapState swap;

    /// <summary>Creates the address space over the slots the swap cache owns.</summary>
    /// <param name="swap">The swap device.</param>
    /// <param name="owned">Slot → PFN of the unmapped folios the swap cache owns, −1 elsewhere.</param>
    public SwapCacheMapping(SwapState swap, int[] owned)
        : base(MappingKind.Anon, "swapper_space", AopsCaps.MigrateFolio)
    {
        this.swap = swap;
        Slots = owned;
    }

    /// <inheritdoc/>
    public override void ReplaceFolio(long index, int oldPfn, int newPfn, int nrPages) => swap.MigrateSwapCacheFolio(oldPfn, newPfn);
}
