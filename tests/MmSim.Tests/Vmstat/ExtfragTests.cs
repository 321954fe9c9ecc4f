using MmSim.Mm;
using MmSim.Mm.Compaction;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Vmstat;

namespace MmSim.Tests.Vmstat;

/// <summary>fill_contig_page_info, unusable_free_index, __fragmentation_index and extfrag_for_order on constructed free lists, values computed by hand.</summary>
public class ExtfragTests
{
    // A Normal zone whose free_area[order].nr_free is given; nothing else matters to the indices.
    internal static Zone ZoneWithFree(params (int Order, long Blocks)[] free)
    {
        var zone = new Zone(ZoneType.Normal, 0, 1 << 20) { PresentPages = 1 << 20 };
        foreach ((int order, long blocks) in free)
        {
            zone.NrFree[order] = blocks;
        }

        return zone;
    }

    [Fact]
    public void FillContigPageInfo_SumsBlocksPagesAndSuitableBlocks()
    {
        // 100 order-0, 10 order-2, 3 order-5 blocks: 100 + 40 + 96 = 236 pages in 113 blocks;
        // order-2 requests: 10 + 3·8 = 34 suitable blocks.
        Zone zone = ZoneWithFree((0, 100), (2, 10), (5, 3));
        Assert.Equal(new ContigPageInfo(236, 113, 34), ContigPageInfo.Fill(zone, 2));
        Assert.Equal(new ContigPageInfo(236, 113, 0), ContigPageInfo.Fill(zone, 6));
    }

    [Fact]
    public void EmptyZone_IsAllUnusableAndHasNoFragmentation()
    {
        Zone zone = ZoneWithFree();
        Assert.Equal(1000, DebugfsExtfrag.UnusableIndex(zone, 3));
        Assert.Equal(0, Fragmentation.FragmentationIndex(zone, 3));
        Assert.Equal(0, Fragmentation.ExtfragForOrder(zone, 3));
    }

    [Fact]
    public void Indices_ForFailingRequest_FollowKernelIntegerArithmetic()
    {
        // 100 order-0 + 10 order-2: free 140 pages in 110 blocks.
        Zone zone = ZoneWithFree((0, 100), (2, 10));

        // Order 3 would fail: 1000 - (1000 + 140·1000/8) / 110 = 1000 - 18500/110 = 1000 - 168.
        Assert.Equal(832, Fragmentation.FragmentationIndex(zone, 3));
        Assert.Equal(1000, DebugfsExtfrag.UnusableIndex(zone, 3));
        Assert.Equal(100, Fragmentation.ExtfragForOrder(zone, 3));

        // Order 2 would succeed: -1000; unusable (140 - 10·4)·1000/140 = 714; score 100·100/140 = 71.
        Assert.Equal(-1000, Fragmentation.FragmentationIndex(zone, 2));
        Assert.Equal(714, DebugfsExtfrag.UnusableIndex(zone, 2));
        Assert.Equal(71, Fragmentation.ExtfragForOrder(zone, 2));
    }

    [Fact]
    public void FragmentationIndex_ManySmallBlocks_ApproachesOne()
    {
        // 1000 single pages, order 10: 1000 - (1000 + 1000·1000/1024)/1000 = 1000 - 1976/1000 = 999.
        Assert.Equal(999, Fragmentation.FragmentationIndex(ZoneWithFree((0, 1000)), 10));
    }

    [Fact]
    public void FragmentationIndex_FewBlocks_GoesNegativeAsTheKernelsDoes()
    {
        // One free page, order 1: 1000 - (1000 + 1·1000/2)/1 = -500 (u64 arithmetic cast to int).
        Assert.Equal(-500, Fragmentation.FragmentationIndex(ZoneWithFree((0, 1)), 1));
    }

    [Fact]
    public void ExtfragForOrder_AtPageblockOrder_IsTheProactiveScore()
    {
        // Two free pageblocks and 24 single pages: 24·100/1048 = 2.
        Zone zone = ZoneWithFree((9, 2), (0, 24));
        Assert.Equal(2, Fragmentation.ExtfragForOrder(zone, MmConstants.PageblockOrder));
    }

    [Fact]
    public void FragmentationIndex_OrderAboveMax_IsZero()
    {
        var info = new ContigPageInfo(10, 10, 0);
        Assert.Equal(0, Fragmentation.FragmentationIndex(MmConstants.MaxPageOrder + 1, info));
    }

    [Fact]
    public void Files_PrintNegativeAndFullIndicesAsTheKernelFormatsDo()
    {
        // Only one free page in the zone: order 0 succeeds (-1000), order 1 gives -500, and orders
        // 2..10 give 1000 - (1000 + 1000/2^o) = -(1000/2^o): -250, -125, -62, -31, -15, -7, -3, -1, 0.
        Zone normal = ZoneWithFree((0, 1));
        PgData node = NodeWith(normal);
        Assert.Equal(
            "Node 0, zone   Normal -1.000  0.-500  0.-250  0.-125  0.-62  0.-31  0.-15  0.-07  0.-03  0.-01  0.000 \n",
            DebugfsExtfrag.RenderExtfrag(node));
        Assert.Equal(
            "Node 0, zone   Normal 0.000 1.000 1.000 1.000 1.000 1.000 1.000 1.000 1.000 1.000 1.000 \n",
            DebugfsExtfrag.RenderUnusable(node));
    }

    [Fact]
    public void Files_SkipUnpopulatedZonesAndPrintNothingForMemorylessNode()
    {
        var normal = new Zone(ZoneType.Normal, 0, 0);
        PgData node = NodeWith(normal);
        Assert.Equal(string.Empty, DebugfsExtfrag.RenderUnusable(node));
        Assert.Equal(string.Empty, DebugfsExtfrag.RenderExtfrag(node));
    }

    // A node whose only zone with pages is `normal` (the others are empty).
    internal static PgData NodeWith(Zone normal)
    {
        Zone[] zones =
        [
            new Zone(ZoneType.Dma, 0, 0),
            new Zone(ZoneType.Dma32, 0, 0),
            normal,
            new Zone(ZoneType.Movable, normal.ZoneEndPfn, 0),
        ];
        return new PgData(Math.Max(normal.ZoneEndPfn, MmConstants.PageblockNrPages), zones);
    }
}
