// Workingset detection (mm/workingset.c, the classic-LRU half): when reclaim evicts a page-cache or
// swap-cache folio it leaves a shadow entry in the folio's slot recording the lruvec's
// nonresident_age at eviction; when the folio faults back in, the distance between that age and the
// current one (the refault distance) says whether the folio would have stayed resident had the
// active list been that much smaller. If so it is activated at once (workingset_activate_*).
using System.Diagnostics;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;

namespace MmSim.Mm.Swap;

/// <summary>
/// Shadow entries and refault detection. Reclaim calls <see cref="Eviction"/>; the page-cache (and
/// swap-cache) insertion path calls <see cref="Refault"/> with the shadow it found in the slot,
/// before <see cref="Lru.FolioAddLru"/>, as filemap_add_folio does.
/// </summary>
/// <remarks>
/// mm/workingset.c (6.18, MGLRU off): workingset_eviction, workingset_refault, workingset_test_recent,
/// workingset_age_nonresident, workingset_activation, pack_shadow/unpack_shadow. A shadow is stored
/// in a slot of <c>int</c> as <c>-2 - packed</c>, so every "cached" test (<c>slot &gt;= 0</c>) and the
/// empty slot (-1) keep their meaning. packed = eviction (17 bits, in buckets of 2^bucket_order
/// pages) | memcg id (12 bits) | the workingset bit; the node is implicit (one node).
/// </remarks>
public sealed class Workingset
{
    /// <summary>Bits of the eviction counter kept in a shadow (EVICTION_BITS, narrowed to fit an int slot).</summary>
    public const int EvictionBits = 17;

    /// <summary>Bits of the memcg id kept in a shadow (MEM_CGROUP_ID_SHIFT, narrowed); larger ids are recorded as the root.</summary>
    public const int MemcgIdBits = 12;

    private const long EvictionMask = (1L << EvictionBits) - 1;

    private readonly PgData node;
    private readonly Lru lru;
    private readonly Func<ushort, int> parentOf;

    /// <summary>Creates the workingset state of the node.</summary>
    /// <param name="node">The node (totalram sizes the eviction buckets).</param>
    /// <param name="lru">The LRU lists, whose lruvecs carry nonresident_age.</param>
    /// <param name="parentOf">The parent memcg id of a memcg id, or -1 for the root (parent_lruvec).</param>
    public Workingset(PgData node, Lru lru, Func<ushort, int> parentOf)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(lru);
        ArgumentNullException.ThrowIfNull(parentOf);
        this.node = node;
        this.lru = lru;
        this.parentOf = parentOf;

        // workingset_init: bucket_order = fls_long(totalram_pages() - 1) - EVICTION_BITS, at least 0.
        long total = Math.Max(node.ManagedPages, 2);
        int fls = 64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)(total - 1));
        BucketOrder = Math.Max(0, fls - EvictionBits);
    }

    /// <summary>bucket_order: evictions are counted in buckets of 2^BucketOrder pages.</summary>
    public int BucketOrder { get; }

    /// <summary>The swap device (null: no swap). The one place the kernel wires it; reclaim reads it here too.</summary>
    public ISwapOut? Swap { get; set; }

    /// <summary>Whether <paramref name="slot"/> holds a shadow entry (xa_is_value).</summary>
    /// <param name="slot">A slot value.</param>
    /// <returns>True for a shadow.</returns>
    public static bool IsShadow(int slot) => slot < -1;

    /// <summary>
    /// workingset_age_nonresident: ages the lruvec of <paramref name="memcgId"/> and every ancestor's by
    /// <paramref name="nrPages"/> (an eviction or an activation happened below them).
    /// </summary>
    /// <param name="memcgId">The memcg whose lruvec aged.</param>
    /// <param name="nrPages">Pages.</param>
    public void AgeNonresident(ushort memcgId, long nrPages)
    {
        for (int id = memcgId; id >= 0; id = parentOf((ushort)id))
        {
            lru.LruvecOf((ushort)id).NonresidentAge += nrPages;
        }
    }

    /// <summary>
    /// workingset_eviction: the shadow entry for a folio reclaim is about to remove, taken from the lruvec of
    /// the reclaim's target memcg (the root for global reclaim), which ages by the folio's pages.
    /// </summary>
    /// <param name="pfn">Head PFN of the folio being evicted.</param>
    /// <param name="targetMemcgId">sc->target_mem_cgroup's id (0 for global reclaim).</param>
    /// <param name="workingset">folio_test_workingset (mmsim has no PG_workingset bit: callers pass false).</param>
    /// <returns>The shadow, negative and below -1.</returns>
    public int Eviction(int pfn, ushort targetMemcgId, bool workingset)
    {
        Lruvec lruvec = lru.LruvecOf(targetMemcgId);
        long eviction = lruvec.NonresidentAge >> BucketOrder;
        AgeNonresident(targetMemcgId, 1L << node.Pages[pfn].Order);
        return PackShadow(targetMemcgId, eviction, workingset);
    }

    /// <summary>
    /// workingset_refault: a folio is being added back where <paramref name="shadow"/> was. Counts
    /// workingset_refault_*; when the refault distance fits the workingset, sets PG_active (so
    /// folio_add_lru puts it on the active list), ages the lruvec and counts workingset_activate_*.
    /// </summary>
    /// <param name="pfn">Head PFN of the new folio (charged to its memcg, not yet on an LRU).</param>
    /// <param name="shadow">The shadow entry found in the slot (see <see cref="IsShadow"/>).</param>
    /// <returns>True when the folio was activated.</returns>
    public bool Refault(int pfn, int shadow)
    {
        Debug.Assert(IsShadow(shadow), "a shadow entry");
        ref PageFrame page = ref node.Pages[pfn];
        bool file = !page.Has(PageFlags.SwapBacked);
        long nr = 1L << page.Order;
        ushort memcg = node.FolioMemcg[pfn];
        node.ModNodePageState(file ? NodeStatItem.WorkingsetRefaultFile : NodeStatItem.WorkingsetRefaultAnon, nr);
        if (!TestRecent(shadow, file))
        {
            return false;
        }

        page.Set(PageFlags.Active);
        AgeNonresident(memcg, nr);
        node.ModNodePageState(file ? NodeStatItem.WorkingsetActivateFile : NodeStatItem.WorkingsetActivateAnon, nr);
        for (int id = memcg; id >= 0; id = parentOf((ushort)id))
        {
            lru.LruvecOf((ushort)id).WorkingsetActivate[file ? 1 : 0] += nr;
        }

        return true;
    }

    /// <summary>workingset_activation: a resident folio was activated (folio_mark_accessed); its lruvec ages.</summary>
    /// <param name="pfn">Head PFN.</param>
    public void Activation(int pfn) => AgeNonresident(node.FolioMemcg[pfn], 1L << node.Pages[pfn].Order);

    /// <summary>
    /// workingset_test_recent: the refault distance (nonresident_age now minus at eviction, in the lruvec
    /// that evicted it) is at most the workingset size: the active file list, plus for anon refaults the
    /// inactive file list, plus the anon lists when swap has room.
    /// </summary>
    /// <param name="shadow">A shadow entry.</param>
    /// <param name="file">The refaulting folio is file-backed.</param>
    /// <returns>True when the folio is part of the workingset.</returns>
    public bool TestRecent(int shadow, bool file)
    {
        UnpackShadow(shadow, out ushort memcgId, out long eviction, out _);
        Lruvec lruvec = lru.LruvecOf(memcgId);
        eviction <<= BucketOrder;
        long refault = lruvec.NonresidentAge;
        long distance = (refault - eviction) & (EvictionMask << BucketOrder | ((1L << BucketOrder) - 1));
        long size = HierSize(memcgId, LruList.ActiveFile);
        if (!file)
        {
            size += HierSize(memcgId, LruList.InactiveFile);
        }

        if (Swap?.CanReclaimAnon(memcgId) == true)
        {
            size += HierSize(memcgId, LruList.ActiveAnon);
            if (file)
            {
                size += HierSize(memcgId, LruList.InactiveAnon);
            }
        }

        return distance <= size;
    }

    /// <summary>pack_shadow.</summary>
    /// <param name="memcgId">Memcg id.</param>
    /// <param name="eviction">Eviction counter, already shifted by bucket_order.</param>
    /// <param name="workingset">The workingset bit.</param>
    /// <returns>The slot value.</returns>
    public static int PackShadow(ushort memcgId, long eviction, bool workingset)
    {
        long id = memcgId < (1 << MemcgIdBits) ? memcgId : 0;
        long packed = ((eviction & EvictionMask) << (MemcgIdBits + 1)) | (id << 1) | (workingset ? 1L : 0);
        return (int)(-2 - packed);
    }

    /// <summary>unpack_shadow.</summary>
    /// <param name="shadow">A shadow entry.</param>
    /// <param name="memcgId">Memcg id.</param>
    /// <param name="eviction">Eviction counter in buckets.</param>
    /// <param name="workingset">The workingset bit.</param>
    public static void UnpackShadow(int shadow, out ushort memcgId, out long eviction, out bool workingset)
    {
        long packed = -2L - shadow;
        workingset = (packed & 1) != 0;
        memcgId = (ushort)((packed >> 1) & ((1 << MemcgIdBits) - 1));
        eviction = packed >> (MemcgIdBits + 1);
    }

    // lruvec_page_state of a memcg's lruvec is hierarchical: the sum over its subtree (the node's for the root).
    private long HierSize(ushort memcgId, LruList list)
    {
        if (memcgId == 0)
        {
            return node.VmStat[(int)NodeStatItem.NrInactiveAnon + (int)list];
        }

        long size = 0;
        foreach (Lruvec lruvec in lru.Lruvecs)
        {
            for (int id = lruvec.MemcgId; id >= 0; id = parentOf((ushort)id))
            {
                if (id == memcgId)
                {
                    size += lruvec.LruSize(list);
                    break;
                }
            }
        }

        return size;
    }
}
