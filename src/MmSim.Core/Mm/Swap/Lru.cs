// The LRU lists of every lruvec (include/linux/mm_inline.h, mm/swap.c). A folio on an LRU is linked
// through its head page's Next/Prev, as the kernel links folio->lru: a page is on at most one list
// (buddy, pcp, LRU or a private isolation list), so the links are shared. One lruvec per memory
// cgroup (id 0 is the root cgroup, whose lruvec is the node's when no cgroup is configured).
using System.Diagnostics;
using MmSim.Mm.Folio;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;

namespace MmSim.Mm.Swap;

/// <summary>The LRU lists of an lruvec (enum lru_list).</summary>
public enum LruList
{
    /// <summary>LRU_INACTIVE_ANON.</summary>
    InactiveAnon = 0,

    /// <summary>LRU_ACTIVE_ANON.</summary>
    ActiveAnon = 1,

    /// <summary>LRU_INACTIVE_FILE.</summary>
    InactiveFile = 2,

    /// <summary>LRU_ACTIVE_FILE.</summary>
    ActiveFile = 3,

    /// <summary>LRU_UNEVICTABLE.</summary>
    Unevictable = 4,
}

/// <summary>One lruvec: the five LRU lists of a (node, memcg) pair and their sizes per zone.</summary>
/// <remarks>include/linux/mmzone.h: struct lruvec (lists, lru_zone_size of mem_cgroup_per_node).</remarks>
public sealed class Lruvec
{
    /// <summary>NR_LRU_LISTS.</summary>
    public const int NrLruLists = 5;

    internal readonly int[] Heads = [-1, -1, -1, -1, -1];
    internal readonly int[] Tails = [-1, -1, -1, -1, -1];
    private readonly long[] zoneSize;
    private readonly int nrZones;

    internal Lruvec(ushort memcgId, int nrZones)
    {
        MemcgId = memcgId;
        this.nrZones = nrZones;
        zoneSize = new long[NrLruLists * nrZones];
    }

    /// <summary>The memory cgroup this lruvec belongs to (0: the root cgroup).</summary>
    public ushort MemcgId { get; }

    /// <summary>Reclaim state of this lruvec the reclaim implementation keeps (anon_cost, file_cost, refaults...).</summary>
    public object? ReclaimState { get; set; }

    /// <summary>lruvec->nonresident_age: evictions and activations in this lruvec and below (mm/workingset.c).</summary>
    public long NonresidentAge { get; set; }

    /// <summary>WORKINGSET_ACTIVATE_ANON / _FILE of this lruvec, hierarchical (index 0 anon, 1 file).</summary>
    public long[] WorkingsetActivate { get; } = new long[2];

    /// <summary>lruvec->refaults[]: <see cref="WorkingsetActivate"/> when reclaim last finished here (snapshot_refaults).</summary>
    public long[] Refaults { get; } = new long[2];

    /// <summary>lruvec->anon_cost: the decaying cost of reclaiming anon (lru_note_cost).</summary>
    public long AnonCost { get; set; }

    /// <summary>lruvec->file_cost.</summary>
    public long FileCost { get; set; }

    /// <summary>LRUVEC_CGROUP_CONGESTED: cgroup-v2 reclaim found every dirty folio queued and marked for immediate reclaim.</summary>
    public bool CgroupCongested { get; set; }

    /// <summary>LRUVEC_NODE_CONGESTED: kswapd found the same; direct reclaimers throttle.</summary>
    public bool NodeCongested { get; set; }

    /// <summary>Head PFN of the first folio of <paramref name="lru"/> (the most recently added), or -1.</summary>
    /// <param name="lru">The list.</param>
    /// <returns>A head PFN or -1.</returns>
    public int First(LruList lru) => Heads[(int)lru];

    /// <summary>Head PFN of the last folio of <paramref name="lru"/> (the one reclaim scans first), or -1.</summary>
    /// <param name="lru">The list.</param>
    /// <returns>A head PFN or -1.</returns>
    public int Last(LruList lru) => Tails[(int)lru];

    /// <summary>Pages on <paramref name="lru"/> in zone <paramref name="zid"/> (lruvec_zone_lru_size); <paramref name="zid"/> indexes the node's present zones (PgData.Zones).</summary>
    /// <param name="lru">The list.</param>
    /// <param name="zid">Zone index.</param>
    /// <returns>Base pages.</returns>
    public long ZoneLruSize(LruList lru, int zid) => zoneSize[((int)lru * nrZones) + zid];

    /// <summary>Pages on <paramref name="lru"/> in zones up to <paramref name="zoneIdx"/> (lruvec_lru_size).</summary>
    /// <param name="lru">The list.</param>
    /// <param name="zoneIdx">Highest zone index counted.</param>
    /// <returns>Base pages.</returns>
    public long LruSize(LruList lru, int zoneIdx = int.MaxValue)
    {
        long size = 0;
        int last = Math.Min(zoneIdx, nrZones - 1);
        for (int zid = 0; zid <= last; zid++)
        {
            size += zoneSize[((int)lru * nrZones) + zid];
        }

        return size;
    }

    internal void AddSize(LruList lru, int zid, long nrPages) => zoneSize[((int)lru * nrZones) + zid] += nrPages;
}

/// <summary>
/// The node's LRU lists, one <see cref="Lruvec"/> per memory cgroup, and the operations of mm/swap.c
/// that move folios between them. No per-CPU folio batches: a folio is on its list as soon as it is
/// added (docs/fidelity.md).
/// </summary>
public sealed class Lru
{
    private readonly PgData node;
    private readonly MappingRegistry mappings;
    private readonly List<Lruvec?> byMemcg = [];
    private readonly List<Lruvec> lruvecs = [];

    /// <summary>Creates the node's LRU lists (empty; lruvecs appear as memcgs first use them).</summary>
    /// <param name="node">The node whose pages carry the links.</param>
    /// <param name="mappings">The mappings (a folio of an AS_UNEVICTABLE mapping is unevictable).</param>
    public Lru(PgData node, MappingRegistry mappings)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(mappings);
        this.node = node;
        this.mappings = mappings;
        LruvecOf(0);
    }

    /// <summary>Every lruvec in the order first used (the root cgroup's first): deterministic iteration.</summary>
    public IReadOnlyList<Lruvec> Lruvecs => lruvecs;

    /// <summary>The node's workingset state; folio_mark_accessed ages it on activation (null: not wired).</summary>
    public Workingset? Workingset { get; set; }

    /// <summary>Called after a folio with PG_reclaim is rotated or its writeback ends: pgrotated counting hooks, tests.</summary>
    public long Rotated { get; private set; }

    /// <summary>The lruvec of memory cgroup <paramref name="memcgId"/> on this node (mem_cgroup_lruvec).</summary>
    /// <param name="memcgId">Memcg id (0: root).</param>
    /// <returns>The lruvec, created on first use.</returns>
    public Lruvec LruvecOf(ushort memcgId)
    {
        while (byMemcg.Count <= memcgId)
        {
            byMemcg.Add(null);
        }

        if (byMemcg[memcgId] is { } lruvec)
        {
            return lruvec;
        }

        lruvec = new Lruvec(memcgId, node.Zones.Length);
        byMemcg[memcgId] = lruvec;
        lruvecs.Add(lruvec);
        return lruvec;
    }

    /// <summary>The lruvec a folio belongs to (folio_lruvec): its memcg's.</summary>
    /// <param name="pfn">Head PFN.</param>
    /// <returns>The lruvec.</returns>
    public Lruvec FolioLruvec(int pfn) => LruvecOf(node.FolioMemcg[pfn]);

    /// <summary>The list a folio belongs on by its flags (folio_lru_list).</summary>
    /// <param name="page">The head page.</param>
    /// <returns>The list.</returns>
    /// <remarks>include/linux/mm_inline.h: folio_lru_list.</remarks>
    public static LruList FolioLruList(in PageFrame page)
    {
        if (page.Has(PageFlags.Unevictable))
        {
            return LruList.Unevictable;
        }

        int lru = page.Has(PageFlags.SwapBacked) ? (int)LruList.InactiveAnon : (int)LruList.InactiveFile;
        return (LruList)(lru + (page.Has(PageFlags.Active) ? 1 : 0));
    }

    /// <summary>A folio is evictable (folio_evictable): its mapping is not unevictable and it is not mlocked.</summary>
    /// <param name="pfn">Head PFN.</param>
    /// <returns>True when reclaim may evict it.</returns>
    /// <remarks>mm/internal.h: folio_evictable.</remarks>
    public bool FolioEvictable(int pfn)
    {
        ref PageFrame page = ref node.Pages[pfn];
        if (page.Has(PageFlags.Mlocked))
        {
            return false;
        }

        return page.Owner == 0 || mappings.Find(page.Owner) is not { } m || !m.Has(AsFlags.Unevictable);
    }

    /// <summary>
    /// Adds a folio to the head of its list (folio_add_lru → lru_add): PG_unevictable follows
    /// <see cref="FolioEvictable"/>, PG_lru is set, and the node, zone and lruvec sizes grow.
    /// </summary>
    /// <param name="pfn">Head PFN of an allocated folio not on an LRU.</param>
    /// <remarks>mm/swap.c: folio_add_lru, lru_add.</remarks>
    public void FolioAddLru(int pfn)
    {
        ref PageFrame page = ref node.Pages[pfn];
        VmBug.VmBugOnPage(page.Has(PageFlags.Lru), node.Pages, pfn, "folio_add_lru: VM_BUG_ON_FOLIO(folio_test_lru(folio))");
        if (FolioEvictable(pfn))
        {
            page.Clear(PageFlags.Unevictable);
        }
        else
        {
            page.Clear(PageFlags.Active);
            page.Set(PageFlags.Unevictable);
        }

        page.Set(PageFlags.Lru);
        Link(pfn, tail: false);
    }

    /// <summary>Takes a folio off its list (lruvec_del_folio) and clears PG_lru (folio_test_clear_lru).</summary>
    /// <param name="pfn">Head PFN of a folio on an LRU.</param>
    /// <remarks>include/linux/mm_inline.h: lruvec_del_folio.</remarks>
    public void LruvecDelFolio(int pfn)
    {
        ref PageFrame page = ref node.Pages[pfn];
        VmBug.VmBugOnPage(!page.Has(PageFlags.Lru), node.Pages, pfn, "lruvec_del_folio: folio not on an LRU");
        Unlink(pfn);
        page.Clear(PageFlags.Lru);
    }

    /// <summary>
    /// Removes a folio from its LRU if it is on one, before its last reference goes (__folio_put →
    /// page_cache_release): the kernel refuses to free a page with PG_lru.
    /// </summary>
    /// <param name="pfn">Head PFN.</param>
    public void FolioPutLru(int pfn)
    {
        if (node.Pages[pfn].Has(PageFlags.Lru))
        {
            LruvecDelFolio(pfn);
        }
    }

    /// <summary>Moves a folio on an LRU to the head of <paramref name="to"/>, setting PG_active as the list says.</summary>
    /// <param name="pfn">Head PFN of a folio on an LRU.</param>
    /// <param name="to">The destination list (not <see cref="LruList.Unevictable"/>).</param>
    /// <param name="tail">Add at the tail (reclaimed next) rather than the head.</param>
    public void MoveFolio(int pfn, LruList to, bool tail = false)
    {
        ref PageFrame page = ref node.Pages[pfn];
        Debug.Assert(to != LruList.Unevictable, "use FolioAddLru for the unevictable list");
        Unlink(pfn);
        if (to is LruList.ActiveAnon or LruList.ActiveFile)
        {
            page.Set(PageFlags.Active);
        }
        else
        {
            page.Clear(PageFlags.Active);
        }

        Link(pfn, tail);
    }

    /// <summary>
    /// folio_mark_accessed: a second access of an inactive folio activates it (referenced → active);
    /// a first access only sets PG_referenced.
    /// </summary>
    /// <param name="pfn">Head PFN.</param>
    /// <remarks>mm/swap.c: folio_mark_accessed (the workingset_activation call is the reclaim implementation's).</remarks>
    public void FolioMarkAccessed(int pfn)
    {
        ref PageFrame page = ref node.Pages[pfn];
        if (!page.Has(PageFlags.Referenced))
        {
            page.Set(PageFlags.Referenced);
        }
        else if (page.Has(PageFlags.Unevictable))
        {
            // Unevictable folios are not on an aging list: nothing to promote.
        }
        else if (!page.Has(PageFlags.Active))
        {
            FolioActivate(pfn);
            page.Clear(PageFlags.Referenced);
            Workingset?.Activation(pfn);
        }
    }

    /// <summary>folio_activate: an evictable inactive folio on an LRU moves to its active list (pgactivate).</summary>
    /// <param name="pfn">Head PFN.</param>
    /// <remarks>mm/swap.c: folio_activate, lru_activate. A folio off the LRU (isolated) only gets PG_active.</remarks>
    public void FolioActivate(int pfn)
    {
        ref PageFrame page = ref node.Pages[pfn];
        if (page.Has(PageFlags.Active) || page.Has(PageFlags.Unevictable))
        {
            return;
        }

        long nr = 1L << page.Order;
        if (page.Has(PageFlags.Lru))
        {
            MoveFolio(pfn, page.Has(PageFlags.SwapBacked) ? LruList.ActiveAnon : LruList.ActiveFile);
        }
        else
        {
            page.Set(PageFlags.Active);
        }

        node.CountVmEvents(VmEventItem.Pgactivate, nr);
    }

    /// <summary>
    /// folio_rotate_reclaimable: a folio that finished writeback with PG_reclaim set moves to the tail of
    /// its inactive list, so reclaim finds it next (pgrotated).
    /// </summary>
    /// <param name="pfn">Head PFN.</param>
    /// <returns>True when it was rotated.</returns>
    /// <remarks>mm/swap.c: folio_rotate_reclaimable, lru_move_tail.</remarks>
    public bool FolioRotateReclaimable(int pfn)
    {
        ref PageFrame page = ref node.Pages[pfn];
        if (page.Has(PageFlags.Locked) || page.Has(PageFlags.Dirty) || page.Has(PageFlags.Unevictable) || !page.Has(PageFlags.Lru))
        {
            return false;
        }

        MoveFolio(pfn, page.Has(PageFlags.SwapBacked) ? LruList.InactiveAnon : LruList.InactiveFile, tail: true);
        long nr = 1L << page.Order;
        node.CountVmEvents(VmEventItem.Pgrotated, nr);
        Rotated += nr;
        return true;
    }

    /// <summary>
    /// Checks every list: each entry is an allocated head page with PG_lru whose flags name this list and
    /// whose memcg owns this lruvec; sizes per zone match; node counters equal the sum over lruvecs; and
    /// no page outside the lists has PG_lru. O(pages).
    /// </summary>
    /// <returns>A description of the first violation, or null.</returns>
    public string? Verify()
    {
        PageFrame[] pages = node.Pages;
        int nrZones = node.Zones.Length;
        long onLists = 0;
        var totals = new long[Lruvec.NrLruLists];
        foreach (Lruvec lruvec in lruvecs)
        {
            for (int l = 0; l < Lruvec.NrLruLists; l++)
            {
                var sizes = new long[nrZones];
                int prev = -1;
                for (int pfn = lruvec.Heads[l]; pfn >= 0; pfn = pages[pfn].Next)
                {
                    ref PageFrame page = ref pages[pfn];
                    if (!page.Has(PageFlags.Allocated) || !page.Has(PageFlags.Lru))
                    {
                        return $"pfn 0x{pfn:x} is on {(LruList)l} of memcg {lruvec.MemcgId} without PG_lru or not allocated";
                    }

                    if (FolioLruList(page) != (LruList)l || node.FolioMemcg[pfn] != lruvec.MemcgId || page.Prev != prev)
                    {
                        return $"pfn 0x{pfn:x} is on {(LruList)l} of memcg {lruvec.MemcgId} but its flags say {FolioLruList(page)}, memcg {node.FolioMemcg[pfn]} (or its prev link is broken)";
                    }

                    sizes[node.ZoneIdOfPfn(pfn)] += 1L << page.Order;
                    onLists++;
                    prev = pfn;
                }

                if (prev != lruvec.Tails[l])
                {
                    return $"{(LruList)l} of memcg {lruvec.MemcgId}: tail is 0x{lruvec.Tails[l]:x}, last entry 0x{prev:x}";
                }

                for (int z = 0; z < nrZones; z++)
                {
                    if (sizes[z] != lruvec.ZoneLruSize((LruList)l, z))
                    {
                        return $"{(LruList)l} of memcg {lruvec.MemcgId} zone {z}: {sizes[z]} pages listed, size says {lruvec.ZoneLruSize((LruList)l, z)}";
                    }

                    totals[l] += sizes[z];
                }
            }
        }

        for (int l = 0; l < Lruvec.NrLruLists; l++)
        {
            long stat = node.VmStat[(int)NodeStatItem.NrInactiveAnon + l];
            if (stat != totals[l])
            {
                return $"{(LruList)l}: node counter {stat}, lists hold {totals[l]}";
            }
        }

        long flagged = 0;
        for (int pfn = 0; pfn < pages.Length; pfn++)
        {
            if (pages[pfn].Has(PageFlags.Lru))
            {
                flagged++;
            }
        }

        return flagged != onLists ? $"{flagged} pages have PG_lru but {onLists} folios are on the lists" : null;
    }

    private void Link(int pfn, bool tail)
    {
        ref PageFrame page = ref node.Pages[pfn];
        Lruvec lruvec = FolioLruvec(pfn);
        LruList lru = FolioLruList(page);
        if (tail)
        {
            IntrusiveList.AddTail(node.Pages, lruvec.Heads, lruvec.Tails, (int)lru, pfn);
        }
        else
        {
            IntrusiveList.AddHead(node.Pages, lruvec.Heads, lruvec.Tails, (int)lru, pfn);
        }

        UpdateSize(lruvec, lru, pfn, 1L << page.Order);
    }

    private void Unlink(int pfn)
    {
        ref PageFrame page = ref node.Pages[pfn];
        Lruvec lruvec = FolioLruvec(pfn);
        LruList lru = FolioLruList(page);
        IntrusiveList.Remove(node.Pages, lruvec.Heads, lruvec.Tails, (int)lru, pfn);
        UpdateSize(lruvec, lru, pfn, -(1L << page.Order));
    }

    // update_lru_size: the lruvec's zone size, the node's NR_INACTIVE_ANON.. and the zone's NR_ZONE_INACTIVE_ANON..
    private void UpdateSize(Lruvec lruvec, LruList lru, int pfn, long nrPages)
    {
        int zid = node.ZoneIdOfPfn(pfn);
        Zone zone = node.Zones[zid];
        lruvec.AddSize(lru, zid, nrPages);
        node.ModNodePageState(NodeStatItem.NrInactiveAnon + (int)lru, nrPages);
        zone.ModZonePageState(ZoneStatItem.NrZoneInactiveAnon + (int)lru, nrPages);
    }
}
