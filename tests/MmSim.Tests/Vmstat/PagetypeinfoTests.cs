using MmSim.Mm;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Vmstat;
using MmSim.Tests.Golden;

namespace MmSim.Tests.Vmstat;

/// <summary>Block counts, the list-walk cap and page_owner's mixed-block walk on constructed page states.</summary>
public class PagetypeinfoTests
{
    [Theory]
    [InlineData(99999, " 99999 ")]
    [InlineData(100000, ">100000 ")]
    [InlineData(250000, ">100000 ")]
    public void FreeCount_CapsAtTheKernelsListWalkLimit(long blocks, string expectedField)
    {
        PgData node = GoldenProcTests.BootSmall().Node;

        // The Normal zone's movable order-10 list really holds 8 blocks; pretend it is that long.
        node.Zones[(int)ZoneType.Normal].NrFreeByType[(10 * MigrateTypes.Count) + (int)MigrateType.Movable] = blocks;
        string line = ProcPagetypeinfo.Render(node).Split('\n')
            .Single(l => l.StartsWith("Node    0, zone   Normal, type      Movable ", StringComparison.Ordinal));
        Assert.Equal("Node    0, zone   Normal, type      Movable " + string.Concat(Enumerable.Repeat("     0 ", 10)) + expectedField, line);
    }

    [Fact]
    public void BlockCounts_IsolatedBlockCountsAsIsolateNotItsType()
    {
        PgData node = GoldenProcTests.BootSmall().Node;
        Zone dma32 = node.Zones[(int)ZoneType.Dma32];
        node.PageblockFlags[(dma32.ZoneStartPfn >> MmConstants.PageblockOrder) + 1] |= PgData.PbMigrateIsolate;
        node.SetPageblockMigratetype(dma32.ZoneStartPfn + (2 * MmConstants.PageblockNrPages), MigrateType.Cma);
        Span<long> count = stackalloc long[MigrateTypes.Count];
        ProcPagetypeinfo.BlockCounts(node, dma32, count);
        Assert.Equal([0, 6, 0, 0, 1, 1], count.ToArray());
    }

    [Fact]
    public void Pagetypeinfo_WithoutPageOwner_HasNoMixedTable()
    {
        string text = ProcPagetypeinfo.Render(GoldenProcTests.BootSmall().Node, pageOwner: false);
        Assert.DoesNotContain("mixed", text, StringComparison.Ordinal);
        Assert.EndsWith("Node 0, zone   Normal            0           16            0            0            0            0 \n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void MixedCount_CmaBlockWithMovableAllocationCountsAsMovable()
    {
        PageAllocator alloc = MmInit.Boot(
            new MachineSpec([new ZoneSpec(ZoneType.Normal, 2048)], [new CmaSpec("cma", ZoneType.Normal, 512)]),
            new PageAllocOptions { PcpEnabled = false });
        PgData node = alloc.Node;
        Assert.Equal(MigrateType.Cma, node.PageblockMigratetype(1536));

        // A movable allocation lent the CMA block (page_owner records MOVABLE, the block is CMA).
        MakeAllocated(node, 1536, 9, MigrateType.Movable);
        Assert.Equal([0, 1, 0, 0, 0, 0], Mixed(node, ZoneType.Normal));
    }

    [Fact]
    public void MixedCount_Order10AllocationCountsBothBlocksThroughItsTail()
    {
        PgData node = GoldenProcTests.BootSmall().Node;

        // An unmovable order-10 allocation over two MOVABLE blocks: the second block's walk starts
        // on a tail page, which page_owner also marks, so both blocks are mixed.
        MakeAllocated(node, 4096, 10, MigrateType.Unmovable);
        Assert.Equal([0, 2, 0, 0, 0, 0], Mixed(node, ZoneType.Dma32));
    }

    [Fact]
    public void MixedCount_MatchingTailSkipsByTheAllocationOrderLikeTheKernel()
    {
        PgData node = GoldenProcTests.BootSmall().Node;

        // The first block (MOVABLE) is mixed; the walk resumes on the tail in the second block,
        // which is UNMOVABLE like the allocation, and skips 2^10 pages from there — past the
        // whole next block, whose own mixed page is therefore never seen.
        MakeAllocated(node, 4096, 10, MigrateType.Unmovable);
        node.SetPageblockMigratetype(4608, MigrateType.Unmovable);
        MakeAllocated(node, 5120, 0, MigrateType.Unmovable);
        Assert.Equal([0, 1, 0, 0, 0, 0], Mixed(node, ZoneType.Dma32));

        // Without the order-10 block, the later block is seen.
        node.Pages[4096] = PageFrame.Empty;
        Assert.Equal([0, 1, 0, 0, 0, 0], Mixed(node, ZoneType.Dma32));
        Assert.Equal(5120, FirstMixedBlockPfn(node, ZoneType.Dma32));
    }

    [Fact]
    public void MixedCount_SkipsReservedAndUnrecordedPages()
    {
        PgData node = GoldenProcTests.BootSmall().Node;

        // PFN 0 is reserved: even with an owner record it is skipped.
        node.Pages[0].Set(PageFlags.Allocated);
        node.Pages[0].AllocMt = (byte)MigrateType.Unmovable;

        // An allocated head without a page_owner record (AllocMt none) is not counted.
        MakeAllocated(node, 4096, 0, MigrateType.Unmovable);
        node.Pages[4096].AllocMt = MigrateTypes.None;
        Assert.Equal([0, 0, 0, 0, 0, 0], Mixed(node, ZoneType.Dma));
        Assert.Equal([0, 0, 0, 0, 0, 0], Mixed(node, ZoneType.Dma32));
    }

    private static void MakeAllocated(PgData node, int pfn, int order, MigrateType mt)
    {
        ref PageFrame page = ref node.Pages[pfn];
        page.Flags = 0;
        page.Order = order;
        page.AllocMt = (byte)mt;
        page.Set(PageFlags.Allocated);
        for (int i = 1; i < 1 << order; i++)
        {
            node.Pages[pfn + i] = PageFrame.Empty;
        }
    }

    private static long[] Mixed(PgData node, ZoneType zone)
    {
        var count = new long[MigrateTypes.Count];
        PageOwnerMixedCount.MixedBlockCounts(node, node.Zones[(int)zone], count);
        return count;
    }

    // Probes which block is mixed by flipping each block to the page's type in turn.
    private static int FirstMixedBlockPfn(PgData node, ZoneType zoneType)
    {
        Zone zone = node.Zones[(int)zoneType];
        for (int pfn = zone.ZoneStartPfn; pfn < zone.ZoneEndPfn; pfn += MmConstants.PageblockNrPages)
        {
            MigrateType saved = node.PageblockMigratetype(pfn);
            node.SetPageblockMigratetype(pfn, MigrateType.Unmovable);
            bool wasMixed = Mixed(node, zoneType).Sum() == 0;
            node.SetPageblockMigratetype(pfn, saved);
            if (wasMixed)
            {
                return pfn;
            }
        }

        return -1;
    }
}
