using MmSim.Mm;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;
using MmSim.Tests.KernelRules.Support;
using static MmSim.Tests.KernelRules.Support.RuleMachines;
using static MmSim.Tests.KernelRules.Support.Shape;

namespace MmSim.Tests.KernelRules;

/// <summary>Boot: memmap_init_range, memblock_free_all → __free_pages_memory → __free_pages_core(FPI_TO_TAIL), init_cma_reserved_pageblock.</summary>
public class BootRulesTests
{
    // mm/mm_init.c memmap_init_range: every pageblock starts MIGRATE_MOVABLE.
    // mm/memblock.c __free_pages_memory: largest aligned chunks, ascending; __free_pages_core frees with
    // FPI_TO_TAIL, so each free list is in ascending PFN order.
    [Fact]
    public void Boot_EveryBlockMovable_FreeListsAscendingByFpiToTail()
    {
        PageAllocator a = Normal(8);
        Zone z = a.NormalZone();
        for (int k = 0; k < 8; k++)
        {
            Assert.Equal(MigrateType.Movable, TypeOf(a, BlockPfn(k)));
        }

        Assert.Equal(new[] { "10/Movable: 1024,2048,3072,4096" }, Lists(a, z));
        Assert.Equal(4, z.NrFree[10]);
        Assert.Equal(4096, z.ManagedPages);
        Assert.Equal(4096, z.PresentPages);
        Assert.Equal(4096, FreePages(z));
        Assert.Equal(4096, FreeBlocks(z));
        Assert.Equal(0, FreeCma(z));

        // The DMA32 zone is present but all reserved: never managed, nothing on its lists.
        Zone dma32 = a.Node.Zones[(int)ZoneType.Dma32];
        Assert.Equal(1024, dma32.PresentPages);
        Assert.Equal(0, dma32.ManagedPages);
        Assert.Empty(Lists(a, dma32));
        Assert.Equal(4096, a.Node.VmEvents[(int)VmEventItem.Pgfree]);
        AssertClean(a);
    }

    // __free_pages_memory: order = min(MAX_PAGE_ORDER, __ffs(start)), shrunk until the chunk fits.
    // With 3 reserved pages the managed range starts at PFN 1027: chunks of order 0,2,3,…,9 then 10s.
    [Fact]
    public void Boot_FreePagesMemory_LargestAlignedChunksAfterReservedPages()
    {
        PageAllocator a = Normal(8, normalReserved: 3);
        Zone z = a.NormalZone();
        Assert.Equal(
            new[]
            {
                "0/Movable: 1027", "2/Movable: 1028", "3/Movable: 1032", "4/Movable: 1040", "5/Movable: 1056",
                "6/Movable: 1088", "7/Movable: 1152", "8/Movable: 1280", "9/Movable: 1536",
                "10/Movable: 2048,3072,4096",
            },
            Lists(a, z));
        Assert.Equal(4096, z.PresentPages);
        Assert.Equal(4093, z.ManagedPages);
        Assert.Equal(4093, FreePages(z));
        Assert.Equal(512 + 3072, FreeBlocks(z));
        for (int pfn = 1024; pfn < 1027; pfn++)
        {
            Assert.True(a.Node.Pages[pfn].Has(PageFlags.Reserved));
        }

        AssertClean(a);
    }

    // x86-64 DMA zone with its first 1 MiB reserved (firmware): managed = present − reserved,
    // free lists 256(o8), 512(o9), 1024/2048/3072(o10).
    [Fact]
    public void Boot_DmaZone_ManagedPresentReservedAndChunks()
    {
        var spec = new MachineSpec(
            [new ZoneSpec(ZoneType.Dma, 4096, 0, 256), new ZoneSpec(ZoneType.Dma32, 8192)], []);
        PageAllocator a = MmInit.Boot(spec, new PageAllocOptions { PcpEnabled = false });
        Zone dma = a.Node.Zones[(int)ZoneType.Dma];
        Zone dma32 = a.Node.Zones[(int)ZoneType.Dma32];
        Assert.Equal(4096, dma.PresentPages);
        Assert.Equal(3840, dma.ManagedPages);
        Assert.Equal(new[] { "8/Movable: 256", "9/Movable: 512", "10/Movable: 1024,2048,3072" }, Lists(a, dma));
        Assert.Equal(3840, FreePages(dma));
        Assert.Equal(8192, dma32.ManagedPages);
        Assert.Equal(new[] { "10/Movable: 4096,5120,6144,7168,8192,9216,10240,11264" }, Lists(a, dma32));
        AssertClean(a);
    }

    // mm/mm_init.c init_cma_reserved_pageblock: each CMA pageblock becomes MIGRATE_CMA and is freed at
    // order 9 with FPI_NONE (after its pcp round trip): two CMA blocks merge to order 10 (same type),
    // __free_one_page puts an order ≥ 9 block at the list head (buddy_merge_likely is false there), so the
    // later pair is first. CMA blocks sit at the top of the zone (memblock allocates top-down).
    [Fact]
    public void Boot_CmaArea_TypedCma_MergedPairsAtHead_Counted()
    {
        PageAllocator a = Normal(16, cmaPageblocks: 4);
        Zone z = a.NormalZone();
        for (int k = 0; k < 16; k++)
        {
            Assert.Equal(k >= 12 ? MigrateType.Cma : MigrateType.Movable, TypeOf(a, BlockPfn(k)));
        }

        Assert.Equal(
            new[] { "10/Movable: 1024,2048,3072,4096,5120,6144", "10/CMA: 8192,7168" },
            Lists(a, z));
        Assert.Equal(2048, z.CmaPages);
        Assert.Equal(8192, z.ManagedPages);
        Assert.Equal(8192, FreePages(z));
        Assert.Equal(2048, FreeCma(z));
        Assert.Equal(8192, FreeBlocks(z));
        AssertClean(a);
    }

    // mm/page_alloc.c init_pageblock_migratetype / set_pageblock_migratetype:
    //   if (unlikely(page_group_by_mobility_disabled && migratetype < MIGRATE_PCPTYPES))
    //           migratetype = MIGRATE_UNMOVABLE;
    // so with grouping by mobility disabled every pageblock boots UNMOVABLE and its free pages are on
    // the UNMOVABLE lists (where gfp_migratetype sends every request).
    [Fact]
    public void Boot_GroupByMobilityDisabled_BlocksAreUnmovable()
    {
        PageAllocator a = Normal(8, groupByMobilityDisabled: true);
        Zone z = a.NormalZone();
        for (int k = 0; k < 8; k++)
        {
            Assert.Equal(MigrateType.Unmovable, TypeOf(a, BlockPfn(k)));
        }

        Assert.Equal(new[] { "10/Unmovable: 1024,2048,3072,4096" }, Lists(a, z));
        AssertClean(a);
    }
}
