namespace MmSim.Mm.PageAlloc;

/// <summary>
/// The per-cpu page lists of one zone on the one simulated CPU.
/// </summary>
/// <remarks>
/// include/linux/mmzone.h: struct per_cpu_pages. Lists: orders 0..PAGE_ALLOC_COSTLY_ORDER for each
/// of the three pcp migratetypes, plus two THP (pageblock_order) lists, unmovable-or-reclaimable and
/// movable (NR_PCP_LISTS = 14, mm/page_alloc.c: order_to_pindex).
/// </remarks>
public sealed class PerCpuPages
{
    /// <summary>NR_LOWORDER_PCP_LISTS.</summary>
    public const int NrLowOrderLists = MigrateTypes.PcpTypes * (MmConstants.PageAllocCostlyOrder + 1);

    /// <summary>NR_PCP_LISTS (with NR_PCP_THP = 2).</summary>
    public const int NrLists = NrLowOrderLists + 2;

    /// <summary>CONFIG_PCP_BATCH_SCALE_MAX default.</summary>
    public const int BatchScaleMax = 5;

    /// <summary>PCPF_PREV_FREE_HIGH_ORDER.</summary>
    public const int FlagPrevFreeHighOrder = 1;

    /// <summary>PCPF_FREE_HIGH_BATCH.</summary>
    public const int FlagFreeHighBatch = 2;

    /// <summary>Creates an empty pageset (the boot pageset: high 0, batch 1).</summary>
    public PerCpuPages()
    {
        Array.Fill(ListHead, -1);
        Array.Fill(ListTail, -1);
    }

    /// <summary>count: pages on all lists (in base pages).</summary>
    public int Count { get; internal set; }

    /// <summary>high: current drain threshold, auto-tuned between high_min and high_max.</summary>
    public int High { get; internal set; }

    /// <summary>high_min.</summary>
    public int HighMin { get; internal set; }

    /// <summary>high_max.</summary>
    public int HighMax { get; internal set; }

    /// <summary>batch: chunk size for buddy add/remove.</summary>
    public int Batch { get; internal set; } = 1;

    /// <summary>free_count: consecutive pages freed without allocation.</summary>
    public int FreeCount { get; internal set; }

    /// <summary>alloc_factor: batch scale factor during allocation.</summary>
    public int AllocFactor { get; internal set; }

    /// <summary>flags: PCPF_*.</summary>
    public int PcpFlags { get; internal set; }

    /// <summary>zone_pcp_disable nesting depth (the kernel holds pcp_batch_high_lock meanwhile).</summary>
    internal int DisableDepth { get; set; }

    /// <summary>high_min saved by zone_pcp_disable (zone->pageset_high_min).</summary>
    internal int SavedHighMin { get; set; }

    /// <summary>high_max saved by zone_pcp_disable (zone->pageset_high_max).</summary>
    internal int SavedHighMax { get; set; }

    /// <summary>batch saved by zone_pcp_disable (zone->pageset_batch).</summary>
    internal int SavedBatch { get; set; }

    /// <summary>Head PFN of each list (-1 when empty).</summary>
    internal int[] ListHead { get; } = new int[NrLists];

    /// <summary>Tail PFN of each list (-1 when empty).</summary>
    internal int[] ListTail { get; } = new int[NrLists];


    /// <summary>pcp_allowed_order: orders that go through the pcp lists (≤ 3, and THP's pageblock order).</summary>
    /// <param name="order">Order.</param>
    /// <returns>True when the order uses the pcp lists.</returns>
    public static bool AllowedOrder(int order) => order <= MmConstants.PageAllocCostlyOrder || order == MmConstants.PageblockOrder;

    /// <summary>order_to_pindex.</summary>
    /// <param name="mt">A pcp migratetype (below MIGRATE_PCPTYPES).</param>
    /// <param name="order">An allowed order.</param>
    /// <returns>The list index.</returns>
    public static int OrderToPindex(MigrateType mt, int order)
    {
        if (order > MmConstants.PageAllocCostlyOrder)
        {
            return NrLowOrderLists + (mt == MigrateType.Movable ? 1 : 0);
        }

        return (MigrateTypes.PcpTypes * order) + (int)mt;
    }

    /// <summary>pindex_to_order.</summary>
    /// <param name="pindex">List index.</param>
    /// <returns>The order of the pages on that list.</returns>
    public static int PindexToOrder(int pindex) =>
        pindex >= NrLowOrderLists ? MmConstants.PageblockOrder : pindex / MigrateTypes.PcpTypes;
}
