using MmSim.Mm;
using MmSim.Mm.DebugVm;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Vmstat;
using MmSim.Scenario;
using MmSim.Scenario.Import;
using MmSim.Sim;
using MmSim.Workloads;

namespace MmSim.Tests.PageAlloc;

/// <summary>
/// Zones at any PFN and memory holes (issue 11 item 7): the memory map memmap_init builds (hole pages reserved, with the
/// next range's zone id; sections without memory have none), and the kernel's rules for pageblocks that straddle a zone
/// edge or a hole: prep_move_freepages_block refuses them, __pageblock_pfn_to_page skips them, buddies never merge into a
/// hole or across a zone.
/// </summary>
public class ZoneHolesTests
{
    // DMA as on the real 6.18 sample (start_pfn 1, spanned 4095, present 3998, managed 3840); DMA32 ends inside a
    // pageblock (0x5100) after a hole (0x5080-0x50ff, so the hole's pages carry Normal's id); Normal has a hole that
    // splits pageblocks (0x7100-0x72ff) and a whole 128 MiB section without memory (0x8000-0xffff).
    internal static MachineSpec Holey(IReadOnlyList<CmaSpec>? cma = null) => new(
        [
            new ZoneSpec(ZoneType.Dma, 4095, StartPfn: 1, ReservedPages: 158),
            new ZoneSpec(ZoneType.Dma32, 0x4100, StartPfn: 0x1000),
            new ZoneSpec(ZoneType.Normal, 0x12000 - 0x5100, StartPfn: 0x5100),
        ],
        cma ?? [],
        [new PfnRange(0x9f, 0x100), new PfnRange(0x5080, 0x5100), new PfnRange(0x7100, 0x7300), new PfnRange(0x8000, 0x10000)]);

    private static PageAllocator Boot() => MmInit.Boot(Holey(), new PageAllocOptions());

    [Fact]
    public void Boot_gives_each_zone_its_start_spanned_present_and_managed()
    {
        PgData node = Boot().Node;
        Zone dma = node.Zones[(int)ZoneType.Dma], dma32 = node.Zones[(int)ZoneType.Dma32], normal = node.Zones[(int)ZoneType.Normal];
        Assert.Equal((1, 4095, 3998L, 3840L), (dma.ZoneStartPfn, dma.SpannedPages, dma.PresentPages, dma.ManagedPages));
        Assert.Equal((0x1000, 0x4100, 0x4080L, 0x4080L), (dma32.ZoneStartPfn, dma32.SpannedPages, dma32.PresentPages, dma32.ManagedPages));
        Assert.Equal((0x5100, 0xCF00, 0x4D00L, 0x4D00L), (normal.ZoneStartPfn, normal.SpannedPages, normal.PresentPages, normal.ManagedPages));
        Assert.Empty(FreeAreaChecker.Check(Boot()));
    }

    [Fact]
    public void Hole_pages_are_reserved_with_the_next_ranges_zone_and_sections_without_memory_have_no_memory_map()
    {
        PgData node = Boot().Node;
        foreach (int pfn in (int[])[0, 0x9f, 0xff, 0x5080, 0x50ff, 0x7100, 0x72ff])
        {
            Assert.True(node.PfnValid(pfn), $"pfn 0x{pfn:x} has a memory map");
            Assert.True(node.Pages[pfn].Has(PageFlags.Reserved), $"pfn 0x{pfn:x} is PageReserved");
            Assert.False(node.Pages[pfn].Has(PageFlags.Buddy), $"pfn 0x{pfn:x} is not free");
            Assert.False(node.PfnPresent(pfn));
        }

        // init_unavailable_range gives a hole the zone of the memory range after it.
        Assert.Equal(ZoneType.Dma, node.PageZone(0).Type);
        Assert.Equal(ZoneType.Dma, node.PageZone(0x9f).Type);
        Assert.Equal(ZoneType.Normal, node.PageZone(0x5080).Type); // inside DMA32's span
        Assert.Equal(ZoneType.Dma32, node.PageZone(0x507f).Type);
        Assert.Equal(ZoneType.Normal, node.PageZone(0x7200).Type);
        Assert.False(node.PfnValid(0x8000));
        Assert.False(node.PfnValid(0xffff));
        Assert.True(node.PfnValid(0x10000));

        // memmap_init_range sets MOVABLE only at pageblock-aligned present PFNs: the block at PFN 0 stays UNMOVABLE,
        // as the sample's DMA zone shows (1 Unmovable block, 7 Movable).
        Assert.Equal(MigrateType.Unmovable, node.PageblockMigratetype(0));
        Assert.Equal(MigrateType.Movable, node.PageblockMigratetype(0x200));
        Assert.Equal(8 * 0x200 - 1 - 97, node.PresentPagesIn(0, 0x1000));
    }

    [Fact]
    public void The_buddy_of_the_last_page_before_a_hole_or_a_zone_edge_is_never_merged()
    {
        PgData node = Boot().Node;

        // DMA32's last present range ends at 0x5080: boot frees it as an order-7 block whose buddy is the hole.
        Assert.True(node.Pages[0x5000].Has(PageFlags.Buddy));
        Assert.Equal(7, node.Pages[0x5000].Order);

        // Normal starts at 0x5100: an order-8 block whose order-8 buddy lies in DMA32's span.
        Assert.True(node.Pages[0x5100].Has(PageFlags.Buddy));
        Assert.Equal(8, node.Pages[0x5100].Order);

        // Normal's hole 0x7100-0x72ff: 0x7000 is order 8, 0x7300 order 8 and 0x7400 order 10 cannot grow into it.
        Assert.Equal(8, node.Pages[0x7000].Order);
        Assert.Equal(8, node.Pages[0x7300].Order);
    }

    [Fact]
    public void Move_freepages_block_refuses_a_pageblock_that_straddles_the_zone_edge()
    {
        PageAllocator alloc = Boot();
        PgData node = alloc.Node;
        Zone dma32 = node.Zones[(int)ZoneType.Dma32], normal = node.Zones[(int)ZoneType.Normal];

        // 0x5000-0x51ff is half DMA32, half Normal: neither zone's lock covers it.
        Assert.False(alloc.PrepMoveFreepagesBlock(dma32, 0x5010, out _, out _, out _));
        Assert.False(alloc.PrepMoveFreepagesBlock(normal, 0x5150, out _, out _, out _));
        Assert.Equal(-1, alloc.MoveFreepagesBlock(normal, 0x5150, MigrateType.Movable, MigrateType.Unmovable));
        Assert.Equal(MigrateType.Movable, node.PageblockMigratetype(0x5150));

        // A block inside one zone, even one with a hole, moves (its free pages only).
        Assert.True(alloc.PrepMoveFreepagesBlock(normal, 0x7200, out int start, out int free, out _));
        Assert.Equal((0x7200, 0x100), (start, free));
        Assert.Empty(FreeAreaChecker.Check(alloc));
    }

    [Fact]
    public void Compaction_skips_a_pageblock_that_runs_into_another_zone_or_a_section_without_memory()
    {
        PgData node = Boot().Node;
        Zone dma = node.Zones[(int)ZoneType.Dma], dma32 = node.Zones[(int)ZoneType.Dma32], normal = node.Zones[(int)ZoneType.Normal];

        // DMA32's last block, clamped to the zone end: its last page is a hole carrying Normal's id.
        Assert.False(node.PageblockPfnToPage(0x5000, 0x5100, dma32));
        Assert.True(node.PageblockPfnToPage(0x4e00, 0x5000, dma32));

        // Normal's first block, clamped to the zone start, and a block with a hole inside the zone are scanned.
        Assert.True(node.PageblockPfnToPage(0x5100, 0x5200, normal));
        Assert.True(node.PageblockPfnToPage(0x7000, 0x7200, normal));
        Assert.False(node.PageblockPfnToPage(0x5000, 0x5200, normal));

        // No memory map, or the wrong zone at the start.
        Assert.False(node.PageblockPfnToPage(0x8000, 0x8200, normal));
        Assert.False(node.PageblockPfnToPage(0x5000, 0x5100, normal));
        Assert.True(node.PageblockPfnToPage(1, 0x200, dma));
    }

    [Fact]
    public void The_checker_reports_a_hole_page_on_a_free_list()
    {
        PageAllocator alloc = Boot();
        Zone normal = alloc.Node.Zones[(int)ZoneType.Normal];
        alloc.Node.Pages[0x7150].Clear(PageFlags.Reserved);
        alloc.FreeOnePage(normal, 0x7150, 0, MigrateType.Movable, FreeFlags.None);
        Assert.Contains(FreeAreaChecker.Check(alloc), p => p.Contains("crosses a zone edge or a memory hole", StringComparison.Ordinal));
    }

    [Fact]
    public void Zoneinfo_prints_the_real_start_spanned_present_and_managed()
    {
        PgData node = Boot().Node;
        string text = ProcZoneinfo.Render(node);
        IReadOnlyList<ZoneinfoZone> zones = ZoneinfoFile.Parse(text, "zoneinfo");
        Assert.Equal(
            [("DMA", 1L, 4095L, 3998L, 3840L), ("DMA32", 0x1000L, 0x4100L, 0x4080L, 0x4080L), ("Normal", 0x5100L, 0xCF00L, 0x4D00L, 0x4D00L)],
            zones.Where(z => z.Present > 0).Select(z => (z.Name, z.StartPfn, z.Spanned, z.Present, z.Managed)).ToArray());
        Assert.Contains("\n        spanned  4095\n        present  3998\n        managed  3840\n", text, StringComparison.Ordinal);
        Assert.Contains("\n  start_pfn:           1\n", text, StringComparison.Ordinal);
    }

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(0, 24)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Churn_over_zone_edges_and_holes_keeps_every_invariant(int seed)
    {
        var prng = new Prng((ulong)seed + 1000);
        var options = new PageAllocOptions
        {
            Fallback = (seed & 1) == 0 ? FallbackAlgorithm.V6_15 : FallbackAlgorithm.V6_12,
            PcpEnabled = (seed & 2) == 0,
        };
        List<CmaSpec> cma = seed % 3 == 0 ? [new("cma", ZoneType.Normal, 1024)] : [];
        PageAllocator alloc = MmInit.Boot(Holey(cma), options);
        var churn = new ChurnWorkload(alloc, prng.Split(1), 6000 + (int)prng.NextBelow(3500),
            [(0, 60), (1, 10), (2, 8), (3, 8), (4, 3), (9, 6), (10, 2)],
            [(GfpFlags.HighUserMovable, 45), (GfpFlags.Kernel, 25), (GfpFlags.Kernel | GfpFlags.Reclaimable, 15), (GfpFlags.Atomic, 10), (GfpFlags.Kernel | GfpFlags.Dma32, 5)]);
        for (int op = 1; op <= 400; op++)
        {
            churn.Step();
            FreeAreaChecker.Verify(alloc, $"seed {seed} operation {op}");
        }

        churn.FreeAll();
        alloc.DrainAllPages();
        FreeAreaChecker.Verify(alloc, $"seed {seed} after freeing everything");
        foreach (Zone z in alloc.Node.Zones)
        {
            Assert.Equal(z.ManagedPages, z.VmStat[(int)Mm.Stat.ZoneStatItem.NrFreePages]);
        }
    }

    [Fact]
    public void Holes_load_from_a_scenario_and_bad_ones_are_one_line()
    {
        const string Head = "version: 1\nname: h\nmachine:\n  zones:\n    - { name: DMA, start_pfn: 1, size: 16380KiB, reserved: 632KiB }\n    - { name: DMA32, start_pfn: 0x1000, size: 4080MiB }\n";
        LoadResult ok = ScenarioLoader.LoadFromString(Head + "  holes:\n    - { start_pfn: 0x9f, end_pfn: 0x100 }\n    - { start_pfn: 0x20000, end_pfn: 0x100000 }\n", "h.yaml");
        Assert.True(ok.Success, string.Join("\n", ok.Errors));
        ZoneConfig dma = ok.Config!.Machine.Zones[0], dma32 = ok.Config.Machine.Zones[1];
        Assert.Equal((4095L, 3998L, 3840L, 0x100L), (dma.SpannedPages, dma.PresentPages, dma.ManagedPages, dma.FirstManagedPfn));
        Assert.Equal((1044480L, 0x1F000L), (dma32.SpannedPages, dma32.PresentPages));
        Assert.Contains("  holes:\n    - start_pfn: 0x9f\n", ScenarioWriter.WriteResolvedYaml(ok.Config), StringComparison.Ordinal);

        LoadResult overlap = ScenarioLoader.LoadFromString(Head + "  holes:\n    - { start_pfn: 0x9f, end_pfn: 0x100 }\n    - { start_pfn: 0xa0, end_pfn: 0x200 }\n", "h.yaml");
        Assert.Contains(overlap.Errors, e => e.Message.Contains("ascending order without overlap", StringComparison.Ordinal));

        LoadResult swallowed = ScenarioLoader.LoadFromString(Head + "  holes:\n    - { start_pfn: 0x1000, end_pfn: 0x100000 }\n", "h.yaml");
        Assert.Contains(swallowed.Errors, e => e.Message.Contains("wholly in memory holes", StringComparison.Ordinal));

        LoadResult cmaInHole = ScenarioLoader.LoadFromString(
            Head + "  holes:\n    - { start_pfn: 0x20000, end_pfn: 0x100000 }\n  cma:\n    - { name: c, size: 4MiB, zone: DMA32, start_pfn: 0x20000 }\n", "h.yaml");
        Assert.Contains(cmaInHole.Errors, e => e.Message.Contains("overlaps the memory hole", StringComparison.Ordinal));

        // A default-placed CMA area goes below the hole that ends the zone (memblock only hands out memory).
        LoadResult cmaTop = ScenarioLoader.LoadFromString(
            Head + "  holes:\n    - { start_pfn: 0x20000, end_pfn: 0x100000 }\n  cma:\n    - { name: c, size: 4MiB, zone: DMA32 }\n", "h.yaml");
        Assert.True(cmaTop.Success, string.Join("\n", cmaTop.Errors));
        Assert.Equal(0x20000 - 1024, cmaTop.Config!.Machine.Cma[0].StartPfn);
    }
}
