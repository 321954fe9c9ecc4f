using System.Globalization;
using MmSim.Mm;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;
using MmSim.Mm.Trace;
using MmSim.Mm.Vmstat;

namespace MmSim.Tests.Golden;

/// <summary>
/// Renders every file for small booted machines after known operations and compares them with
/// golden files derived by hand from the kernel formulas and format strings
/// (expected/derive.py documents each number).
/// </summary>
public class GoldenProcTests
{
    private const GfpFlags MovableDma = GfpFlags.Kernel | GfpFlags.Dma | GfpFlags.Movable;
    private const GfpFlags KernelDma = GfpFlags.Kernel | GfpFlags.Dma;

    // The trace clock of RunOps: one timestamp per operation, chosen to exercise the rounding to
    // microseconds and the %5lu seconds field (derive.py uses the same list).
    private static readonly long[] OpTimesNs =
    [
        12_345_678_900, 12_345_679_499, 99_999_999_500, 123_456_000_000_000, 123_456_000_001_000, 123_456_000_002_000,
        123_456_000_003_000, 123_456_000_004_000, 123_456_000_005_000, 123_456_000_006_000, 123_456_999_999_499,
    ];

    /// <summary>DMA 16 MiB (PFN 0 reserved), DMA32 16 MiB, Normal 32 MiB, no Movable; pcp off so each request reaches the buddy lists.</summary>
    internal static PageAllocator BootSmall() => MmInit.Boot(
        new MachineSpec(
            [
                new ZoneSpec(ZoneType.Dma, 4096, ReservedPages: 1),
                new ZoneSpec(ZoneType.Dma32, 4096),
                new ZoneSpec(ZoneType.Normal, 8192),
            ],
            []),
        new PageAllocOptions { PcpEnabled = false });

    [Fact]
    public void Boot_AllFilesMatchHandDerivation()
    {
        PgData node = BootSmall().Node;
        AssertAllFiles("boot", node);
    }

    [Fact]
    public void AfterOps_AllFilesMatchHandDerivation()
    {
        PageAllocator alloc = BootSmall();
        RunOps(alloc, () => { });
        SetNodeCounters(alloc.Node);
        AssertAllFiles("ops", alloc.Node);
    }

    [Fact]
    public void AfterOps_TraceMatchesHandDerivation()
    {
        PageAllocator alloc = BootSmall();
        var text = new StringWriter(CultureInfo.InvariantCulture);
        int op = 0;
        long now = 0;
        alloc.Trace = new FtraceWriter(text, () => now);
        RunOps(alloc, () => now = OpTimesNs[op++]);

        // 10: the freed movable order-10 block is claimed whole by an unmovable request.
        now = OpTimesNs[op++];
        Assert.Equal(2048, alloc.AllocPages(KernelDma, 10));

        // 11: nothing of order 10 is left in DMA: the request fails and traces a NULL page.
        now = OpTimesNs[op++];
        Assert.Equal(-1, alloc.AllocPages(KernelDma, 10));
        GoldenFiles.AssertSameText(GoldenFiles.Expected("ops.trace"), text.ToString(), "ops.trace");
    }

    [Fact]
    public void Pagetypeinfo_DrainingOverloadMatchesPureRenderWithoutPcpPages()
    {
        PageAllocator alloc = BootSmall();
        RunOps(alloc, () => { });
        var text = new StringWriter(CultureInfo.InvariantCulture);
        ProcPagetypeinfo.Show(text, alloc, pageOwner: true);
        GoldenFiles.AssertSameText(GoldenFiles.Expected("ops.pagetypeinfo"), text.ToString(), "pagetypeinfo via allocator");
    }

    // The operations derive.py walks through; `tick` advances the trace clock before each one.
    internal static void RunOps(PageAllocator alloc, Action tick)
    {
        tick();
        Assert.Equal(1, alloc.AllocPages(MovableDma, 0));
        int[] expectedOrder10 = [1024, 2048, 3072];
        foreach (int pfn in expectedOrder10)
        {
            tick();
            Assert.Equal(pfn, alloc.AllocPages(MovableDma, 10));
        }

        tick();
        Assert.Equal(512, alloc.AllocPages(KernelDma, 0));
        tick();
        Assert.Equal(513, alloc.AllocPages(KernelDma | GfpFlags.Reclaimable, 0));
        tick();
        Assert.Equal(8192, alloc.AllocPages(GfpFlags.HighUserMovable, 3));
        tick();
        alloc.FreePages(2048, 10);
        tick();
        alloc.FreePages(1, 0);
    }

    private static void SetNodeCounters(PgData node)
    {
        node.VmStat[(int)NodeStatItem.NrInactiveFile] = 3000;
        node.VmStat[(int)NodeStatItem.NrActiveFile] = 1000;
        node.VmStat[(int)NodeStatItem.NrSlabReclaimable] = 5;
        node.VmStat[(int)NodeStatItem.NrDirty] = 7;
        node.VmStat[(int)NodeStatItem.NrAnonTransparentHugepages] = 1536;
        node.VmStat[(int)NodeStatItem.NrFilePmdmapped] = 511;
        node.Zones[(int)ZoneType.Normal].VmNumaEvent[(int)NumaStatItem.NumaHit] = 42;
        node.VmEvents[(int)VmEventItem.Pgpgin] = 9;
        node.VmEvents[(int)VmEventItem.Pgpgout] = 10;
    }

    private static void AssertAllFiles(string prefix, PgData node)
    {
        Check(prefix + ".buddyinfo", ProcBuddyinfo.Render(node));
        Check(prefix + ".pagetypeinfo", ProcPagetypeinfo.Render(node, pageOwner: true));
        Check(prefix + ".zoneinfo", ProcZoneinfo.Render(node));
        Check(prefix + ".vmstat", ProcVmstat.Render(node));
        Check(prefix + ".unusable_index", DebugfsExtfrag.RenderUnusable(node));
        Check(prefix + ".extfrag_index", DebugfsExtfrag.RenderExtfrag(node));
    }

    private static void Check(string name, string actual) =>
        GoldenFiles.AssertSameText(GoldenFiles.Expected(name), actual, name);
}
