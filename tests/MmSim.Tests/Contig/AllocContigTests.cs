using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Contig;
using MmSim.Mm.Filemap;
using MmSim.Mm.Migrate;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;
using MmSim.Sim;
using static MmSim.Tests.Contig.ContigRig;

namespace MmSim.Tests.Contig;

/// <summary>alloc_contig_range, __alloc_contig_migrate_range's retry rule, alloc_contig_pages and gigantic hugetlb pages.</summary>
public class AllocContigTests
{
    private const long Sec = SimTime.NsPerSec;

    [Fact]
    public void A_block_of_LRU_folios_is_emptied_by_MIGRATE_SYNC_and_handed_out_whole()
    {
        LinuxKernel k = Boot();
        int first = FilePageIn(k, BlockPages + (4 * Pb), 3 * BlockPages);
        int block = first & ~(Pb - 1);
        List<int> folios = OwnedIn(k, block, block + Pb, OwnerKind.File);
        long migrated = k.Node.VmEvents[(int)VmEventItem.PgmigrateSuccess];
        var result = new ContigResult();
        Spawn(k, "contig", c => k.Contig.AllocContigRange(c, block, block + Pb, cma: false, GfpFlags.Kernel, OwnerKind.Contig, result));
        k.Sim.Run(Sec);

        Assert.Equal(0, result.Ret);
        Assert.Equal(folios.Count, k.Node.VmEvents[(int)VmEventItem.PgmigrateSuccess] - migrated);
        Assert.Equal([block], OwnedIn(k, block, block + Pb, OwnerKind.Contig));
        Assert.Equal(MmConstants.PageblockOrder, k.Node.Pages[block].Order);
        Assert.Equal(MigrateType.Movable, k.Node.PageblockMigratetype(block));
        Assert.Equal(0, k.Node.PageZone(block).NrIsolatePageblock);
        KernelChecker.Verify(k, "alloc_contig_range");

        k.FreeContigRange(block, Pb);
        Assert.Empty(OwnedIn(k, block, block + Pb, OwnerKind.Contig));
        KernelChecker.Verify(k, "free_contig_range");
    }

    [Fact]
    public void An_unaligned_range_is_allocated_exactly_and_the_rest_of_the_buddy_goes_back()
    {
        LinuxKernel k = Boot();
        int start = (3 * BlockPages / 2) + 100;
        var result = new ContigResult();
        Spawn(k, "contig", c => k.Contig.AllocContigRange(c, start, start + 300, cma: false, GfpFlags.Kernel, OwnerKind.Contig, result));
        k.Sim.Run(Sec);

        Assert.Equal(0, result.Ret);
        long pages = 0;
        foreach (int head in OwnedIn(k, start - 100, start + 400, OwnerKind.Contig))
        {
            Assert.InRange(head, start, start + 299);
            pages += 1L << k.Node.Pages[head].Order;
        }

        Assert.Equal(300, pages);
        Assert.True(k.Node.Pages[start - 4].Has(PageFlags.Buddy));
        KernelChecker.Verify(k, "unaligned alloc_contig_range");
        k.FreeContigRange(start, 300);
        KernelChecker.Verify(k, "unaligned free_contig_range");
    }

    [Theory]
    [InlineData(0, 1, 5)]
    [InlineData(32, 2, 6)]
    public void A_batch_still_holding_folios_after_five_migrate_pages_passes_gives_EBUSY_and_a_new_batch_restarts_the_count(
        int pinnedIndex, int batches, int passes)
    {
        // __alloc_contig_migrate_range: "else if (++tries == 5) { ret = -EBUSY; break; }", with tries = 0
        // whenever isolate_migratepages_range fills an empty list (at most COMPACT_CLUSTER_MAX folios).
        LinuxKernel k = Boot();
        (int block, List<int> folios) = BlockWithFilePages(k, 40);
        int pinned = folios[pinnedIndex];
        k.Refs.AddExtraRefs(pinned, 1);
        var result = new ContigResult();
        Spawn(k, "contig", c => k.Contig.AllocContigRange(c, block, block + Pb, cma: false, GfpFlags.Kernel, OwnerKind.Contig, result));
        k.Sim.Run(10 * Sec);

        Assert.Equal(-Errno.EBUSY, result.Ret);
        Assert.Equal(batches, result.Batches);
        Assert.Equal(passes, result.MigratePasses);

        // The failed folio went back to its LRU; the range is free again for others.
        Assert.True(k.Node.Pages[pinned].Has(PageFlags.Lru));
        Assert.False(k.Node.PageblockIsolated(block));
        Assert.Empty(OwnedIn(k, block, block + Pb, OwnerKind.Contig));
        k.Refs.AddExtraRefs(pinned, -1);
        KernelChecker.Verify(k, "EBUSY after five passes");
    }

    [Fact]
    public void A_fatal_signal_ends_the_migration_loop_with_EINTR_before_any_pass()
    {
        LinuxKernel k = Boot();
        (int block, _) = BlockWithFilePages(k, 10);
        var result = new ContigResult();
        Spawn(k, "contig", c =>
        {
            c.SendSignal(TaskContext.SigKill);
            return k.Contig.AllocContigRange(c, block, block + Pb, cma: false, GfpFlags.Kernel, OwnerKind.Contig, result);
        });
        k.Sim.Run(Sec);

        Assert.Equal(-Errno.EINTR, result.Ret);
        Assert.Equal(0, result.MigratePasses);
        Assert.False(k.Node.PageblockIsolated(block));
        KernelChecker.Verify(k, "EINTR");
    }

    [Fact]
    public void Alloc_contig_pages_returns_a_range_aligned_to_its_power_of_two_size_in_the_highest_zone_allowed()
    {
        LinuxKernel k = Boot();
        SimTask t = Spawn(k, "contig", _ => k.AllocContigPages(4 * Pb, GfpFlags.Kernel));
        k.Sim.Run(Sec);

        int pfn = k.ContextOf(t).AllocResult;
        Assert.True(pfn >= 0);
        Assert.Equal(0, pfn % (4 * Pb));
        Assert.Equal(ZoneType.Normal, k.Node.PageZone(pfn).Type);
        KernelChecker.Verify(k, "alloc_contig_pages");
        k.FreeContigRange(pfn, 4 * Pb);
        KernelChecker.Verify(k, "free");
    }

    [Fact]
    public void Alloc_contig_pages_skips_ranges_with_unmovable_pages()
    {
        LinuxKernel k = Boot();
        int kernel = AllocIn(k, GfpFlags.Kernel, BlockPages, BlockPages + (4 * Pb));
        SimTask t = Spawn(k, "contig", _ => k.AllocContigPages(4 * Pb, GfpFlags.Kernel));
        k.Sim.Run(Sec);

        int pfn = k.ContextOf(t).AllocResult;
        Assert.True(pfn >= BlockPages + (4 * Pb), $"got 0x{pfn:x}, the unmovable page is at 0x{kernel:x}");
        KernelChecker.Verify(k, "alloc_contig_pages skipped a range");
    }

    [Fact]
    public void Writing_nr_hugepages_of_the_1_GiB_size_allocates_gigantic_pages_by_alloc_contig_pages()
    {
        LinuxKernel k = Boot(normalBlocks: 24);
        SimTask t = Spawn(k, "sh", _ => k.SetNrGiganticHugepages(new AllocTally(), 2));
        k.Sim.Run(10 * Sec);

        // 3 GiB of Normal from 128 MiB: 1 GiB-aligned ranges at 1 GiB and 2 GiB fit; 3 GiB does not.
        Assert.Equal(2, k.ContextOf(t).Ret);
        Assert.Equal(2L << 18, k.Node.VmStat[(int)NodeStatItem.NrHugetlb]);
        Assert.Equal(18, Mm.Hugetlb.HugetlbPool.GiganticOrder);
        long hugetlbPages = 0;
        foreach (int head in OwnedIn(k, 0, k.Node.NodeSpannedPages, OwnerKind.Hugetlb))
        {
            hugetlbPages += 1L << k.Node.Pages[head].Order;
        }

        Assert.Equal(2L << 18, hugetlbPages);
        KernelChecker.Verify(k, "gigantic pages");
    }

    // Reads a file until some pageblock of Normal holds at least min of its pages; returns that block
    // and its file folios in PFN order.
    internal static (int Block, List<int> Folios) BlockWithFilePages(LinuxKernel k, int min)
    {
        CachedFile file = k.PageCache.Open("many", k.Node.NodeSpannedPages);
        var stats = new AllocTally();
        var perBlock = new Dictionary<int, int>();
        for (long i = 0; i < file.NrPages; i++)
        {
            Coroutines.RunInline(k.PageCache.Read(file, i, stats));
            int block = file.Pfn[i] & ~(Pb - 1);
            perBlock[block] = perBlock.GetValueOrDefault(block) + 1;
            if (perBlock[block] >= min && block >= BlockPages)
            {
                return (block, OwnedIn(k, block, block + Pb, OwnerKind.File));
            }
        }

        throw new InvalidOperationException("no block filled");
    }
}
