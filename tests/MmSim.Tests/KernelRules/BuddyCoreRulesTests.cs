using MmSim.Mm;
using MmSim.Mm.PageAlloc;
using MmSim.Tests.KernelRules.Support;
using static MmSim.Tests.KernelRules.Support.RuleMachines;
using static MmSim.Tests.KernelRules.Support.Shape;

namespace MmSim.Tests.KernelRules;

/// <summary>__rmqueue_smallest, expand, __free_one_page, buddy_merge_likely, split_large_buddy (pcp off).</summary>
public class BuddyCoreRulesTests
{
    // __rmqueue_smallest: the head (list_first_entry) of the first non-empty free_list[mt] at order ≥ request;
    // expand(): each upper half page[size] goes to the head of free_list[mt] at the order just below.
    [Fact]
    public void RmqueueSmallest_TakesHeadOfLowestOrder_ExpandLeavesUpperHalves()
    {
        PageAllocator a = Normal(8);
        Zone z = a.NormalZone();

        Assert.Equal(1024, a.RmqueueSmallest(z, 0, MigrateType.Movable));
        Own(a, 1024, 0);
        Assert.Equal(
            new[]
            {
                "0/Movable: 1025", "1/Movable: 1026", "2/Movable: 1028", "3/Movable: 1032", "4/Movable: 1040",
                "5/Movable: 1056", "6/Movable: 1088", "7/Movable: 1152", "8/Movable: 1280", "9/Movable: 1536",
                "10/Movable: 2048,3072,4096",
            },
            Lists(a, z));
        Assert.Equal(4095, FreePages(z));
        Assert.Equal(512 + 3072, FreeBlocks(z));
        for (int o = 0; o < 10; o++)
        {
            Assert.Equal(1, z.NrFree[o]);
        }

        // The head of the order-10 list, not its tail.
        Assert.Equal(2048, a.RmqueueSmallest(z, 10, MigrateType.Movable));
        Own(a, 2048, 10);

        // The lowest non-empty order at or above the request: order 3 itself, no split.
        Assert.Equal(1032, a.RmqueueSmallest(z, 3, MigrateType.Movable));
        Own(a, 1032, 3);

        // An order-1 request when orders 1.. are non-empty takes order 1 (1026), not order 0.
        Assert.Equal(1026, a.RmqueueSmallest(z, 1, MigrateType.Movable));
        Own(a, 1026, 1);

        // __rmqueue_smallest never falls back: no UNMOVABLE list has pages.
        Assert.Equal(-1, a.RmqueueSmallest(z, 0, MigrateType.Unmovable));
        Assert.Equal(4096 - 1 - 1024 - 8 - 2, FreePages(z));
        Assert.Equal(new[] { 3072, 4096 }, List(a, z, 10, MigrateType.Movable));
        AssertClean(a);
    }

    // __free_one_page: while (order < MAX_PAGE_ORDER) merge with a free buddy of the same order;
    // two free order-10 buddies never merge further.
    [Fact]
    public void FreeOnePage_MergesUpToMaxPageOrderAndNoFurther()
    {
        PageAllocator a = Normal(8);
        Zone z = a.NormalZone();
        Clear(a, z);
        OwnRange(a, 1024, 1024, 0);

        // Free the 1024 pages of [1024, 2048) one by one, in a scattered order.
        for (int i = 0; i < 1024; i++)
        {
            int pfn = 1024 + ((i * 389) % 1024);
            Free(a, pfn, 0);
        }

        Assert.Equal(new[] { "10/Movable: 1024" }, Lists(a, z));

        // split_large_buddy: order 10 freed as 2048(o9) then 2560(o9), which merge back to order 10.
        Own(a, 2048, 10);
        Free(a, 2048, 10);
        Assert.Equal(new[] { "10/Movable: 2048,1024" }, Lists(a, z));
        Assert.Equal(2, z.NrFree[10]);
        Assert.Equal(0, z.NrFree[9]);
        Assert.Equal(2048, FreePages(z));
        Assert.Equal(2048, FreeBlocks(z));
        AssertClean(a);
    }

    // __free_one_page at order ≥ pageblock_order: "Prevent merge between freepages on pageblock without
    // fallbacks and normal pageblock" — stop if the types differ and either is not mergeable
    // (HIGHATOMIC, CMA, ISOLATE); account_freepages skips ISOLATE.
    [Theory]
    [InlineData(MigrateType.Cma, true)]
    [InlineData(MigrateType.Cma, false)]
    [InlineData(MigrateType.HighAtomic, true)]
    [InlineData(MigrateType.HighAtomic, false)]
    [InlineData(MigrateType.Isolate, true)]
    [InlineData(MigrateType.Isolate, false)]
    public void FreeOnePage_NoMergeAtOrder9BetweenNonMergeableAndMovable(MigrateType special, bool specialFirst)
    {
        PageAllocator a = Normal(8);
        Zone z = a.NormalZone();
        Clear(a, z);
        SetType(a, 1024, special);
        if (specialFirst)
        {
            Free(a, 1024, 9);
            Free(a, 1536, 9);
        }
        else
        {
            Free(a, 1536, 9);
            Free(a, 1024, 9);
        }

        Assert.Equal(new[] { 1536 }, List(a, z, 9, MigrateType.Movable));
        Assert.Equal(new[] { 1024 }, List(a, z, 9, special));
        Assert.Equal(0, z.NrFree[10]);
        Assert.Equal(special, TypeOf(a, 1024));
        Assert.Equal(MigrateType.Movable, TypeOf(a, 1536));
        long counted = special == MigrateType.Isolate ? 512 : 1024;
        Assert.Equal(counted, FreePages(z));
        Assert.Equal(counted, FreeBlocks(z));
        Assert.Equal(special == MigrateType.Cma ? 512 : 0, FreeCma(z));
        Assert.Equal(special == MigrateType.HighAtomic ? 512 : 0, z.NrFreeHighatomic);
        AssertClean(a);
    }

    // The same-type case merges: two CMA (or HIGHATOMIC) pageblocks form an order-10 block of that type.
    [Theory]
    [InlineData(MigrateType.Cma)]
    [InlineData(MigrateType.HighAtomic)]
    public void FreeOnePage_SameNonMergeableTypeMergesAtOrder9(MigrateType special)
    {
        PageAllocator a = Normal(8);
        Zone z = a.NormalZone();
        Clear(a, z);
        SetType(a, 1024, special);
        SetType(a, 1536, special);
        Free(a, 1536, 9);
        Free(a, 1024, 9);
        Assert.Equal(new[] { $"10/{MigrateTypes.Names[(int)special]}: 1024" }, Lists(a, z));
        AssertClean(a);
    }

    // __free_one_page: merging UNMOVABLE/MOVABLE/RECLAIMABLE buddies at order 9 is allowed and
    // change_pageblock_range(buddy, order, migratetype) retypes the buddy's block to the freeing page's type.
    [Theory]
    [InlineData(MigrateType.Unmovable, MigrateType.Movable, true)]
    [InlineData(MigrateType.Unmovable, MigrateType.Movable, false)]
    [InlineData(MigrateType.Movable, MigrateType.Reclaimable, true)]
    [InlineData(MigrateType.Reclaimable, MigrateType.Unmovable, false)]
    public void FreeOnePage_MergeAcrossMergeableTypes_RetypesBuddyBlock(MigrateType low, MigrateType high, bool lowFirst)
    {
        PageAllocator a = Normal(8);
        Zone z = a.NormalZone();
        Clear(a, z);
        SetType(a, 1024, low);
        SetType(a, 1536, high);
        Free(a, lowFirst ? 1024 : 1536, 9);
        Free(a, lowFirst ? 1536 : 1024, 9);
        MigrateType winner = lowFirst ? high : low;
        Assert.Equal(new[] { $"10/{MigrateTypes.Names[(int)winner]}: 1024" }, Lists(a, z));
        Assert.Equal(winner, TypeOf(a, 1024));
        Assert.Equal(winner, TypeOf(a, 1536));
        Assert.Equal(1024, FreePages(z));
        AssertClean(a);
    }

    // __free_one_page placement: FPI_TO_TAIL → tail; else buddy_merge_likely(): tail when the buddy of
    // the next-higher-order block (higher_page_pfn = buddy_pfn & pfn, order + 1) is free; else head.
    [Fact]
    public void FreeOnePage_BuddyMergeLikelyTail_OtherwiseHead_FpiToTail()
    {
        PageAllocator a = Normal(8);
        Zone z = a.NormalZone();
        Clear(a, z);
        OwnRange(a, 1024, 512, 0);

        Free(a, 1100, 0);                 // buddy 1101 in use, order-1 "uncle" 1102 in use → head
        Free(a, 1026, 0);
        Free(a, 1027, 0);                 // merges with 1026 → order 1 at 1026
        Assert.Equal(new[] { 1026 }, List(a, z, 1, MigrateType.Movable));
        Free(a, 1024, 0);                 // buddy 1025 in use; order-1 buddy of [1024,1026) is the free 1026 → tail
        Assert.Equal(new[] { 1100, 1024 }, List(a, z, 0, MigrateType.Movable));
        Free(a, 1200, 0);                 // nothing free around → head
        Assert.Equal(new[] { 1200, 1100, 1024 }, List(a, z, 0, MigrateType.Movable));

        a.Node.Pages[1300].Flags = 0;
        a.FreeOnePage(z, 1300, 0, MigrateType.Movable, FreeFlags.ToTail); // FPI_TO_TAIL → tail
        Assert.Equal(new[] { 1200, 1100, 1024, 1300 }, List(a, z, 0, MigrateType.Movable));
        AssertClean(a);
    }

    // buddy_merge_likely: "if (order >= MAX_PAGE_ORDER - 1) return false" — an order-9 block goes to the
    // head even when its order-10 "uncle" is free; an order-8 block with a free order-9 uncle goes to the tail.
    [Fact]
    public void FreeOnePage_Order9NeverTail_Order8Tail()
    {
        PageAllocator a = Normal(8);
        Zone z = a.NormalZone();
        Clear(a, z);

        Free(a, 1536, 9);                 // order-9 list: [1536]
        Own(a, 2048, 10);
        Free(a, 2048, 10);                // free order-10 at 2048 (the uncle of 3072's order-9 pair)
        Free(a, 3072, 9);                 // buddy 3584 in use; uncle free, but order 9 → head
        Assert.Equal(new[] { 3072, 1536 }, List(a, z, 9, MigrateType.Movable));

        OwnRange(a, 4096, 512, 8);        // re-tile block 4096 and block 4608 as order-8 blocks
        Own(a, 4608, 8);
        Own(a, 4864, 8);
        Free(a, 4864, 8);                 // buddy 4608 in use, order-9 uncle 4096 in use → head
        Free(a, 4096, 8);                 // buddy 4352 in use, order-9 uncle 4608 in use → head
        Assert.Equal(new[] { 4096, 4864 }, List(a, z, 8, MigrateType.Movable));
        Free(a, 4352, 8);                 // merges with 4096 → order 9 at 4096 → head of order 9
        Assert.Equal(new[] { 4096, 3072, 1536 }, List(a, z, 9, MigrateType.Movable));

        Own(a, 3584, 8);                  // re-tile block 3584 (buddy of the free order-9 3072)
        Own(a, 3840, 8);
        Free(a, 3840, 8);                 // buddy 3584 in use; order-9 uncle 3072 is free → tail
        Assert.Equal(new[] { 4864, 3840 }, List(a, z, 8, MigrateType.Movable));
        Free(a, 3584, 8);                 // 3584+3840 → o9 3584, + 3072 → o10 3072 (head)
        Assert.Equal(new[] { 3072, 2048 }, List(a, z, 10, MigrateType.Movable));
        Assert.Equal(new[] { 4096, 1536 }, List(a, z, 9, MigrateType.Movable));
        Assert.Equal(new[] { 4864 }, List(a, z, 8, MigrateType.Movable));
        AssertClean(a);
    }

    // free_one_page → split_large_buddy: an order-10 free is done as two order-9 frees, each with its own
    // block's type; they merge only if __free_one_page's order-9 rule allows, the second half's type winning.
    [Theory]
    [InlineData(MigrateType.Unmovable, MigrateType.Movable, "10/Movable: 1024")]
    [InlineData(MigrateType.Movable, MigrateType.Unmovable, "10/Unmovable: 1024")]
    [InlineData(MigrateType.Reclaimable, MigrateType.Reclaimable, "10/Reclaimable: 1024")]
    [InlineData(MigrateType.Cma, MigrateType.Movable, "9/Movable: 1536|9/CMA: 1024")]
    [InlineData(MigrateType.Movable, MigrateType.HighAtomic, "9/Movable: 1024|9/HighAtomic: 1536")]
    public void SplitLargeBuddy_Order10FreedPerPageblock(MigrateType first, MigrateType second, string expected)
    {
        PageAllocator a = Normal(8);
        Zone z = a.NormalZone();
        Clear(a, z);
        SetType(a, 1024, first);
        SetType(a, 1536, second);
        Own(a, 1024, 10);
        Free(a, 1024, 10);
        Assert.Equal(expected.Split('|'), Lists(a, z));
        bool merged = expected.StartsWith("10/", StringComparison.Ordinal);
        Assert.Equal(merged ? second : first, TypeOf(a, 1024));
        Assert.Equal(second, TypeOf(a, 1536));
        AssertClean(a);
    }

    // move_freepages_block → __move_freepages_block: every PageBuddy of the block goes to the *tail*
    // (list_move_tail) of the new type's list at its order, then set_pageblock_migratetype; returns the
    // pages moved. move_to_free_list/account_freepages: ISOLATE pages leave NR_FREE_PAGES and, at order ≥
    // pageblock_order, NR_FREE_PAGES_BLOCKS; moving back restores both.
    [Fact]
    public void MoveFreepagesBlock_MovesBuddiesToListTails_IsolateAccounting()
    {
        PageAllocator a = Normal(8);
        Zone z = a.NormalZone();
        Clear(a, z);
        ShapeBlock(a, 2048, MigrateType.Unmovable, 0, (2048, 3));
        ShapeBlock(a, 1024, MigrateType.Movable, 0, (1024, 3), (1100, 0));
        Assert.Equal(9, a.MoveFreepagesBlock(z, 1024, MigrateType.Movable, MigrateType.Unmovable));
        Assert.Equal(MigrateType.Unmovable, TypeOf(a, 1024));
        Assert.Equal(new[] { "0/Unmovable: 1100", "3/Unmovable: 2048,1024" }, Lists(a, z));
        Assert.Equal(17, FreePages(z));
        AssertClean(a);

        Free(a, 3072, 9);
        Assert.Equal(512, FreeBlocks(z));
        Assert.Equal(512, a.MoveFreepagesBlock(z, 3072, MigrateType.Movable, MigrateType.Isolate));
        Assert.Equal(MigrateType.Isolate, TypeOf(a, 3072));
        Assert.Equal(17, FreePages(z));
        Assert.Equal(0, FreeBlocks(z));
        Assert.Equal(512, a.MoveFreepagesBlock(z, 3072, MigrateType.Isolate, MigrateType.Movable));
        Assert.Equal(17 + 512, FreePages(z));
        Assert.Equal(512, FreeBlocks(z));
        AssertClean(a);
    }
}
