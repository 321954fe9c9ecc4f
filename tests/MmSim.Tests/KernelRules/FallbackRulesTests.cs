using MmSim.Mm;
using MmSim.Mm.PageAlloc;
using MmSim.Tests.KernelRules.Support;
using static MmSim.Tests.KernelRules.Support.RuleMachines;
using static MmSim.Tests.KernelRules.Support.Shape;

namespace MmSim.Tests.KernelRules;

/// <summary>
/// Fallback, 6.15+: __rmqueue_claim / try_to_claim_block / __rmqueue_steal / should_try_claim_block /
/// boost_watermark, and ALLOC_NOFRAGMENT. Normal(8): zone 1024..5120, 4096 managed pages (≥ 4 pageblocks,
/// so boost_watermark works), pcp off.
/// </summary>
public class FallbackRulesTests
{
    private const long High = 1000;          // _watermark[HIGH] for boost tests: max_boost = 1000 * 15000 / 10000 = 1500

    private static (PageAllocator A, Zone Z) Empty(FallbackAlgorithm fallback = FallbackAlgorithm.V6_15)
    {
        PageAllocator a = Normal(8, fallback: fallback);
        Zone z = a.NormalZone();
        Clear(a, z);
        SetWatermarks(z, 0, 0, High);
        return (a, z);
    }

    private static void Take(PageAllocator a, int pfn, int order)
    {
        Assert.True(pfn >= 0);
        Own(a, pfn, order);
    }

    // try_to_claim_block: "Take ownership for orders >= pageblock_order": del_page_from_free_list,
    // change_pageblock_range(page, current_order, start_type) (both blocks of an order-10 page),
    // expand on start_type. No watermark boost on this path. Same in 6.12 steal_suitable_fallback.
    [Theory]
    [InlineData(FallbackAlgorithm.V6_15)]
    [InlineData(FallbackAlgorithm.V6_12)]
    public void Claim_Order10Block_ChangesOwnershipOfWholeRange(FallbackAlgorithm fallback)
    {
        PageAllocator a = Normal(8, fallback: fallback);
        Zone z = a.NormalZone();
        int pfn = a.RmqueueBuddy(z, 0, NoAllocFlags, MigrateType.Unmovable);
        Assert.Equal(1024, pfn);
        Take(a, pfn, 0);
        Assert.Equal(MigrateType.Unmovable, TypeOf(a, 1024));
        Assert.Equal(MigrateType.Unmovable, TypeOf(a, 1536));
        Assert.Equal(MigrateType.Movable, TypeOf(a, 2048));
        Assert.Equal(
            new[]
            {
                "0/Unmovable: 1025", "1/Unmovable: 1026", "2/Unmovable: 1028", "3/Unmovable: 1032", "4/Unmovable: 1040",
                "5/Unmovable: 1056", "6/Unmovable: 1088", "7/Unmovable: 1152", "8/Unmovable: 1280", "9/Unmovable: 1536",
                "10/Movable: 2048,3072,4096",
            },
            Lists(a, z));
        Assert.Equal(4095, FreePages(z));
        Assert.Equal(512 + 3072, FreeBlocks(z));
        Assert.Equal(0, z.WatermarkBoost);
        AssertClean(a);
    }

    // try_to_claim_block at current_order == 9: exactly one pageblock changes type.
    [Fact]
    public void Claim_Order9Block_ChangesOnlyThatBlock()
    {
        (PageAllocator a, Zone z) = Empty();
        Free(a, 1024, 9);
        int pfn = a.RmqueueBuddy(z, 2, NoAllocFlags, MigrateType.Reclaimable);
        Assert.Equal(1024, pfn);
        Take(a, pfn, 2);
        Assert.Equal(MigrateType.Reclaimable, TypeOf(a, 1024));
        Assert.Equal(MigrateType.Movable, TypeOf(a, 1536));
        Assert.Equal(
            new[]
            {
                "2/Reclaimable: 1028", "3/Reclaimable: 1032", "4/Reclaimable: 1040", "5/Reclaimable: 1056",
                "6/Reclaimable: 1088", "7/Reclaimable: 1152", "8/Reclaimable: 1280",
            },
            Lists(a, z));
        Assert.Equal(0, z.WatermarkBoost);
        AssertClean(a);
    }

    // try_to_claim_block below pageblock order, MOVABLE request: alike = movable pages (PageLRU or
    // movable_ops); claim iff free + alike >= 1 << (pageblock_order - 1) = 256. A claim moves the block's
    // free pages to MOVABLE and retypes it; otherwise __rmqueue_steal carves the page and the block keeps
    // its type. Block: 32 free (order 5) + `movable` LRU pages + the rest unmovable.
    [Theory]
    [InlineData(224, true)]
    [InlineData(223, false)]
    public void ClaimBelow9_MovableRequest_AlikeIsMovablePages(int movable, bool claims)
    {
        (PageAllocator a, Zone z) = Empty();
        ShapeBlock(a, 1024, MigrateType.Unmovable, movable, (1024, 5));
        int pfn = a.RmqueueBuddy(z, 4, NoAllocFlags, MigrateType.Movable);
        Assert.Equal(1024, pfn);
        Take(a, pfn, 4);
        MigrateType after = claims ? MigrateType.Movable : MigrateType.Unmovable;
        Assert.Equal(after, TypeOf(a, 1024));
        Assert.Equal(new[] { $"4/{MigrateTypes.Names[(int)after]}: 1040" }, Lists(a, z));
        Assert.Equal(16, FreePages(z));
        Assert.Equal(512, z.WatermarkBoost); // one try_to_claim_block call below order 9
        AssertClean(a);
    }

    // UNMOVABLE request falling back to a MOVABLE block: alike = pageblock_nr_pages − free − movable,
    // so the claim succeeds iff movable ≤ 256. Block: 128 free (order 7) + `movable` LRU pages.
    [Theory]
    [InlineData(256, true)]
    [InlineData(257, false)]
    public void ClaimBelow9_UnmovableIntoMovable_AlikeIsNonMovablePages(int movable, bool claims)
    {
        (PageAllocator a, Zone z) = Empty();
        ShapeBlock(a, 1024, MigrateType.Movable, movable, (1024, 7));
        int pfn = a.RmqueueBuddy(z, 0, NoAllocFlags, MigrateType.Unmovable);
        Assert.Equal(1024, pfn);
        Take(a, pfn, 0);
        MigrateType after = claims ? MigrateType.Unmovable : MigrateType.Movable;
        string n = MigrateTypes.Names[(int)after];
        Assert.Equal(after, TypeOf(a, 1024));
        Assert.Equal(
            new[] { $"0/{n}: 1025", $"1/{n}: 1026", $"2/{n}: 1028", $"3/{n}: 1032", $"4/{n}: 1040", $"5/{n}: 1056", $"6/{n}: 1088" },
            Lists(a, z));
        Assert.Equal(512, z.WatermarkBoost);
        AssertClean(a);
    }

    // UNMOVABLE request falling back to a RECLAIMABLE block: alike = 0 ("be conservative"), so only
    // 256 free pages claim it. With 255 free pages in 8 buddies (orders 7..0), __rmqueue_claim tries the
    // block once per order (8 boosts, capped at max(512, high*15000/10000) = 1500), then
    // __rmqueue_steal takes the smallest buddy (order 0) and the block stays RECLAIMABLE.
    [Fact]
    public void ClaimBelow9_UnmovableIntoReclaimable_AlikeZero_255FreeFails()
    {
        (PageAllocator a, Zone z) = Empty();
        ShapeBlock(a, 1024, MigrateType.Reclaimable, 0, (1024, 7), (1152, 6), (1216, 5), (1248, 4), (1264, 3), (1272, 2), (1276, 1), (1278, 0));
        Assert.Equal(255, FreePages(z));
        int pfn = a.RmqueueBuddy(z, 0, NoAllocFlags, MigrateType.Unmovable);
        Assert.Equal(1278, pfn);
        Take(a, pfn, 0);
        Assert.Equal(MigrateType.Reclaimable, TypeOf(a, 1024));
        Assert.Empty(List(a, z, 0, MigrateType.Reclaimable));
        Assert.Equal(new[] { 1024 }, List(a, z, 7, MigrateType.Reclaimable));
        Assert.Equal(1500, z.WatermarkBoost);
        AssertClean(a);
    }

    [Fact]
    public void ClaimBelow9_UnmovableIntoReclaimable_256FreeClaims()
    {
        (PageAllocator a, Zone z) = Empty();
        ShapeBlock(a, 1024, MigrateType.Reclaimable, 0, (1024, 8));
        int pfn = a.RmqueueBuddy(z, 0, NoAllocFlags, MigrateType.Unmovable);
        Assert.Equal(1024, pfn);
        Take(a, pfn, 0);
        Assert.Equal(MigrateType.Unmovable, TypeOf(a, 1024));
        Assert.Equal(
            new[]
            {
                "0/Unmovable: 1025", "1/Unmovable: 1026", "2/Unmovable: 1028", "3/Unmovable: 1032",
                "4/Unmovable: 1040", "5/Unmovable: 1056", "6/Unmovable: 1088", "7/Unmovable: 1152",
            },
            Lists(a, z));
        Assert.Equal(512, z.WatermarkBoost);
        AssertClean(a);
    }

    // __rmqueue_steal: when no block can be claimed, take the *smallest* suitable foreign buddy (order ≥
    // request) and page_del_and_expand it on the foreign type's lists: the block keeps its type (a "mixed
    // block"). Block A (1024) has a free order-6 buddy (claim fails: 64 < 256), block C (2048) a free
    // order-1 buddy: the steal takes C's, not A's.
    [Fact]
    public void Steal_TakesSmallestSuitableBuddy_BlockKeepsItsType()
    {
        (PageAllocator a, Zone z) = Empty();
        ShapeBlock(a, 1024, MigrateType.Unmovable, 0, (1024, 6));
        ShapeBlock(a, 2048, MigrateType.Unmovable, 0, (2048, 1));
        int pfn = a.RmqueueBuddy(z, 0, NoAllocFlags, MigrateType.Movable);
        Assert.Equal(2048, pfn);
        Take(a, pfn, 0);
        Assert.Equal(MigrateType.Unmovable, TypeOf(a, 1024));
        Assert.Equal(MigrateType.Unmovable, TypeOf(a, 2048));
        Assert.Equal(new[] { "0/Unmovable: 2049", "6/Unmovable: 1024" }, Lists(a, z));
        Assert.Equal(512, z.WatermarkBoost); // the one failed claim attempt at order 6
        AssertClean(a);
    }

    // should_try_claim_block: a MOVABLE request may claim only from buddies of order ≥ pageblock_order/2
    // (4); __rmqueue_claim *breaks* on FALLBACK_NOCLAIM, so an order-3 buddy is stolen even though its
    // block (8 free + 504 LRU pages) would pass the 256 test, and nothing is boosted. From order 4 the claim runs.
    [Theory]
    [InlineData(3, false)]
    [InlineData(4, true)]
    public void ShouldTryClaimBlock_NoclaimStopsMovableClaimBelowOrder4(int freeOrder, bool claims)
    {
        (PageAllocator a, Zone z) = Empty();
        ShapeBlock(a, 1024, MigrateType.Unmovable, 512 - (1 << freeOrder), (1024, freeOrder));
        int pfn = a.RmqueueBuddy(z, 0, NoAllocFlags, MigrateType.Movable);
        Assert.Equal(1024, pfn);
        Take(a, pfn, 0);
        MigrateType after = claims ? MigrateType.Movable : MigrateType.Unmovable;
        Assert.Equal(after, TypeOf(a, 1024));
        string n = MigrateTypes.Names[(int)after];
        var expected = new List<string> { $"0/{n}: 1025", $"1/{n}: 1026", $"2/{n}: 1028" };
        if (freeOrder == 4)
        {
            expected.Add($"3/{n}: 1032");
        }

        Assert.Equal(expected, Lists(a, z));
        Assert.Equal(claims ? 512 : 0, z.WatermarkBoost);
        AssertClean(a);
    }

    // fallbacks[]: UNMOVABLE → {RECLAIMABLE, MOVABLE}; MOVABLE → {RECLAIMABLE, UNMOVABLE};
    // RECLAIMABLE → {UNMOVABLE, MOVABLE}. With one free order-9 block of each fallback type, the first
    // type of the row is claimed, wherever it lies (here the preferred one is at the higher PFN).
    [Theory]
    [InlineData(MigrateType.Unmovable, MigrateType.Reclaimable, MigrateType.Movable)]
    [InlineData(MigrateType.Movable, MigrateType.Reclaimable, MigrateType.Unmovable)]
    [InlineData(MigrateType.Reclaimable, MigrateType.Unmovable, MigrateType.Movable)]
    public void Fallbacks_FirstTypeOfTheRowIsClaimed(MigrateType request, MigrateType first, MigrateType second)
    {
        (PageAllocator a, Zone z) = Empty();
        SetType(a, 1024, second);
        SetType(a, 2048, first);
        Free(a, 1024, 9);
        Free(a, 2048, 9);
        int pfn = a.RmqueueBuddy(z, 9, NoAllocFlags, request);
        Assert.Equal(2048, pfn);
        Take(a, pfn, 9);
        Assert.Equal(request, TypeOf(a, 2048));
        Assert.Equal(second, TypeOf(a, 1024));
        Assert.Equal(new[] { $"9/{MigrateTypes.Names[(int)second]}: 1024" }, Lists(a, z));
        AssertClean(a);
    }

    // ALLOC_NOFRAGMENT (alloc_flags_nofragment: preferred zone ZONE_NORMAL): the fast path's
    // __rmqueue_claim only looks at orders ≥ pageblock_order and __rmqueue skips the steal; when every zone
    // fails, get_page_from_freelist retries without it. Only that second pass tries (and fails) to claim
    // the order-3 MOVABLE buddy — one boost, not two — then steals it. ALLOC_KSWAPD: the boost sets
    // ZONE_BOOSTED_WATERMARK, and rmqueue() clears it and wakes kswapd(zone, order 0, zone_idx).
    [Fact]
    public void NoFragment_FirstPassOnlyWholeBlocks_ThenRetriesWithoutIt()
    {
        (PageAllocator a, Zone z) = Empty();
        ShapeBlock(a, 1024, MigrateType.Movable, 504, (1024, 3));
        var wakes = new List<(Zone Zone, int Order, ZoneType Idx)>();
        a.WakeupKswapd = (zone, _, order, idx) => wakes.Add((zone, order, idx));
        int pfn = a.AllocPages(GfpFlags.Kernel, 0);
        Assert.Equal(1024, pfn);
        Assert.Equal(MigrateType.Movable, TypeOf(a, 1024));
        Assert.Equal(new[] { "0/Movable: 1025", "1/Movable: 1026", "2/Movable: 1028" }, Lists(a, z));
        Assert.Equal(512, z.WatermarkBoost);
        Assert.Equal(ZoneFlags.None, z.Flags & ZoneFlags.BoostedWatermark);
        Assert.Equal(new[] { (z, 0, ZoneType.Normal) }, wakes);
        AssertClean(a);
    }

    // With a whole free pageblock of another type, the ALLOC_NOFRAGMENT pass succeeds by claiming it
    // (current_order ≥ 9), leaving the small MOVABLE buddy alone and boosting nothing.
    [Fact]
    public void NoFragment_FirstPassClaimsWholeFreePageblock()
    {
        (PageAllocator a, Zone z) = Empty();
        ShapeBlock(a, 1024, MigrateType.Movable, 504, (1024, 3));
        Free(a, 3072, 9);
        int pfn = a.AllocPages(GfpFlags.Kernel, 0);
        Assert.Equal(3072, pfn);
        Assert.Equal(MigrateType.Unmovable, TypeOf(a, 3072));
        Assert.Equal(MigrateType.Movable, TypeOf(a, 1024));
        Assert.Equal(new[] { 1024 }, List(a, z, 3, MigrateType.Movable));
        Assert.Equal(new[] { 3073 }, List(a, z, 0, MigrateType.Unmovable));
        Assert.Equal(0, z.WatermarkBoost);
        AssertClean(a);
    }

    // boost_watermark: no-op when watermark_boost_factor is 0, when 4 * pageblock_nr_pages > managed, or when
    // high * factor / 10000 == 0; else boost = min(boost + 512, max(512, high * factor / 10000)). It runs
    // once per try_to_claim_block call below order 9 (8 calls here, see the RECLAIMABLE test).
    [Theory]
    [InlineData(8, 1000L, 1500L)]
    [InlineData(8, 100L, 512L)]
    [InlineData(8, 10000L, 4096L)]
    [InlineData(8, 0L, 0L)]
    [InlineData(3, 10000L, 0L)]   // 3 pageblocks: managed 1536 < 2048
    public void BoostWatermark_PerClaimAttempt_Capped(int pageblocks, long high, long expectedBoost)
    {
        PageAllocator a = Normal(pageblocks);
        Zone z = a.NormalZone();
        Clear(a, z);
        SetWatermarks(z, 0, 0, high);
        ShapeBlock(a, 1024, MigrateType.Reclaimable, 0, (1024, 7), (1152, 6), (1216, 5), (1248, 4), (1264, 3), (1272, 2), (1276, 1), (1278, 0));
        int pfn = a.RmqueueBuddy(z, 0, AllocFlags.Kswapd, MigrateType.Unmovable);
        Assert.Equal(1278, pfn);
        Take(a, pfn, 0);
        Assert.Equal(expectedBoost, z.WatermarkBoost);
        Assert.Equal(high + expectedBoost, z.WmarkPages(WatermarkIndex.High));
        Assert.Equal(expectedBoost > 0 ? ZoneFlags.BoostedWatermark : ZoneFlags.None, z.Flags & ZoneFlags.BoostedWatermark);
        AssertClean(a);
    }

    // try_to_claim_block: set_bit(ZONE_BOOSTED_WATERMARK) only with ALLOC_KSWAPD; rmqueue() then
    // test-and-clears it after any rmqueue with ALLOC_KSWAPD and calls wakeup_kswapd(zone, 0, 0, zone_idx).
    [Fact]
    public void BoostedWatermarkFlag_OnlyWithAllocKswapd_ClearedByNextRmqueue()
    {
        (PageAllocator a, Zone z) = Empty();
        ShapeBlock(a, 1024, MigrateType.Movable, 504, (1024, 3));
        ShapeBlock(a, 2048, MigrateType.Movable, 504, (2048, 3));
        var wakes = new List<(Zone Zone, int Order, ZoneType Idx)>();
        a.WakeupKswapd = (zone, _, order, idx) => wakes.Add((zone, order, idx));

        Assert.Equal(2048, a.RmqueueBuddy(z, 0, NoAllocFlags, MigrateType.Unmovable)); // head of the order-3 list
        Take(a, 2048, 0);
        Assert.Equal(512, z.WatermarkBoost);
        Assert.Equal(ZoneFlags.None, z.Flags & ZoneFlags.BoostedWatermark);

        // Claim attempts: 1024's block at order 3, then 2048's (now 7 free + 504 LRU) at orders 2, 1, 0:
        // 512 + 4 * 512 capped at 1500; the steal then takes the order-0 buddy 2049.
        Assert.Equal(2049, a.RmqueueBuddy(z, 0, AllocFlags.Kswapd, MigrateType.Unmovable));
        Take(a, 2049, 0);
        Assert.Equal(1500, z.WatermarkBoost);
        Assert.Equal(ZoneFlags.BoostedWatermark, z.Flags & ZoneFlags.BoostedWatermark);
        Assert.Empty(wakes);

        // An order-0 MOVABLE request satisfied at once from the MOVABLE lists: rmqueue still clears the flag and wakes kswapd.
        Assert.Equal(2050, a.RmqueueZone(z, 0, AllocFlags.Kswapd, MigrateType.Movable));
        Take(a, 2050, 0);
        Assert.Equal(ZoneFlags.None, z.Flags & ZoneFlags.BoostedWatermark);
        Assert.Equal(new[] { (z, 0, ZoneType.Normal) }, wakes);
        Assert.Equal(1500, z.WatermarkBoost);
        AssertClean(a);
    }
}
