namespace MmSim.Mm.Stat;

/// <summary>Per-memcg counters that have no per-node counterpart (memory.stat's memcg-only items).</summary>
/// <remarks>
/// include/linux/memcontrol.h: enum memcg_stat_item as of 6.18. As in the kernel the first item
/// continues <see cref="NodeStatItem"/> (MEMCG_SWAP = NR_VM_NODE_STAT_ITEMS), so one index space
/// covers a memcg's node items and its memcg-only items; <see cref="MemcgStats"/> says how the
/// counters are laid out. Reserved for the memcg work: nothing counts these yet.
/// </remarks>
public enum MemcgStatItem
{
    /// <summary>MEMCG_SWAP: swap entries charged to the memcg (pages).</summary>
    MemcgSwap = NodeStatItem.NrVmNodeStatItems,

    /// <summary>MEMCG_SOCK: socket buffers (pages).</summary>
    MemcgSock,

    /// <summary>MEMCG_PERCPU_B: per-cpu allocations, in bytes.</summary>
    MemcgPercpuB,

    /// <summary>MEMCG_VMALLOC: vmalloc pages.</summary>
    MemcgVmalloc,

    /// <summary>MEMCG_KMEM: all kernel memory charged (pages).</summary>
    MemcgKmem,

    /// <summary>MEMCG_ZSWAP_B: compressed size in zswap, in bytes.</summary>
    MemcgZswapB,

    /// <summary>MEMCG_ZSWAPPED: pages stored in zswap.</summary>
    MemcgZswapped,

    /// <summary>MEMCG_NR_STAT: the end of the memcg index space (the count sentinel).</summary>
    MemcgNrStat,
}

/// <summary>How per-memcg and per-lruvec counters are indexed.</summary>
/// <remarks>
/// mm/memcontrol.c: struct memcg_vmstats (state[]) and struct lruvec_stats (state[]), addressed by
/// memcg_stats_index(). A memcg keeps one array for the whole memcg index space: node items at
/// their <see cref="NodeStatItem"/> index, memcg-only items at their <see cref="MemcgStatItem"/>
/// index. Each (memcg, node) pair — the kernel's lruvec — keeps one array of
/// <see cref="NodeStatItem"/> counters, and the node's own <c>pgdat.VmStat</c> stays the sum over its
/// lruvecs (mod_lruvec_state updates both). The kernel packs the arrays through
/// memcg_node_stat_items[]/memcg_stat_items[] to save memory; mmsim keeps them dense (one node), so
/// the index is the item itself. Events go to per-memcg <see cref="VmEventItem"/> arrays the same
/// way (memcg_vm_event_stat[] in the kernel).
/// </remarks>
public static class MemcgStats
{
    /// <summary>Length of a memcg's counter array: node items then memcg-only items (MEMCG_NR_STAT).</summary>
    public const int NrMemcgStatItems = (int)MemcgStatItem.MemcgNrStat;

    /// <summary>Length of a lruvec's counter array (NR_VM_NODE_STAT_ITEMS).</summary>
    public const int NrLruvecStatItems = (int)NodeStatItem.NrVmNodeStatItems;

    /// <summary>memcg_stats_index for a node item: where a memcg keeps its share of that counter.</summary>
    /// <param name="item">A node stat item.</param>
    /// <returns>The index into a memcg's counter array.</returns>
    public static int MemcgStatsIndex(NodeStatItem item) => (int)item;

    /// <summary>memcg_stats_index for a memcg-only item.</summary>
    /// <param name="item">A memcg stat item.</param>
    /// <returns>The index into a memcg's counter array.</returns>
    public static int MemcgStatsIndex(MemcgStatItem item) => (int)item;
}
