using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Cma;
using MmSim.Mm.Migrate;
using MmSim.Sim;
using static MmSim.Tests.Contig.ContigRig;

namespace MmSim.Tests.Contig;

/// <summary>mm/cma.c: the bitmap search, alloc_contig_range per candidate, the next range after -EBUSY, counters, release.</summary>
public class CmaTests
{
    private const long Sec = SimTime.NsPerSec;

    [Fact]
    public void Cma_alloc_takes_the_first_free_aligned_range_of_the_bitmap_and_cma_release_clears_it()
    {
        LinuxKernel k = Boot(cmaPages: 8 * Pb);
        CmaArea area = k.Cma.Find("cma0")!;
        Assert.Equal((BlockPages, 8 * Pb), (area.BasePfn, area.Count));
        SimTask a = Spawn(k, "dma-a", _ => k.CmaAlloc("cma0", 64, 0));
        k.Sim.Run(Sec);
        Assert.Equal(BlockPages, k.ContextOf(a).AllocResult);

        // The next request, aligned to 16 pages, starts at the first clear bit that is 16-aligned.
        SimTask b = Spawn(k, "dma-b", _ => k.CmaAlloc("cma0", 100, 4));
        k.Sim.Run(2 * Sec);
        Assert.Equal(BlockPages + 64, k.ContextOf(b).AllocResult);
        Assert.True(area.TestBit(0) && area.TestBit(163));
        Assert.False(area.TestBit(164));
        Assert.Equal((8 * Pb) - 164, area.AvailableCount);
        Assert.Equal((164L, 0L), (k.Cma.AllocSuccess, k.Cma.AllocFail)); // pages, as count_vm_events(CMA_ALLOC_SUCCESS, count)
        Assert.Equal(164, area.AllocPagesSuccess);
        Assert.Equal([BlockPages, BlockPages + 64], area.Calls.Select(c => c.Pfn));
        KernelChecker.Verify(k, "cma_alloc");

        Assert.True(k.CmaRelease("cma0", BlockPages, 64));
        Assert.False(area.TestBit(0) || area.TestBit(63));
        Assert.True(area.TestBit(64));
        Assert.Equal((8 * Pb) - 100, area.AvailableCount);
        Assert.Equal(64, area.ReleasePages);
        Assert.False(k.CmaRelease("cma0", BlockPages - 1, 64));
        KernelChecker.Verify(k, "cma_release");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_blocks_of_a_CMA_allocation_stay_CMA_under_both_isolate_variants(bool isolateBit)
    {
        // ≤ 6.16 undoes the isolation with the caller's migratetype, which cma_alloc gives as MIGRATE_CMA;
        // 6.17+ never touched the type.
        LinuxKernel k = Boot(isolateBit, cmaPages: 4 * Pb);
        SimTask a = Spawn(k, "dma", _ => k.CmaAlloc("cma0", (2 * Pb) + 7, 0));
        k.Sim.Run(Sec);
        Assert.Equal(BlockPages, k.ContextOf(a).AllocResult);
        for (int pfn = BlockPages; pfn < BlockPages + (4 * Pb); pfn += Pb)
        {
            Assert.Equal(MigrateType.Cma, k.Node.PageblockMigratetype(pfn));
        }

        Assert.True(k.CmaRelease("cma0", BlockPages, (2 * Pb) + 7));

        // The tail's small chunks went to the pcp lists, as free_contig_range's order-0 frees do.
        k.Alloc.DrainAllPages();
        Assert.Equal(4L * Pb, k.Node.Zones[(int)Mm.ZoneType.Normal].VmStat[(int)Mm.Stat.ZoneStatItem.NrFreeCma]);
        KernelChecker.Verify(k, "cma blocks");
    }

    [Fact]
    public void A_request_larger_than_what_is_available_fails_and_counts_cma_alloc_fail()
    {
        LinuxKernel k = Boot(cmaPages: 4 * Pb);
        SimTask a = Spawn(k, "dma", _ => k.CmaAlloc("cma0", (4 * Pb) + 1, 0));
        k.Sim.Run(Sec);
        Assert.Equal(-1, k.ContextOf(a).AllocResult);
        Assert.Equal((0L, (4L * Pb) + 1), (k.Cma.AllocSuccess, k.Cma.AllocFail));
        Assert.Equal((4 * Pb) + 1, k.Cma.Areas[0].AllocPagesFail);
        Assert.Equal(4 * Pb, k.Cma.Areas[0].AvailableCount);
    }

    [Fact]
    public void A_busy_range_is_given_up_and_the_next_candidate_past_it_is_tried()
    {
        // cma_range_alloc: on -EBUSY clear the bits and search again from bitmap_no + mask + 1.
        LinuxKernel k = BootMostlyCma();
        int pinned = FilePageIn(k, BlockPages, BlockPages + Pb);
        k.Refs.AddExtraRefs(pinned, 1);
        CmaArea area = k.Cma.Areas[0];
        SimTask a = Spawn(k, "dma", _ => k.CmaAlloc("cma0", Pb, MmConstants.PageblockOrder));
        k.Sim.Run(10 * Sec);

        Assert.Equal(BlockPages + Pb, k.ContextOf(a).AllocResult);
        CmaAllocCall call = Assert.Single(area.Calls);
        Assert.Equal((2, 0), (call.RangesTried, call.Ret));
        Assert.False(area.TestBit(0) || area.TestBit(Pb - 1));
        Assert.True(area.TestBit(Pb) && area.TestBit((2 * Pb) - 1));
        Assert.Equal(BlockPages, pinned & ~(Pb - 1));
        Assert.True(k.Node.Pages[pinned].Has(PageFlags.Lru));
        k.Refs.AddExtraRefs(pinned, -1);
        KernelChecker.Verify(k, "busy range skipped");
    }

    [Fact]
    public void Cma_alloc_over_a_folio_under_never_ending_writeback_hangs_in_D_and_succeeds_once_writeback_ends()
    {
        LinuxKernel k = BootMostlyCma();
        var khungtaskd = new HungTaskDetector(k.Sim, new HungTaskSysctl { HungTaskCheckIntervalSecs = 1 });
        int folio = FilePageIn(k, BlockPages, BlockPages + Pb);
        SimTask server = Sleeper(k, "fuse-server");
        StartWriteback(k, folio, server);
        SimTask dma = Spawn(k, "dma", _ => k.CmaAlloc("cma0", Pb, MmConstants.PageblockOrder));
        k.Sim.Run(200 * Sec);

        Assert.Equal(TaskState.Uninterruptible, dma.State);
        Assert.Equal("folio_wait_writeback", dma.WaitSite);
        HungTaskReport report = khungtaskd.Reports.First(r => r.Pid == dma.Pid);
        Assert.Equal(server.Pid, report.Chain.Links[^1].Pid);
        Assert.Contains($"released by fuse-server:{server.Pid}", report.Chain.Describe(), StringComparison.Ordinal);
        Assert.Empty(k.Cma.Areas[0].Calls);

        k.FolioWait.FolioEndWriteback(folio);
        k.Sim.Run(201 * Sec);
        Assert.Equal(TaskState.Dead, dma.State);
        Assert.Equal(BlockPages, k.ContextOf(dma).AllocResult);
        CmaAllocCall call = Assert.Single(k.Cma.Areas[0].Calls);
        Assert.True(call.LatencyNs >= 200 * Sec);
        KernelChecker.Verify(k, "cma_alloc after writeback");
    }

    // Normal is one memory block, three quarters of it CMA: movable allocations then come from CMA first
    // (__rmqueue balances towards CMA when it holds over half of the free pages).
    private static LinuxKernel BootMostlyCma() => Boot(normalBlocks: 1, cmaPages: 48 * Pb);
}
