using MmSim.Mm;
using MmSim.Mm.PageAlloc;
using MmSim.Tests.KernelRules.Support;
using static MmSim.Tests.KernelRules.Support.RuleMachines;
using static MmSim.Tests.KernelRules.Support.Shape;

namespace MmSim.Tests.KernelRules;

/// <summary>
/// 6.10–6.14 / 6.12.0–6.12.28 fallback (__rmqueue_fallback + steal_suitable_fallback) against the 6.15+
/// claim/steal split ("mm: page_alloc: don't steal single pages from biggest buddy"), on identical states.
/// </summary>
public class Fallback612RulesTests
{
    private static (PageAllocator A, Zone Z) Empty(FallbackAlgorithm fallback)
    {
        PageAllocator a = Normal(8, fallback: fallback);
        Zone z = a.NormalZone();
        Clear(a, z);
        SetWatermarks(z, 0, 0, 1000); // max_boost 1500
        return (a, z);
    }

    // State: block 1024 MOVABLE with a free order-7 buddy and 384 LRU pages (UNMOVABLE claim fails:
    // free 128 + alike 0 < 256); block 2048 MOVABLE with one free page (2048) and 511 LRU pages.
    // UNMOVABLE order-0 request:
    //  * 6.12 __rmqueue_fallback picks the *largest* foreign buddy (order 7, can_steal), the claim fails,
    //    and steal_suitable_fallback's single_page path still carves the request out of it:
    //    page_del_and_expand(1024, 0, 7, MOVABLE) → 1024; expand puts the halves at the list *heads*
    //    (order 0: 1025 ahead of the older 2048). One boost.
    //  * 6.15 __rmqueue_claim tries both blocks (order 7, then order 0), both fail (two boosts), and
    //    __rmqueue_steal takes the *smallest* buddy: 2048; the order-7 buddy stays whole.
    [Fact]
    public void V612CarvesFromLargestBuddy_V615StealsSmallest_SameState()
    {
        (PageAllocator a12, Zone z12) = Empty(FallbackAlgorithm.V6_12);
        (PageAllocator a15, Zone z15) = Empty(FallbackAlgorithm.V6_15);
        foreach (PageAllocator a in new[] { a12, a15 })
        {
            ShapeBlock(a, 1024, MigrateType.Movable, 384, (1024, 7));
            ShapeBlock(a, 2048, MigrateType.Movable, 511, (2048, 0));
        }

        int pfn12 = a12.RmqueueBuddy(z12, 0, NoAllocFlags, MigrateType.Unmovable);
        int pfn15 = a15.RmqueueBuddy(z15, 0, NoAllocFlags, MigrateType.Unmovable);

        Assert.Equal(1024, pfn12);
        Own(a12, pfn12, 0);
        Assert.Equal(
            new[]
            {
                "0/Movable: 1025,2048", "1/Movable: 1026", "2/Movable: 1028", "3/Movable: 1032",
                "4/Movable: 1040", "5/Movable: 1056", "6/Movable: 1088",
            },
            Lists(a12, z12));
        Assert.Equal(512, z12.WatermarkBoost);

        Assert.Equal(2048, pfn15);
        Own(a15, pfn15, 0);
        Assert.Equal(new[] { "7/Movable: 1024" }, Lists(a15, z15));
        Assert.Equal(1024, z15.WatermarkBoost);

        foreach (PageAllocator a in new[] { a12, a15 })
        {
            Assert.Equal(MigrateType.Movable, TypeOf(a, 1024));
            Assert.Equal(MigrateType.Movable, TypeOf(a, 2048));
            AssertClean(a);
        }
    }

    // 6.12 __rmqueue_fallback: "We cannot steal all free pages from the pageblock and the requested
    // migratetype is movable": when the largest foreign buddy has !can_steal (order 3 < 4 for MOVABLE),
    // goto find_smallest and re-search from the request order: the order-1 buddy at 2048 is taken.
    // steal_suitable_fallback still calls boost_watermark before its !whole_block single_page exit (one
    // boost). 6.15 gets the same page through __rmqueue_steal, which never boosts.
    [Theory]
    [InlineData(FallbackAlgorithm.V6_12, 512L)]
    [InlineData(FallbackAlgorithm.V6_15, 0L)]
    public void MovableNotCanSteal_ResearchesFromSmallestOrder(FallbackAlgorithm fallback, long boost)
    {
        (PageAllocator a, Zone z) = Empty(fallback);
        ShapeBlock(a, 1024, MigrateType.Unmovable, 0, (1024, 3));
        ShapeBlock(a, 2048, MigrateType.Unmovable, 0, (2048, 1));
        int pfn = a.RmqueueBuddy(z, 0, NoAllocFlags, MigrateType.Movable);
        Assert.Equal(2048, pfn);
        Own(a, pfn, 0);
        Assert.Equal(new[] { "0/Unmovable: 2049", "3/Unmovable: 1024" }, Lists(a, z));
        Assert.Equal(MigrateType.Unmovable, TypeOf(a, 2048));
        Assert.Equal(boost, z.WatermarkBoost);
        AssertClean(a);
    }

    // 6.12 claim rule is the same 256 test (steal_suitable_fallback): a MOVABLE block with 128 free + 256
    // LRU pages is claimed by an UNMOVABLE request (128 + (512 − 128 − 256) = 256), so the request comes
    // from the claimed block via __rmqueue_smallest, exactly as in 6.15.
    [Theory]
    [InlineData(FallbackAlgorithm.V6_12)]
    [InlineData(FallbackAlgorithm.V6_15)]
    public void ClaimSucceeds_SameOutcomeInBothAlgorithms(FallbackAlgorithm fallback)
    {
        (PageAllocator a, Zone z) = Empty(fallback);
        ShapeBlock(a, 1024, MigrateType.Movable, 256, (1024, 7));
        ShapeBlock(a, 2048, MigrateType.Movable, 511, (2048, 0));
        int pfn = a.RmqueueBuddy(z, 0, NoAllocFlags, MigrateType.Unmovable);
        Assert.Equal(1024, pfn);
        Own(a, pfn, 0);
        Assert.Equal(MigrateType.Unmovable, TypeOf(a, 1024));
        Assert.Equal(MigrateType.Movable, TypeOf(a, 2048));
        Assert.Equal(
            new[]
            {
                "0/Unmovable: 1025", "0/Movable: 2048", "1/Unmovable: 1026", "2/Unmovable: 1028", "3/Unmovable: 1032",
                "4/Unmovable: 1040", "5/Unmovable: 1056", "6/Unmovable: 1088",
            },
            Lists(a, z));
        Assert.Equal(512, z.WatermarkBoost);
        AssertClean(a);
    }
}
