using System.Globalization;
using MmSim.Mm;
using MmSim.Mm.Trace;

namespace MmSim.Tests.Vmstat;

/// <summary>The trace_print_context prefix and the kmem TP_printk bodies of <see cref="FtraceWriter"/>.</summary>
public class FtraceWriterTests
{
    [Theory]
    [InlineData(0L, "     0.000000")]
    [InlineData(499L, "     0.000000")]
    [InlineData(500L, "     0.000001")] // ns2usecs rounds half up
    [InlineData(999_999_500L, "     1.000000")]
    [InlineData(86_400_123_456_789L, " 86400.123457")]
    [InlineData(1_234_567_000_000_000L, " 1234567.000000")] // wider than %5lu: never truncated
    public void Timestamp_IsRoundedMicrosecondsInFiveWideSeconds(long ns, string expected)
    {
        string line = Free(ns, "mmsim", 1, 0, pfn: 0x1234, order: 2);
        Assert.Equal($"           mmsim-1       [000] .....{expected}: mm_page_free: page=ffffea0000048d00 pfn=0x1234 order=2\n", line);
    }

    [Fact]
    public void Context_JustifiesCommRightAndPidLeft()
    {
        Assert.StartsWith("kworker/u8:1234-1234567 [003] ..... ", Free(0, "kworker/u8:1234", 1234567, 3, 1, 0)[1..], StringComparison.Ordinal);
        Assert.StartsWith("              ab-42      [010] ", Free(0, "ab", 42, 10, 1, 0), StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_RejectsCommLongerThanTheKernelKeeps()
    {
        Assert.Throws<ArgumentException>(() => new FtraceWriter(TextWriter.Null, () => 0, comm: "sixteen-chars-xx"));
    }

    [Fact]
    public void Extfrag_FragmentingIsFallbackBelowPageblockOrder()
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        var w = new FtraceWriter(text, () => 1_000_000_000);
        w.MmPageAllocExtfrag(0x4_0000, 0, 8, MigrateType.Unmovable, MigrateType.Movable, changeOwnership: false);
        w.MmPageAllocExtfrag(0x4_0000, 3, 9, MigrateType.Reclaimable, MigrateType.Movable, changeOwnership: true);
        Assert.Equal(
            "           mmsim-1       [000] d..1.     1.000000: mm_page_alloc_extfrag: page=ffffea0001000000 pfn=0x40000 alloc_order=0 fallback_order=8 pageblock_order=9 alloc_migratetype=0 fallback_migratetype=1 fragmenting=1 change_ownership=0\n" +
            "           mmsim-1       [000] d..1.     1.000000: mm_page_alloc_extfrag: page=ffffea0001000000 pfn=0x40000 alloc_order=3 fallback_order=9 pageblock_order=9 alloc_migratetype=2 fallback_migratetype=1 fragmenting=0 change_ownership=1\n",
            text.ToString());
    }

    [Fact]
    public void PageAddress_IsVmemmapPlus64BytesPerPfn()
    {
        Assert.Equal(0xffffea0000000000UL, FtraceWriter.PageAddress(0));
        Assert.Equal(0xffffea0003ffffc0UL, FtraceWriter.PageAddress((1L << 20) - 1));
    }

    private static string Free(long ns, string comm, int pid, int cpu, int pfn, int order)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        new FtraceWriter(text, () => ns, comm, pid, cpu).MmPageFree(pfn, order);
        return text.ToString();
    }
}

/// <summary>The trace hot path builds each line on the stack.</summary>
public class FtraceWriterAllocationTests
{
    [Fact]
    public void Events_DoNotAllocatePerLine()
    {
        long now = 5_000_000_000;
        var w = new FtraceWriter(TextWriter.Null, () => now);
        w.MmPageAlloc(1, 0, GfpFlags.Kernel, MigrateType.Unmovable);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            w.MmPageAlloc(i, 3, GfpFlags.HighUserMovable | GfpFlags.Zero, MigrateType.Movable);
            w.MmPageFree(i, 3);
            w.MmPageAllocExtfrag(i, 0, 4, MigrateType.Unmovable, MigrateType.Movable, changeOwnership: false);
        }

        // A string or array per line would be at least 24 bytes × 3000.
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1024);
    }
}
