using MmSim.Mm;
using MmSim.Mm.PageAlloc;
using MmSim.Tests.KernelRules.Support;
using static MmSim.Tests.KernelRules.Support.RuleMachines;
using static MmSim.Tests.KernelRules.Support.Shape;

namespace MmSim.Tests.KernelRules;

/// <summary>
/// The HIGHATOMIC reserve: gfp_to_alloc_flags (ALLOC_HIGHATOMIC), reserve_highatomic_pageblock (6.18: called
/// from get_page_from_freelist), rmqueue_buddy's reserve-first and OOM/NON_BLOCK fallback,
/// unreserve_highatomic_pageblock. Normal(128): 65536 managed pages, 1% = 655 → cap ALIGN(655, 512) = 1024.
/// </summary>
public class HighatomicRulesTests
{
    private static (PageAllocator A, Zone Z) LowWatermarkMachine(bool pcp = false)
    {
        PageAllocator a = Normal(128, pcp: pcp);
        Zone z = a.NormalZone();

        // The fast path (WMARK_LOW) fails, the slowpath (WMARK_MIN with the reserve reductions) succeeds.
        SetWatermarks(z, 1000, 1_000_000, 1_000_000);
        return (a, z);
    }

    // gfp_to_alloc_flags: GFP_ATOMIC (__GFP_HIGH, no __GFP_DIRECT_RECLAIM) with order > 0 gets
    // ALLOC_HIGHATOMIC in the slowpath; get_page_from_freelist then calls reserve_highatomic_pageblock:
    // the page's (mergeable) block becomes HIGHATOMIC via move_freepages_block and nr_reserved_highatomic
    // += pageblock_nr_pages. The next such allocation is served from the reserve first (rmqueue_buddy).
    [Fact]
    public void AtomicOrder1_Slowpath_ReservesItsPageblock_ThenUsesTheReserveFirst()
    {
        (PageAllocator a, Zone z) = LowWatermarkMachine();
        int pfn = a.AllocPages(GfpFlags.Atomic, 1);

        // The request claimed the order-10 MOVABLE block 1024 (both pageblocks → UNMOVABLE), then block
        // 1024 was reserved: its free buddies 1026(o1) … 1280(o8) moved to the HIGHATOMIC lists.
        Assert.Equal(1024, pfn);
        Assert.Equal(MigrateType.HighAtomic, TypeOf(a, 1024));
        Assert.Equal(MigrateType.Unmovable, TypeOf(a, 1536));
        int[] heads = [1026, 1028, 1032, 1040, 1056, 1088, 1152, 1280];
        for (int o = 1; o <= 8; o++)
        {
            Assert.Equal(new[] { heads[o - 1] }, List(a, z, o, MigrateType.HighAtomic));
            Assert.Empty(List(a, z, o, MigrateType.Unmovable));
        }

        Assert.Equal(new[] { 1536 }, List(a, z, 9, MigrateType.Unmovable));
        Assert.Equal(512, z.NrReservedHighatomic);
        Assert.Equal(510, z.NrFreeHighatomic);
        Assert.Equal(65534, FreePages(z));
        AssertClean(a);

        // Second high-order atomic allocation: __rmqueue_smallest(MIGRATE_HIGHATOMIC) first; the block is
        // already HIGHATOMIC (not mergeable), so nothing more is reserved.
        Assert.Equal(1026, a.AllocPages(GfpFlags.Atomic, 1));
        Assert.Equal(512, z.NrReservedHighatomic);
        Assert.Equal(508, z.NrFreeHighatomic);
        AssertClean(a);
    }

    // Only the slowpath sets ALLOC_HIGHATOMIC (6.18), and only for __GFP_HIGH without direct reclaim:
    // GFP_NOWAIT (ALLOC_NON_BLOCK, no __GFP_HIGH) reserves nothing, GFP_KERNEL neither, and GFP_ATOMIC
    // satisfied by the fast path reserves nothing.
    [Theory]
    [InlineData(GfpFlags.NoWait, true)]
    [InlineData(GfpFlags.Kernel, true)]
    [InlineData(GfpFlags.Atomic, false)]
    public void NoReservation_WithoutHighatomicSlowpathFlags(GfpFlags gfp, bool fastPathFails)
    {
        PageAllocator a = Normal(128);
        Zone z = a.NormalZone();
        SetWatermarks(z, 1000, fastPathFails ? 1_000_000 : 1000, fastPathFails ? 1_000_000 : 1000);
        Assert.Equal(1024, a.AllocPages(gfp, 1));
        Assert.Equal(MigrateType.Unmovable, TypeOf(a, 1024));
        Assert.Equal(0, z.NrReservedHighatomic);
        Assert.Equal(0, z.NrFreeHighatomic);
        AssertClean(a);
    }

    // reserve_highatomic_pageblock: nothing if managed/100 < pageblock_nr_pages; cap
    // max_managed = ALIGN(managed / 100, pageblock_nr_pages) (rounded *up*); stop once
    // nr_reserved_highatomic >= max_managed. 99 blocks: 506 < 512 → none; 100 blocks: 512 → one block;
    // 128 blocks: 655 → 1024 → two blocks.
    [Theory]
    [InlineData(99, 0, 0, 0)]
    [InlineData(100, 512, 512, 512)]
    [InlineData(128, 512, 1024, 1024)]
    public void ReserveHighatomic_CapIsOnePercentAlignedUp(int pageblocks, long after1, long after2, long after3)
    {
        PageAllocator a = Normal(pageblocks);
        Zone z = a.NormalZone();
        Clear(a, z);
        long[] expected = [after1, after2, after3];
        for (int i = 0; i < 3; i++)
        {
            a.ReserveHighatomicPageblock(BlockPfn(2 * i), 1, z);
            Assert.Equal(expected[i], z.NrReservedHighatomic);
            bool reserved = expected[i] > (i == 0 ? 0 : expected[i - 1]);
            Assert.Equal(reserved ? MigrateType.HighAtomic : MigrateType.Movable, TypeOf(a, BlockPfn(2 * i)));
        }

        AssertClean(a);
    }

    // reserve_highatomic_pageblock with order ≥ pageblock_order: change_pageblock_range over the whole
    // page and nr_reserved_highatomic += 1 << order; a non-mergeable block (CMA) is never reserved.
    [Fact]
    public void ReserveHighatomic_Order10AddsTwoBlocks_CmaBlockNever()
    {
        PageAllocator a = Normal(128);
        Zone z = a.NormalZone();
        Clear(a, z);
        SetType(a, BlockPfn(0), MigrateType.Cma);
        a.ReserveHighatomicPageblock(BlockPfn(0), 1, z);
        Assert.Equal(0, z.NrReservedHighatomic);
        Assert.Equal(MigrateType.Cma, TypeOf(a, BlockPfn(0)));

        a.ReserveHighatomicPageblock(BlockPfn(2), 10, z);
        Assert.Equal(1024, z.NrReservedHighatomic);
        Assert.Equal(MigrateType.HighAtomic, TypeOf(a, BlockPfn(2)));
        Assert.Equal(MigrateType.HighAtomic, TypeOf(a, BlockPfn(3)));
        Assert.Equal(MigrateType.Movable, TypeOf(a, BlockPfn(4)));
    }

    // HIGHATOMIC is no fallback type, and its free pages are excluded from the watermark unless
    // ALLOC_RESERVES; rmqueue_buddy falls back to __rmqueue_smallest(MIGRATE_HIGHATOMIC) only when
    // __rmqueue failed and alloc_flags has ALLOC_OOM or ALLOC_NON_BLOCK.
    [Fact]
    public void HighatomicReserve_OnlyForOomOrNonBlockFallback()
    {
        PageAllocator a = Normal(8);
        Zone z = a.NormalZone();
        Clear(a, z);
        SetWatermarks(z, 0, 0, 0);
        SetType(a, 1024, MigrateType.HighAtomic);
        z.NrReservedHighatomic = 512;
        Free(a, 1024, 9);
        Assert.Equal(512, z.NrFreeHighatomic);

        Assert.Equal(-1, a.RmqueueBuddy(z, 0, NoAllocFlags, MigrateType.Unmovable));
        Assert.Equal(-1, a.RmqueueBuddy(z, 0, AllocFlags.Cma, MigrateType.Movable));
        Assert.Equal(-1, a.RmqueueBuddy(z, 0, AllocFlags.MinReserve, MigrateType.Reclaimable));

        Assert.Equal(1024, a.RmqueueBuddy(z, 0, AllocFlags.NonBlock, MigrateType.Unmovable));
        Own(a, 1024, 0);
        Assert.Equal(1025, a.RmqueueBuddy(z, 0, AllocFlags.Oom, MigrateType.Movable));
        Own(a, 1025, 0);
        Assert.Equal(510, z.NrFreeHighatomic);
        Assert.Equal(MigrateType.HighAtomic, TypeOf(a, 1024));

        // __zone_watermark_ok: nr_free_highatomic is unusable without ALLOC_RESERVES; at order > 0 a
        // HIGHATOMIC list only counts with ALLOC_HIGHATOMIC or ALLOC_OOM.
        Assert.False(PageAllocator.ZoneWatermarkOk(z, 0, 0, ZoneType.Normal, NoAllocFlags));
        Assert.True(PageAllocator.ZoneWatermarkOk(z, 0, 0, ZoneType.Normal, AllocFlags.NonBlock));
        Assert.False(PageAllocator.ZoneWatermarkOk(z, 1, 0, ZoneType.Normal, AllocFlags.MinReserve));
        Assert.True(PageAllocator.ZoneWatermarkOk(z, 1, 0, ZoneType.Normal, AllocFlags.MinReserve | AllocFlags.HighAtomic));
        Assert.True(PageAllocator.ZoneWatermarkOk(z, 1, 0, ZoneType.Normal, AllocFlags.Oom));

        // Whole path: GFP_KERNEL fails (no ALLOC_NON_BLOCK), GFP_ATOMIC order 0 gets a reserve page.
        Assert.Equal(-1, a.AllocPages(GfpFlags.Kernel, 0));
        Assert.Equal(1026, a.AllocPages(GfpFlags.Atomic, 0));
        Assert.Equal(509, z.NrFreeHighatomic);
        AssertClean(a);
    }

    // 6.18: reserve_highatomic_pageblock runs in get_page_from_freelist after rmqueue, and
    // __rmqueue_pcplist has no ALLOC_HIGHATOMIC early-out (that is post-6.18), so an order-1 GFP_ATOMIC
    // slowpath allocation refills the UNMOVABLE order-1 pcp list (max(batch >> 1, 2) = 7 blocks, tail
    // order = __rmqueue order) and the block of the page handed out is reserved; pages already on the pcp
    // list stay there.
    [Fact]
    public void AtomicOrder1_618_RefillsPcpThenReservesTheBlock()
    {
        (PageAllocator a, Zone z) = LowWatermarkMachine(pcp: true);
        PerCpuPages pcp = z.Pcp;
        pcp.Batch = 15;
        pcp.HighMin = pcp.HighMax = pcp.High = 1000;

        Assert.Equal(1024, a.AllocPages(GfpFlags.Atomic, 1));
        int pindex = PerCpuPages.OrderToPindex(MigrateType.Unmovable, 1);
        Assert.Equal(new[] { 1026, 1028, 1030, 1032, 1034, 1036 }, PcpList(a, z, pindex));
        Assert.Equal(12, pcp.Count);
        Assert.Equal(MigrateType.HighAtomic, TypeOf(a, 1024));
        Assert.Equal(new[] { 1038 }, List(a, z, 1, MigrateType.HighAtomic));
        Assert.Equal(new[] { 1040 }, List(a, z, 4, MigrateType.HighAtomic));
        Assert.Equal(new[] { 1280 }, List(a, z, 8, MigrateType.HighAtomic));
        Assert.Equal(2 + 16 + 32 + 64 + 128 + 256, z.NrFreeHighatomic);
        Assert.Equal(512, z.NrReservedHighatomic);
        AssertClean(a);
    }

    // unreserve_highatomic_pageblock: skip a zone holding ≤ one reserved block unless force; otherwise
    // take the first free HIGHATOMIC page from order 0 up, nr_reserved_highatomic -= max(512, 1 << order),
    // and give its block to the failing request's migratetype (move_freepages_block below order 9,
    // move_to_free_list + change_pageblock_range at order ≥ 9).
    [Fact]
    public void UnreserveHighatomic_KeepsOneBlockUnlessForced()
    {
        PageAllocator a = Normal(128);
        Zone z = a.NormalZone();
        Clear(a, z);
        a.ReserveHighatomicPageblock(BlockPfn(0), 1, z);
        a.ReserveHighatomicPageblock(BlockPfn(2), 1, z);
        Assert.Equal(1024, z.NrReservedHighatomic);
        Free(a, BlockPfn(0), 9);
        OwnRange(a, BlockPfn(2), 512, 3);
        Free(a, BlockPfn(2), 3);
        Assert.Equal(520, z.NrFreeHighatomic);

        Assert.True(a.UnreserveHighatomicPageblock(z, MigrateType.Unmovable, force: false));
        Assert.Equal(512, z.NrReservedHighatomic);
        Assert.Equal(MigrateType.Unmovable, TypeOf(a, BlockPfn(2)));
        Assert.Equal(new[] { BlockPfn(2) }, List(a, z, 3, MigrateType.Unmovable));

        Assert.False(a.UnreserveHighatomicPageblock(z, MigrateType.Unmovable, force: false));
        Assert.Equal(512, z.NrReservedHighatomic);

        Assert.True(a.UnreserveHighatomicPageblock(z, MigrateType.Movable, force: true));
        Assert.Equal(0, z.NrReservedHighatomic);
        Assert.Equal(0, z.NrFreeHighatomic);
        Assert.Equal(MigrateType.Movable, TypeOf(a, BlockPfn(0)));
        Assert.Equal(new[] { BlockPfn(0) }, List(a, z, 9, MigrateType.Movable));
        AssertClean(a);
    }
}
