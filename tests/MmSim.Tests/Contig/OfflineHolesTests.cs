using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.MemoryHotplug;
using MmSim.Mm.PageAlloc;
using MmSim.Sim;
using static MmSim.Tests.Contig.ContigRig;

namespace MmSim.Tests.Contig;

/// <summary>
/// offline_pages on memory blocks with holes or zone edges inside: walk_system_ram_range must count every page
/// ("memory holes"), and a block that intersects two zones has no mem->zone and is refused; alloc_contig_range
/// cannot take a range with a hole (its pages are PageReserved).
/// </summary>
public class OfflineHolesTests
{
    private static LinuxKernel Boot(MachineSpec spec) => LinuxKernel.Boot(
        spec,
        new KernelParams
        {
            Alloc = new PageAllocOptions(),
            Compact = _ => Mm.Compaction.Impl.NoCompaction.Instance,
            Reclaim = _ => Mm.Vmscan.Impl.NoReclaim.Instance,
        },
        1);

    private static OfflineAttempt Offline(LinuxKernel k, int block)
    {
        var attempt = new OfflineAttempt();
        Spawn(k, "sh", _ => k.OfflineMemoryBlock(block, attempt));
        k.Sim.Run(SimTime.NsPerSec);
        return attempt;
    }

    [Fact]
    public void A_memory_block_with_a_hole_is_refused_and_a_whole_one_goes_offline()
    {
        // DMA32 is block 0; Normal is blocks 1 and 2, with a 100-page hole inside block 2.
        LinuxKernel k = Boot(new MachineSpec(
            [new ZoneSpec(ZoneType.Dma32, BlockPages, 0, Pb), new ZoneSpec(ZoneType.Normal, 2L * BlockPages)],
            [],
            [new PfnRange((2L * BlockPages) + 1000, (2L * BlockPages) + 1100)]));
        Zone normal = k.Node.Zones[(int)ZoneType.Normal];
        Assert.Equal((2L * BlockPages) - 100, normal.PresentPages);

        OfflineAttempt holey = Offline(k, 2);
        Assert.Equal((OfflineOutcome.Ebusy, "memory holes"), (holey.Outcome, holey.Reason));
        Assert.Equal(MemoryBlockState.Online, k.Hotplug.Blocks.State(2));

        OfflineAttempt whole = Offline(k, 1);
        Assert.Equal(OfflineOutcome.Ok, whole.Outcome);
        KernelChecker.Verify(k, "after offline next to a hole");
    }

    [Fact]
    public void A_memory_block_across_a_zone_edge_is_refused()
    {
        // DMA32 ends 4 MiB into block 1 (not a section boundary): block 1 intersects DMA32 and Normal.
        LinuxKernel k = Boot(new MachineSpec(
            [new ZoneSpec(ZoneType.Dma32, BlockPages + 1024, 0, Pb), new ZoneSpec(ZoneType.Normal, (2L * BlockPages) - 1024)],
            []));
        OfflineAttempt attempt = Offline(k, 1);
        Assert.Equal((OfflineOutcome.Ebusy, "multizone range"), (attempt.Outcome, attempt.Reason));
        Assert.Equal(OfflineOutcome.Ok, Offline(k, 2).Outcome);
        KernelChecker.Verify(k, "after offline beside a zone edge");
    }

    [Fact]
    public void Alloc_contig_range_over_a_hole_fails_and_beside_it_succeeds()
    {
        long hole = (2L * BlockPages) + 1024;
        LinuxKernel k = Boot(new MachineSpec(
            [new ZoneSpec(ZoneType.Dma32, BlockPages, 0, Pb), new ZoneSpec(ZoneType.Normal, 2L * BlockPages)],
            [],
            [new PfnRange(hole, hole + 100)]));

        // start_isolate_page_range: has_unmovable_pages finds the hole's PageReserved pages.
        var over = new Mm.Contig.ContigResult();
        Spawn(k, "sh", c => k.Contig.AllocContigRange(c, (int)hole - 512, (int)hole + 512, false, GfpFlags.Kernel, OwnerKind.Contig, over));
        k.Sim.Run(SimTime.NsPerSec);
        Assert.NotEqual(0, over.Ret);

        var beside = new Mm.Contig.ContigResult();
        Spawn(k, "sh", c => k.Contig.AllocContigRange(c, (int)hole + 1536, (int)hole + 2048, false, GfpFlags.Kernel, OwnerKind.Contig, beside));
        k.Sim.Run(SimTime.NsPerSec);
        Assert.Equal(0, beside.Ret);
        KernelChecker.Verify(k, "after alloc_contig_range beside a hole");
    }
}
