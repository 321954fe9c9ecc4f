using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Contig;
using MmSim.Mm.Migrate;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.PageIsolation;
using MmSim.Sim;
using static MmSim.Tests.Contig.ContigRig;

namespace MmSim.Tests.Contig;

/// <summary>mm/page_isolation.c and the isolation side of mm/page_alloc.c, rule by rule, under both isolate variants.</summary>
public class IsolationRulesTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void One_unmovable_page_makes_alloc_contig_range_on_its_block_fail_with_EBUSY_and_leaves_the_block_as_it_was(bool isolateBit)
    {
        // set_migratetype_isolate: has_unmovable_pages finds the page (refcount > 0, not LRU, no
        // movable_ops), so nothing is isolated and nothing is migrated.
        LinuxKernel k = Boot(isolateBit);
        int pfn = AllocIn(k, GfpFlags.Kernel, BlockPages, 2 * BlockPages);
        int block = pfn & ~(Pb - 1);
        MigrateType before = k.Node.PageblockMigratetype(block);
        byte flagsBefore = k.Node.PageblockFlags[block / Pb];
        Zone zone = k.Node.PageZone(pfn);
        long freeBefore = zone.VmStat[(int)Mm.Stat.ZoneStatItem.NrFreePages];

        var result = new ContigResult();
        Coroutines.RunInline(k.Contig.AllocContigRange(k.Current, block, block + Pb, cma: false, GfpFlags.Kernel, OwnerKind.Contig, result));

        Assert.Equal(-Errno.EBUSY, result.Ret);
        Assert.Equal(0, result.MigratePasses);
        Assert.Equal(before, k.Node.PageblockMigratetype(block));
        Assert.Equal(flagsBefore, k.Node.PageblockFlags[block / Pb]);
        Assert.Equal(0, zone.NrIsolatePageblock);
        Assert.Equal(freeBefore, zone.VmStat[(int)Mm.Stat.ZoneStatItem.NrFreePages]);
        KernelChecker.Verify(k, "alloc_contig_range refused");
    }

    [Theory]
    [InlineData(true, MigrateType.Unmovable, MigrateType.Unmovable)]
    [InlineData(false, MigrateType.Unmovable, MigrateType.Movable)]
    [InlineData(true, MigrateType.Reclaimable, MigrateType.Reclaimable)]
    [InlineData(false, MigrateType.Reclaimable, MigrateType.Movable)]
    public void Undoing_an_isolation_keeps_the_type_from_6_17_and_writes_the_callers_type_before(bool isolateBit, MigrateType blockType, MigrateType after)
    {
        LinuxKernel k = Boot(isolateBit);
        int block = 3 * BlockPages / 2;
        Zone zone = k.Node.PageZone(block);
        k.Alloc.MoveFreepagesBlock(zone, block, MigrateType.Movable, blockType);
        Assert.Equal(blockType, k.Node.PageblockMigratetype(block));

        Assert.Equal(0, k.Isolation.StartIsolatePageRange(block, block + Pb, PbIsolateMode.Other, MigrateType.Movable));
        Assert.Equal(MigrateType.Isolate, k.Node.PageblockMigratetype(block));

        // 6.17+: a separate bit over the kept type; before: the type itself is ISOLATE.
        Assert.Equal(isolateBit ? blockType : MigrateType.Isolate, k.Node.PageblockMigratetypeBits(block));
        Assert.Equal(1, zone.NrIsolatePageblock);
        Assert.Equal(0, k.Isolation.TestPagesIsolated(block, block + Pb, PbIsolateMode.Other));
        KernelChecker.Verify(k, "isolated");

        k.Isolation.UndoIsolatePageRange(block, block + Pb, MigrateType.Movable);
        Assert.Equal(after, k.Node.PageblockMigratetype(block));
        Assert.Equal(0, zone.NrIsolatePageblock);
        KernelChecker.Verify(k, "unisolated");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Isolating_one_pageblock_of_a_MAX_ORDER_buddy_splits_it_and_moves_only_that_half(bool isolateBit)
    {
        // __move_freepages_block_isolate: a free buddy above pageblock order that contains the block is
        // taken off its list and freed again one pageblock at a time (split_large_buddy).
        LinuxKernel k = Boot(isolateBit);
        int head = 3 * BlockPages / 2;
        Assert.True(k.Node.Pages[head].Has(PageFlags.Buddy) && k.Node.Pages[head].Order == MmConstants.MaxPageOrder);
        Zone zone = k.Node.PageZone(head);
        long free = zone.VmStat[(int)Mm.Stat.ZoneStatItem.NrFreePages];
        long buddy = BuddyPages(zone);

        Assert.True(k.Alloc.MoveFreepagesBlockIsolate(zone, head + Pb, isolate: true, MigrateType.Movable));
        Assert.Equal(MmConstants.PageblockOrder, k.Node.Pages[head].Order);
        Assert.Equal(MmConstants.PageblockOrder, k.Node.Pages[head + Pb].Order);
        Assert.Equal(MigrateType.Movable, k.Node.PageblockMigratetype(head));
        Assert.Equal(MigrateType.Isolate, k.Node.PageblockMigratetype(head + Pb));
        Assert.Equal(1, zone.NrFreeByType[(MmConstants.PageblockOrder * MigrateTypes.Count) + (int)MigrateType.Isolate]);
        Assert.Equal(free - Pb, zone.VmStat[(int)Mm.Stat.ZoneStatItem.NrFreePages]);
        Assert.Equal(buddy, BuddyPages(zone));
        Assert.Equal(head, k.Alloc.FindLargeBuddy(head));

        // unset_migratetype_isolate isolates and frees the pageblock-order buddy so it merges again.
        zone.NrIsolatePageblock++;
        k.Isolation.UndoIsolatePageRange(head + Pb, head + (2 * Pb), MigrateType.Movable);
        Assert.True(k.Node.Pages[head].Has(PageFlags.Buddy));
        Assert.Equal(MmConstants.MaxPageOrder, k.Node.Pages[head].Order);
        Assert.Equal(free, zone.VmStat[(int)Mm.Stat.ZoneStatItem.NrFreePages]);
        KernelChecker.Verify(k, "split and merged");
    }

    [Fact]
    public void Find_large_buddy_returns_the_head_of_a_buddy_straddling_the_pfn_and_the_pfn_otherwise()
    {
        LinuxKernel k = Boot();
        int head = 3 * BlockPages / 2;
        Assert.Equal(head, k.Alloc.FindLargeBuddy(head + Pb));
        Assert.Equal(head, k.Alloc.FindLargeBuddy(head + 5));
        int pfn = AllocIn(k, GfpFlags.Kernel, BlockPages, 3 * BlockPages);
        Assert.Equal(pfn, k.Alloc.FindLargeBuddy(pfn));
    }

    [Fact]
    public void Has_unmovable_pages_follows_page_is_unmovable_case_by_case()
    {
        LinuxKernel k = Boot(cmaPages: 4 * Pb);
        PageIsolation iso = k.Isolation;

        // A free block; a free buddy is stepped over whole.
        int free = 3 * BlockPages / 2;
        Assert.Equal(-1, iso.HasUnmovablePages(free, free + Pb, PbIsolateMode.Other));
        Assert.False(iso.PageIsUnmovable(k.Node.PageZone(free), free, PbIsolateMode.Other, out int step));
        Assert.Equal(1 << MmConstants.MaxPageOrder, step);

        // A kernel page: refcount > 0, neither LRU nor movable_ops.
        int kernel = AllocIn(k, GfpFlags.Kernel, BlockPages + (8 * Pb), 3 * BlockPages);
        int kb = kernel & ~(Pb - 1);
        Assert.Equal(kernel, iso.HasUnmovablePages(kb, kb + Pb, PbIsolateMode.Other));
        Assert.Equal(kernel, iso.HasUnmovablePages(kb, kb + Pb, PbIsolateMode.MemOffline));
        Assert.Equal(-1, iso.HasUnmovablePages(kernel + 1, kb + Pb, PbIsolateMode.Other));

        // An LRU page and a movable_ops page are movable.
        int lru = FilePageIn(k, 2 * BlockPages, 3 * BlockPages);
        Assert.False(iso.PageIsUnmovable(k.Node.PageZone(lru), lru, PbIsolateMode.Other, out step));
        Assert.Equal(1, step);
        int ops = AllocIn(k, GfpFlags.HighUserMovable, 2 * BlockPages, 3 * BlockPages, OwnerKind.MovableOps);
        k.Node.Pages[ops].Set(PageFlags.MovableOps);
        Assert.False(iso.PageIsUnmovable(k.Node.PageZone(ops), ops, PbIsolateMode.Other, out _));

        // A reserved page is unmovable anywhere.
        Assert.Equal(0, iso.HasUnmovablePages(0, Pb, PbIsolateMode.Other));

        // CMA blocks: unmovable to everyone but a CMA allocation.
        int cma = BlockPages;
        Assert.Equal(MigrateType.Cma, k.Node.PageblockMigratetype(cma));
        Assert.Equal(cma, iso.HasUnmovablePages(cma, cma + Pb, PbIsolateMode.Other));
        Assert.Equal(cma, iso.HasUnmovablePages(cma, cma + Pb, PbIsolateMode.MemOffline));
        Assert.Equal(-1, iso.HasUnmovablePages(cma, cma + Pb, PbIsolateMode.CmaAlloc));
    }

    [Fact]
    public void In_ZONE_MOVABLE_everything_but_reserved_pages_counts_as_movable()
    {
        LinuxKernel k = LinuxKernel.Boot(
            new MachineSpec([new ZoneSpec(ZoneType.Normal, BlockPages, 0, Pb), new ZoneSpec(ZoneType.Movable, BlockPages)], []),
            new KernelParams { Alloc = new PageAllocOptions(), Compact = _ => Mm.Compaction.Impl.NoCompaction.Instance, Reclaim = _ => Mm.Vmscan.Impl.NoReclaim.Instance },
            1);
        int pfn = AllocIn(k, GfpFlags.HighUserMovable, BlockPages, 2 * BlockPages, OwnerKind.Kernel);
        int block = pfn & ~(Pb - 1);
        Assert.Equal(-1, k.Isolation.HasUnmovablePages(block, block + Pb, PbIsolateMode.Other));
        k.Node.Pages[pfn].Set(PageFlags.Reserved);
        Assert.Equal(pfn, k.Isolation.HasUnmovablePages(block, block + Pb, PbIsolateMode.Other));
        k.Node.Pages[pfn].Clear(PageFlags.Reserved);
    }

    [Fact]
    public void A_block_isolated_already_cannot_be_isolated_again_and_the_first_isolation_stands()
    {
        LinuxKernel k = Boot();
        int block = 3 * BlockPages / 2;
        Assert.Equal(0, k.Isolation.StartIsolatePageRange(block, block + Pb, PbIsolateMode.Other, MigrateType.Movable));
        Assert.Equal(-Errno.EBUSY, k.Isolation.StartIsolatePageRange(block, block + (4 * Pb), PbIsolateMode.Other, MigrateType.Movable));
        Assert.True(k.Node.PageblockIsolated(block));
        Assert.False(k.Node.PageblockIsolated(block + Pb));
        Assert.Equal(1, k.Node.PageZone(block).NrIsolatePageblock);
        k.Isolation.UndoIsolatePageRange(block, block + Pb, MigrateType.Movable);
        KernelChecker.Verify(k, "double isolation");
    }

    [Fact]
    public void A_failure_inside_the_range_undoes_the_blocks_isolated_before_it()
    {
        LinuxKernel k = Boot();
        int kernel = AllocIn(k, GfpFlags.Kernel, BlockPages + (8 * Pb), 3 * BlockPages);
        int kb = kernel & ~(Pb - 1);
        int start = kb - (3 * Pb);
        Assert.Equal(-Errno.EBUSY, k.Isolation.StartIsolatePageRange(start, kb + (3 * Pb), PbIsolateMode.Other, MigrateType.Movable));
        for (int pfn = start; pfn < kb + (3 * Pb); pfn += Pb)
        {
            Assert.False(k.Node.PageblockIsolated(pfn));
        }

        Assert.Equal(0, k.Node.PageZone(kb).NrIsolatePageblock);
        KernelChecker.Verify(k, "undone");
    }

    [Fact]
    public void Test_pages_isolated_fails_on_an_allocated_page_or_a_block_that_is_not_isolated()
    {
        LinuxKernel k = Boot();
        int lru = FilePageIn(k, BlockPages + (8 * Pb), 3 * BlockPages);
        int block = lru & ~(Pb - 1);
        Assert.Equal(-Errno.EBUSY, k.Isolation.TestPagesIsolated(block, block + Pb, PbIsolateMode.Other));
        Assert.Equal(0, k.Isolation.StartIsolatePageRange(block, block + Pb, PbIsolateMode.Other, MigrateType.Movable));
        Assert.Equal(-Errno.EBUSY, k.Isolation.TestPagesIsolated(block, block + Pb, PbIsolateMode.Other));
        k.Isolation.UndoIsolatePageRange(block, block + Pb, MigrateType.Movable);
        KernelChecker.Verify(k, "test_pages_isolated");
    }

    [Fact]
    public void Set_pageblock_migratetype_clears_a_stale_isolate_bit()
    {
        LinuxKernel k = Boot();
        int block = 3 * BlockPages / 2;
        k.Node.TogglePageblockIsolate(block, true);
        Assert.Equal(MigrateType.Isolate, k.Node.PageblockMigratetype(block));
        k.Node.SetPageblockMigratetype(block, MigrateType.Unmovable);
        Assert.Equal(MigrateType.Unmovable, k.Node.PageblockMigratetype(block));
        Assert.False(k.Node.PageblockIsolated(block));
        k.Node.SetPageblockMigratetype(block, MigrateType.Movable);
    }

    [Fact]
    public void With_the_pcp_lists_disabled_a_freed_page_goes_straight_to_the_buddy_lists_and_enable_restores_the_sizes()
    {
        LinuxKernel k = Boot();
        Zone zone = k.Node.Zones[(int)ZoneType.Normal];
        PerCpuPages pcp = zone.Pcp;
        (int batch, int highMin, int highMax) = (pcp.Batch, pcp.HighMin, pcp.HighMax);
        int pfn = k.AllocPages(GfpFlags.Kernel, 0);
        k.Alloc.ZonePcpDisable(zone);
        Assert.Equal(0, pcp.Count);
        k.Alloc.FreePages(pfn, 0);
        Assert.Equal(0, pcp.Count);
        Assert.True(k.Node.Pages[pfn].Has(PageFlags.Buddy) || k.Alloc.FindLargeBuddy(pfn) != pfn);
        k.Alloc.ZonePcpEnable(zone);
        Assert.Equal((batch, highMin, highMax), (pcp.Batch, pcp.HighMin, pcp.HighMax));
        KernelChecker.Verify(k, "pcp disabled");
    }
}
