using MmSim.Mm;
using MmSim.Mm.PageAlloc;
using MmSim.Tests.KernelRules.Support;
using static MmSim.Tests.KernelRules.Support.RuleMachines;
using static MmSim.Tests.KernelRules.Support.Shape;

namespace MmSim.Tests.KernelRules;

/// <summary>
/// Per-cpu lists: rmqueue_pcplist/__rmqueue_pcplist, nr_pcp_alloc, rmqueue_bulk (one rmqueue_mode per
/// batch, list_add_tail), free_frozen_page_commit (list_add at the head), nr_pcp_high/nr_pcp_free,
/// free_pcppages_bulk (list tails), drain_all_pages, pcp_allowed_order.
/// </summary>
public class PcpRulesTests
{
    private static void FixPcp(PerCpuPages pcp, int batch, int high)
    {
        pcp.Batch = batch;
        pcp.HighMin = pcp.HighMax = pcp.High = high;
        pcp.AllocFactor = 0;
        pcp.FreeCount = 0;
    }

    // Normal(128): managed 65536 → zone_batchsize = rounddown_pow_of_two(16 + 8) − 1 = 15. First GFP_KERNEL
    // order-0 allocation: nr_pcp_alloc = batch << alloc_factor(0) = 15 (alloc_factor → 1); rmqueue_bulk
    // claims the order-10 MOVABLE block 1024 under ALLOC_NOFRAGMENT and then takes 1025..1038 from the
    // UNMOVABLE lists (each list_add_tail), the head (1024) is handed out. The 14 pcp pages are free but
    // are in neither NR_FREE_PAGES nor free_area[].nr_free (buddyinfo).
    [Fact]
    public void Refill_TakesBatchPages_HeadIsHandedOut_PcpPagesNotCountedFree()
    {
        PageAllocator a = Normal(128, pcp: true);
        Zone z = a.NormalZone();
        PerCpuPages pcp = z.Pcp;
        Assert.Equal(15, pcp.Batch);
        int pindex = PerCpuPages.OrderToPindex(MigrateType.Unmovable, 0);

        Assert.Equal(1024, a.AllocPages(GfpFlags.Kernel, 0));
        Assert.Equal(Enumerable.Range(1025, 14), PcpList(a, z, pindex));
        Assert.Equal(14, pcp.Count);
        Assert.Equal(1, pcp.AllocFactor);
        Assert.Equal(65536 - 15, FreePages(z));
        Assert.Equal(new[] { 1039 }, List(a, z, 0, MigrateType.Unmovable));
        Assert.Equal(1, z.NrFree[0]);
        Assert.Equal(new[] { 1040 }, List(a, z, 4, MigrateType.Unmovable));
        Assert.Equal(new[] { 1536 }, List(a, z, 9, MigrateType.Unmovable));
        Assert.Equal(MigrateType.Unmovable, TypeOf(a, 1536));
        AssertClean(a);

        // Later allocations come from the list head without touching the buddy lists.
        Assert.Equal(1025, a.AllocPages(GfpFlags.Kernel, 0));
        Assert.Equal(13, pcp.Count);
        Assert.Equal(65536 - 15, FreePages(z));

        // LIFO: a freed page goes to the head (list_add) and is the next one handed out.
        a.FreePages(1024, 0);
        Assert.Equal(1024, PcpList(a, z, pindex)[0]);
        Assert.Equal(14, pcp.Count);
        Assert.Equal(65536 - 15, FreePages(z));
        Assert.Equal(1024, a.AllocPages(GfpFlags.Kernel, 0));
        AssertClean(a);

        // drain_all_pages: every pcp page back to the buddy lists (merging with their buddies).
        a.DrainAllPages();
        Assert.Equal(0, pcp.Count);
        Assert.Empty(PcpList(a, z, pindex));
        Assert.Equal(65536 - 2, FreePages(z));
        Assert.Equal(new[] { 1026 }, List(a, z, 1, MigrateType.Unmovable));
        AssertClean(a);
    }

    // free_frozen_page_commit: once pcp->count ≥ nr_pcp_high() (= high when high_min == high_max), free
    // nr_pcp_free() = clamp(free_count, batch, high − batch) pages with free_pcppages_bulk, which takes
    // list_last_entry (the tail: the oldest frees) first. batch 2, high 6: the 6th consecutive free drains 4.
    [Fact]
    public void FreePcppagesBulk_DrainsFromTheTail_WhenCountReachesHigh()
    {
        PageAllocator a = Normal(16, pcp: true);
        Zone z = a.NormalZone();
        FixPcp(z.Pcp, 2, 6);
        int[] got = new int[6];
        for (int i = 0; i < 6; i++)
        {
            got[i] = a.AllocPages(GfpFlags.Kernel, 0);
        }

        // Refills of 2 (alloc_factor 0) then 4 (alloc_factor 1, capped by max(high − count − batch, batch) = 4).
        Assert.Equal(new[] { 1024, 1025, 1026, 1027, 1028, 1029 }, got);
        Assert.Equal(0, z.Pcp.Count);
        long free0 = FreePages(z);

        for (int i = 0; i < 5; i++)
        {
            a.FreePages(got[i], 0);
        }

        Assert.Equal(new[] { 1028, 1027, 1026, 1025, 1024 }, PcpList(a, z, 0));
        Assert.Equal(free0, FreePages(z));

        a.FreePages(got[5], 0);
        Assert.Equal(new[] { 1029, 1028 }, PcpList(a, z, 0));
        Assert.Equal(2, z.Pcp.Count);
        Assert.Equal(free0 + 4, FreePages(z));

        // 1024..1027 merged into an order-2 buddy; 1028/1029 are still on the pcp list.
        Assert.Equal(new[] { 1024 }, List(a, z, 2, MigrateType.Unmovable));
        Assert.Equal(new[] { 1030 }, List(a, z, 1, MigrateType.Unmovable));
        AssertClean(a);
    }

    // pcp_allowed_order: orders ≤ PAGE_ALLOC_COSTLY_ORDER and HPAGE_PMD_ORDER (9, THP on). A THP refill takes
    // max(batch >> 9, 2) = 2 order-9 blocks onto the MOVABLE THP list (pindex 13); an order-4 allocation and
    // its free bypass the pcp lists entirely; a freed THP goes back to the head of the THP list.
    [Fact]
    public void Order9ThpUsesPcp_Order4DoesNot()
    {
        PageAllocator a = Normal(128, pcp: true);
        Zone z = a.NormalZone();
        int thp = PerCpuPages.OrderToPindex(MigrateType.Movable, 9);
        Assert.Equal(13, thp);

        Assert.Equal(1024, a.AllocPages(GfpFlags.TransHuge, 9));
        Assert.Equal(new[] { 1536 }, PcpList(a, z, thp));
        Assert.Equal(512, z.Pcp.Count);
        Assert.Equal(65536 - 1024, FreePages(z));

        Assert.Equal(2048, a.AllocPages(GfpFlags.HighUserMovable, 4));
        Assert.Equal(512, z.Pcp.Count);
        Assert.Equal(65536 - 1024 - 16, FreePages(z));
        Assert.Equal(new[] { 2064 }, List(a, z, 4, MigrateType.Movable));
        a.FreePages(2048, 4);
        Assert.Equal(512, z.Pcp.Count);
        Assert.Equal(65536 - 1024, FreePages(z));
        Assert.Equal(2048, List(a, z, 10, MigrateType.Movable)[0]);

        a.FreePages(1024, 9);
        Assert.Equal(new[] { 1024, 1536 }, PcpList(a, z, thp));
        Assert.Equal(1024, z.Pcp.Count);
        AssertClean(a);
    }

    // rmqueue_bulk shares one rmqueue_mode over the batch: once __rmqueue_steal succeeds (RMQUEUE_STEAL) the
    // later pages skip NORMAL/CMA/CLAIM, so the failing claim of block 1024 (16 free pages) is tried — and
    // boost_watermark called — once. The fast path (ALLOC_NOFRAGMENT) refill got nothing but still raised
    // alloc_factor, so the retry pulls batch << 1 = 6 pages: 2048, 2050, 2052, then pieces of 1024's order-4.
    // 6.12 has no mode: every __rmqueue_fallback call re-boosts, the first carves the order-4 buddy (largest),
    // the others take order-0 buddies via find_smallest (MOVABLE, !can_steal).
    [Theory]
    [InlineData(FallbackAlgorithm.V6_15, 2048, new[] { 2050, 2052, 1024, 1025, 1026 }, 512L)]
    [InlineData(FallbackAlgorithm.V6_12, 1024, new[] { 1025, 2048, 2050, 2052, 1026 }, 1500L)]
    public void RmqueueBulk_OneModePerBatch_StealSticks(FallbackAlgorithm fallback, int expectedPfn, int[] pcpAfter, long boost)
    {
        PageAllocator a = Normal(8, pcp: true, fallback: fallback);
        Zone z = a.NormalZone();
        Clear(a, z);
        SetWatermarks(z, 0, 0, 1000);
        FixPcp(z.Pcp, 3, 100);
        ShapeBlock(a, 1024, MigrateType.Unmovable, 0, (1024, 4));
        ShapeBlock(a, 2048, MigrateType.Unmovable, 0, (2052, 0), (2050, 0), (2048, 0));
        Assert.Equal(new[] { 2048, 2050, 2052 }, List(a, z, 0, MigrateType.Unmovable));

        Assert.Equal(expectedPfn, a.AllocPages(GfpFlags.HighUserMovable, 0));
        Assert.Equal(pcpAfter, PcpList(a, z, PerCpuPages.OrderToPindex(MigrateType.Movable, 0)));
        Assert.Equal(5, z.Pcp.Count);
        Assert.Equal(2, z.Pcp.AllocFactor);
        Assert.Equal(boost, z.WatermarkBoost);
        Assert.Equal(new[] { "0/Unmovable: 1027", "2/Unmovable: 1028", "3/Unmovable: 1032" }, Lists(a, z));
        Assert.Equal(MigrateType.Unmovable, TypeOf(a, 1024));
        Assert.Equal(MigrateType.Unmovable, TypeOf(a, 2048));
        AssertClean(a);
    }

    // __free_frozen_pages: HIGHATOMIC and CMA pages are freed to the MOVABLE pcp list, ISOLATE pages go
    // straight to the buddy (free_one_page); free_pcppages_bulk re-reads the block type, so the drained
    // pages land on the HIGHATOMIC and CMA free lists.
    [Fact]
    public void Free_HighatomicAndCmaUseMovablePcpList_IsolateBypassesPcp()
    {
        PageAllocator a = Normal(8, pcp: true);
        Zone z = a.NormalZone();
        Clear(a, z);
        FixPcp(z.Pcp, 1, 100);
        foreach ((int pfn, MigrateType mt) in new[] { (1024, MigrateType.HighAtomic), (2048, MigrateType.Cma), (3072, MigrateType.Isolate) })
        {
            SetType(a, pfn, mt);
            OwnRange(a, pfn, 512, 0);
            a.FreePages(pfn, 0);
        }

        Assert.Equal(new[] { 2048, 1024 }, PcpList(a, z, PerCpuPages.OrderToPindex(MigrateType.Movable, 0)));
        Assert.Equal(2, z.Pcp.Count);
        Assert.Equal(new[] { 3072 }, List(a, z, 0, MigrateType.Isolate));
        Assert.Equal(0, FreePages(z));
        AssertClean(a);

        a.DrainAllPages();
        Assert.Equal(new[] { 1024 }, List(a, z, 0, MigrateType.HighAtomic));
        Assert.Equal(new[] { 2048 }, List(a, z, 0, MigrateType.Cma));
        Assert.Equal(2, FreePages(z));
        Assert.Equal(1, FreeCma(z));
        Assert.Equal(1, z.NrFreeHighatomic);
        AssertClean(a);
    }

    // free_frozen_page_commit: after a pcp drain, ZONE_BELOW_HIGH is cleared if
    // zone_watermark_ok(zone, 0, high_wmark_pages(zone), ZONE_MOVABLE, 0); frees that do not drain leave it.
    [Theory]
    [InlineData(100L, true)]
    [InlineData(1_000_000L, false)]
    public void PcpFreeDrain_ClearsBelowHighOnlyWhenHighWatermarkMet(long highAtDrain, bool cleared)
    {
        PageAllocator a = Normal(16, pcp: true);
        Zone z = a.NormalZone();
        FixPcp(z.Pcp, 2, 6);
        SetWatermarks(z, 0, 0, 100);
        int[] got = new int[6];
        for (int i = 0; i < 6; i++)
        {
            got[i] = a.AllocPages(GfpFlags.Kernel, 0);
        }

        z.Flags |= ZoneFlags.BelowHigh;
        for (int i = 0; i < 5; i++)
        {
            a.FreePages(got[i], 0);
        }

        Assert.Equal(ZoneFlags.BelowHigh, z.Flags & ZoneFlags.BelowHigh);
        SetWatermarks(z, 0, 0, highAtDrain);
        a.FreePages(got[5], 0);
        Assert.Equal(2, z.Pcp.Count);
        Assert.Equal(cleared ? ZoneFlags.None : ZoneFlags.BelowHigh, z.Flags & ZoneFlags.BelowHigh);
        AssertClean(a);
    }

    // free_frozen_page_commit, orders 1..PAGE_ALLOC_COSTLY_ORDER: free_high = free_count >= batch +
    // high_min / 2 && PCPF_PREV_FREE_HIGH_ORDER && (!PCPF_FREE_HIGH_BATCH || count >= batch); then
    // nr_pcp_high() returns 0 and nr_pcp_free() = min(count, batch << CONFIG_PCP_BATCH_SCALE_MAX): the
    // whole list is drained. batch 2, high 10: the 5th consecutive order-1 free (free_count 8 ≥ 7) empties
    // the pcp; five order-0 frees (no free_high) stay.
    [Theory]
    [InlineData(1, 0)]
    [InlineData(0, 5)]
    public void PcpFreeHigh_HighOrderFreesDrainEverything(int order, int countAfter)
    {
        PageAllocator a = Normal(16, pcp: true);
        Zone z = a.NormalZone();
        FixPcp(z.Pcp, 2, 10);
        Assert.NotEqual(0, z.Pcp.PcpFlags & PerCpuPages.FlagFreeHighBatch);
        int[] got = new int[5];
        for (int i = 0; i < 5; i++)
        {
            got[i] = a.AllocPages(GfpFlags.Kernel, order);
        }

        a.DrainAllPages();
        Assert.Equal(0, z.Pcp.FreeCount);
        for (int i = 0; i < 4; i++)
        {
            a.FreePages(got[i], order);
        }

        Assert.Equal(4 << order, z.Pcp.Count);
        a.FreePages(got[4], order);
        Assert.Equal(countAfter, z.Pcp.Count);
        AssertClean(a);
    }

    // nr_pcp_alloc: with high_min != high_max and no ZONE_BELOW_HIGH, each refill raises
    // pcp->high = min(high + batch, high_max); decay_pcp_high (vmstat worker) lowers it by high >> 3 per
    // call, not below high_min, and reports whether more decay is due.
    [Fact]
    public void PcpHigh_GrowsOnRefill_DecaysByOneEighth()
    {
        PageAllocator a = Normal(16, pcp: true);
        Zone z = a.NormalZone();
        PerCpuPages pcp = z.Pcp;
        SetWatermarks(z, 0, 0, 0);
        pcp.Batch = 2;
        pcp.HighMin = 10;
        pcp.HighMax = 100;
        pcp.High = 10;
        pcp.AllocFactor = 0;

        Assert.Equal(1024, a.AllocPages(GfpFlags.Kernel, 0));
        Assert.Equal(12, pcp.High);
        Assert.Equal(1, pcp.Count);

        Assert.Equal(1, a.DecayPcpHigh(z));   // 12 - 12/8 = 11, still above high_min
        Assert.Equal(11, pcp.High);
        Assert.Equal(0, a.DecayPcpHigh(z));   // 11 - 1 = 10 = high_min
        Assert.Equal(10, pcp.High);
        Assert.Equal(1, pcp.Count);
        AssertClean(a);
    }
}
