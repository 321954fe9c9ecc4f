// Per-memcg statistics (mm/memcontrol.c: __mod_lruvec_state, count_memcg_events, the rstat flush)
// and the charge invariant. The page-state items memory.stat prints that follow from the memory map
// (anon, file, shmem, file_mapped, file_dirty, file_writeback, anon_thp, pagetables, kernel, the LRU
// sizes) are recomputed from it by FlushStats, as mem_cgroup_flush_stats folds the per-cpu deltas
// before a read: every path that changes a folio's flags or charge is then reflected without each
// having to call ModLruvecState. Other items (workingset_*, events) are counted where they happen.
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;

namespace MmSim.Mm.Memcontrol;

/// <content>Statistics seams, the flush and the invariant.</content>
public sealed partial class MemcgTree
{
    private long[] verifyLocal = [];

    /// <summary>Pages on LRU list <c>lru</c> (0..4, enum lru_list) of a cgroup's lruvec: set by the kernel that owns the LRU lists.</summary>
    public Func<ushort, int, long>? LruSizeOf { get; set; }

    /// <summary>
    /// __mod_lruvec_state / lruvec_stat_mod_folio: changes node counter <paramref name="item"/> by
    /// <paramref name="delta"/> and the share of the folio's cgroup. Use it instead of
    /// <c>PgData.ModNodePageState</c> where a folio's statistic changes (folio_account_dirtied,
    /// __folio_start_writeback, …); ancestors' totals are summed when read, as the rstat flush does.
    /// </summary>
    /// <param name="pfn">Head PFN of the folio (its memcg is <c>PgData.FolioMemcg[pfn]</c>, 0 = root).</param>
    /// <param name="item">The node statistic.</param>
    /// <param name="delta">Change, in the item's unit.</param>
    public void ModLruvecState(int pfn, NodeStatItem item, long delta)
    {
        node.ModNodePageState(item, delta);
        byId[node.FolioMemcg[pfn]].Stat[MemcgStats.MemcgStatsIndex(item)] += delta;
    }

    /// <summary>mod_memcg_state: changes a memcg-only counter (MEMCG_KMEM, MEMCG_SWAP, …) of one cgroup.</summary>
    /// <param name="memcg">The cgroup.</param>
    /// <param name="item">The item.</param>
    /// <param name="delta">Change.</param>
    public static void ModMemcgState(MemCgroup memcg, MemcgStatItem item, long delta)
    {
        ArgumentNullException.ThrowIfNull(memcg);
        memcg.Stat[MemcgStats.MemcgStatsIndex(item)] += delta;
    }

    /// <summary>count_memcg_events: counts a VM event (pgfault, pgscan_*, pgsteal_*, …) in cgroup <paramref name="memcgId"/>.</summary>
    /// <param name="memcgId">A memcg id (a folio's or a task's).</param>
    /// <param name="item">The event.</param>
    /// <param name="count">How many.</param>
    public void CountMemcgEvents(ushort memcgId, VmEventItem item, long count) => byId[memcgId].Events[(int)item] += count;

    /// <summary>memcg_page_state: a statistic of <paramref name="memcg"/> and its whole subtree (call <see cref="FlushStats"/> first for page-state items).</summary>
    /// <param name="memcg">The cgroup.</param>
    /// <param name="index">A memcg stat index (<see cref="MemcgStats.MemcgStatsIndex(NodeStatItem)"/>).</param>
    /// <returns>The hierarchical value.</returns>
    public static long MemcgPageState(MemCgroup memcg, int index)
    {
        ArgumentNullException.ThrowIfNull(memcg);
        long sum = memcg.Stat[index];
        foreach (MemCgroup child in memcg.Children)
        {
            sum += MemcgPageState(child, index);
        }

        return sum;
    }

    /// <summary>memcg_events: an event count of <paramref name="memcg"/> and its whole subtree.</summary>
    /// <param name="memcg">The cgroup.</param>
    /// <param name="item">The event.</param>
    /// <returns>The hierarchical count.</returns>
    public static long MemcgEvents(MemCgroup memcg, VmEventItem item)
    {
        ArgumentNullException.ThrowIfNull(memcg);
        long sum = memcg.Events[(int)item];
        foreach (MemCgroup child in memcg.Children)
        {
            sum += MemcgEvents(child, item);
        }

        return sum;
    }

    /// <summary>
    /// mem_cgroup_flush_stats: recomputes every cgroup's local page-state items that follow from the
    /// memory map (one pass over it) and the LRU sizes of its lruvec. O(pages): for reads of memory.stat.
    /// </summary>
    public void FlushStats()
    {
        ReadOnlySpan<int> derived =
        [
            (int)NodeStatItem.NrAnonPages, (int)NodeStatItem.NrFilePages, (int)NodeStatItem.NrShmem,
            (int)NodeStatItem.NrMapped, (int)NodeStatItem.NrDirty, (int)NodeStatItem.NrWriteback,
            (int)NodeStatItem.NrAnonTransparentHugepages, (int)NodeStatItem.NrPageTablePages,
            (int)MemcgStatItem.MemcgKmem,
        ];
        foreach (MemCgroup m in byId)
        {
            foreach (int i in derived)
            {
                m.Stat[i] = 0;
            }

            for (int lru = 0; lru < 5; lru++)
            {
                m.Stat[(int)NodeStatItem.NrInactiveAnon + lru] = LruSizeOf?.Invoke(m.Id, lru) ?? 0;
            }
        }

        PageFrame[] pages = node.Pages;
        FolioMemcgIds memcgOf = node.FolioMemcg;
        for (int pfn = 0; pfn < pages.Length; pfn++)
        {
            ref PageFrame page = ref pages[pfn];
            if (!page.Has(PageFlags.Allocated))
            {
                continue;
            }

            long[] stat = byId[memcgOf[pfn]].Stat;
            long nr = 1L << page.Order;
            switch (page.OwnerKind)
            {
                case OwnerKind.Anon:
                    if (page.Has(PageFlags.Mapped))
                    {
                        stat[(int)NodeStatItem.NrAnonPages] += nr;
                        if (page.Order == MmConstants.PageblockOrder)
                        {
                            stat[(int)NodeStatItem.NrAnonTransparentHugepages] += nr;
                        }
                    }

                    break;
                case OwnerKind.File:
                    stat[(int)NodeStatItem.NrFilePages] += nr;
                    if (page.Has(PageFlags.SwapBacked))
                    {
                        stat[(int)NodeStatItem.NrShmem] += nr;
                    }
                    else if (page.Has(PageFlags.Dirty))
                    {
                        stat[(int)NodeStatItem.NrDirty] += nr;
                    }

                    if (page.Has(PageFlags.Mapped))
                    {
                        stat[(int)NodeStatItem.NrMapped] += nr;
                    }

                    break;
                case OwnerKind.PageTable:
                    stat[(int)NodeStatItem.NrPageTablePages] += nr;
                    stat[(int)MemcgStatItem.MemcgKmem] += nr;
                    break;
            }

            if (page.Has(PageFlags.Writeback))
            {
                stat[(int)NodeStatItem.NrWriteback] += nr;
            }
        }
    }

    /// <summary>
    /// The charge invariant: only allocated head pages carry a memcg, and every cgroup's usage is the
    /// sum of the folios charged to its subtree (page_counter hierarchy); usage never goes negative.
    /// </summary>
    /// <returns>The first violation, or null.</returns>
    public string? Verify()
    {
        if (verifyLocal.Length < byId.Count)
        {
            verifyLocal = new long[byId.Count];
        }

        Array.Clear(verifyLocal);
        PageFrame[] pages = node.Pages;
        FolioMemcgIds memcgOf = node.FolioMemcg;
        for (int pfn = 0; pfn < pages.Length; pfn++)
        {
            ushort id = memcgOf[pfn];
            if (id == 0)
            {
                continue;
            }

            if (!pages[pfn].Has(PageFlags.Allocated))
            {
                return $"pfn 0x{pfn:x} is charged to memcg {byId[id].Name} but is not the head of an allocated block";
            }

            verifyLocal[id] += 1L << pages[pfn].Order;
        }

        // Children have larger ids than their parents: fold each subtree into its parent from the end.
        for (int id = byId.Count - 1; id > 0; id--)
        {
            MemCgroup m = byId[id];
            if (m.Memory.Usage != verifyLocal[id])
            {
                return $"memcg {m.Name}: usage {m.Memory.Usage} pages, but its subtree holds {verifyLocal[id]} charged pages";
            }

            verifyLocal[m.Parent!.Id] += verifyLocal[id];
        }

        return null;
    }
}
