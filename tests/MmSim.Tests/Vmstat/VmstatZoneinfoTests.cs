using MmSim.Mm;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;
using MmSim.Mm.Vmstat;
using MmSim.Tests.Golden;

namespace MmSim.Tests.Vmstat;

/// <summary>/proc/vmstat and /proc/zoneinfo details the golden files do not reach.</summary>
public class VmstatZoneinfoTests
{
    [Fact]
    public void MemmapBootPages_CountsOnlySectionsWithMemory()
    {
        // DMA in section 0, Normal in section 2 (PFN 65536 = 256 MiB), section 1 is a hole:
        // 2 sections × 32768 pages × 64 bytes / 4096 = 1024 pages.
        PageAllocator alloc = MmInit.Boot(
            new MachineSpec([new ZoneSpec(ZoneType.Dma, 4096), new ZoneSpec(ZoneType.Normal, 512, StartPfn: 65536)], []),
            new PageAllocOptions());
        Assert.Equal(1024, ProcVmstat.NrMemmapBootPages(alloc.Node));
        long[] v = ProcVmstat.Snapshot(alloc.Node);
        Assert.Equal(0, v[VmstatText.Index(VmStatItem.NrMemmapPages)]);
        Assert.Equal(1024, v[VmstatText.Index(VmStatItem.NrMemmapBootPages)]);
    }

    [Fact]
    public void MemmapBootPages_SampleMachine_MatchesTheRealKernel()
    {
        // The 6.18 sample: 24 GiB present in 192 sections (the 3–4 GiB PCI hole has none) → 98304.
        var zones = new[]
        {
            new Zone(ZoneType.Dma, 0, 4096) { PresentPages = 3998 },
            new Zone(ZoneType.Dma32, 4096, 786432 - 4096) { PresentPages = 782336 },
            new Zone(ZoneType.Normal, 1048576, 5505024) { PresentPages = 5505024 },
            new Zone(ZoneType.Movable, 6553600, 0),
        };
        Assert.Equal(98304, ProcVmstat.NrMemmapBootPages(new PgData(6553600, zones)));
    }

    [Theory]
    [InlineData(20, 10, 1508, 3020)]
    [InlineData(10, 20, 754, 1508)] // background above the limit: halved limit
    [InlineData(0, 10, 0, 0)]
    [InlineData(100, 0, 0, 15107)]
    public void DirtyLimits_UsePerPageRatiosOfDirtyableMemory(int ratio, int bgRatio, long bgExpected, long threshExpected)
    {
        // Booted small machine: free 16383, totalreserve 1277, no file LRU: dirtyable 15107.
        PgData node = GoldenProcTests.BootSmall().Node;
        Assert.Equal(1277, GlobalDirtyLimits.CalculateTotalreservePages(node));
        Assert.Equal(15107, GlobalDirtyLimits.GlobalDirtyableMemory(node));
        Assert.Equal((bgExpected, threshExpected), GlobalDirtyLimits.Compute(node, ratio, bgRatio));
        string text = ProcVmstat.Render(node, ratio, bgRatio);
        Assert.Contains($"\nnr_dirty_threshold {threshExpected}\nnr_dirty_background_threshold {bgExpected}\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void DirtyLimits_RejectRatiosAbove100()
    {
        PgData node = GoldenProcTests.BootSmall().Node;
        Assert.Throws<ArgumentOutOfRangeException>(() => GlobalDirtyLimits.Compute(node, 101, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => GlobalDirtyLimits.Compute(node, 20, -1));
    }

    [Fact]
    public void NegativeStateCountersPrintAsZero()
    {
        PgData node = GoldenProcTests.BootSmall().Node;
        node.VmStat[(int)NodeStatItem.NrInactiveAnon] = -5;
        node.Zones[(int)ZoneType.Normal].VmStat[(int)ZoneStatItem.NrMlock] = -3;
        Assert.Contains("\nnr_inactive_anon 0\n", ProcVmstat.Render(node), StringComparison.Ordinal);
        Assert.Contains("\nnr_mlock 0\n", ProcVmstat.Render(node), StringComparison.Ordinal);
        string zoneinfo = ProcZoneinfo.Render(node);
        Assert.Contains("\n      nr_inactive_anon 0\n", zoneinfo, StringComparison.Ordinal);
        Assert.Equal(3, zoneinfo.Split("\n      nr_mlock     0\n").Length - 1);
        Assert.DoesNotContain(" -", zoneinfo, StringComparison.Ordinal);
    }

    [Fact]
    public void VmstatEndsWithNrUnstableAndHasEveryItemOnce()
    {
        string[] lines = ProcVmstat.Render(GoldenProcTests.BootSmall().Node).TrimEnd('\n').Split('\n');
        Assert.Equal(VmstatText.Count, lines.Length);
        Assert.Equal("nr_unstable 0", lines[^1]);
        for (int i = 0; i < lines.Length; i++)
        {
            Assert.StartsWith(VmstatText.Names[i] + " ", lines[i], StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(3840, 2, 4)] // the sample's DMA
    [InlineData(772917, 2, 24)] // the sample's DMA32
    [InlineData(1015808, 2, 24)] // the sample's Normal
    [InlineData(4095, 1, 2)]
    [InlineData(1L << 30, 1, 34)]
    [InlineData(1L << 30, 64, 125)] // capped
    public void NormalThreshold_MatchesKernelFormula(long managed, int cpus, int expected)
    {
        var zone = new Zone(ZoneType.Normal, 0, 0) { ManagedPages = managed };
        Assert.Equal(expected, ProcZoneinfo.CalculateNormalThreshold(zone, cpus));
    }

    [Fact]
    public void Zoneinfo_NodeUnreclaimableFlagShowsInEveryPopulatedZone()
    {
        string text = ProcZoneinfo.Render(GoldenProcTests.BootSmall().Node, nodeUnreclaimable: true);
        Assert.Equal(3, text.Split("\n  node_unreclaimable:  1\n").Length - 1);
        Assert.DoesNotContain("node_unreclaimable:  0", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Zoneinfo_PerNodeStatsFollowTheFirstPopulatedZone()
    {
        // No DMA zone: the node block moves to DMA32.
        PageAllocator alloc = MmInit.Boot(
            new MachineSpec([new ZoneSpec(ZoneType.Dma32, 4096, StartPfn: 4096), new ZoneSpec(ZoneType.Normal, 4096)], []),
            new PageAllocOptions());
        string text = ProcZoneinfo.Render(alloc.Node);
        Assert.StartsWith("Node 0, zone      DMA\n  pages free     0\n", text, StringComparison.Ordinal);
        Assert.Contains("Node 0, zone    DMA32\n  per-node stats\n      nr_inactive_anon 0\n", text, StringComparison.Ordinal);
        Assert.Single(text.Split("per-node stats"), s => s.Length > 0 && s.Contains("Normal", StringComparison.Ordinal));
    }
}
