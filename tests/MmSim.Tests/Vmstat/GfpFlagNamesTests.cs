using MmSim.Mm;
using MmSim.Mm.Trace;

namespace MmSim.Tests.Vmstat;

/// <summary>show_gfp_flags: first matching table entry wins, leftovers in hex, 0 is "none".</summary>
public class GfpFlagNamesTests
{
    [Theory]
    [InlineData(0u, "none")]
    [InlineData((uint)GfpFlags.Kernel, "GFP_KERNEL")]
    [InlineData((uint)(GfpFlags.Kernel | GfpFlags.Zero | GfpFlags.Comp), "GFP_KERNEL|__GFP_ZERO|__GFP_COMP")]
    [InlineData((uint)(GfpFlags.Kernel | GfpFlags.HardWall), "GFP_USER")]
    [InlineData((uint)(GfpFlags.NoWait | GfpFlags.Comp), "GFP_NOWAIT|__GFP_COMP")]
    [InlineData((uint)(GfpFlags.Atomic | GfpFlags.NoWarn), "GFP_ATOMIC|__GFP_NOWARN")]
    [InlineData((uint)(GfpFlags.HighUserMovable | GfpFlags.Zero), "GFP_HIGHUSER_MOVABLE|__GFP_ZERO")]
    [InlineData((uint)(GfpFlags.TransHugeLight | GfpFlags.ThisNode), "GFP_TRANSHUGE_LIGHT|__GFP_THISNODE")]
    [InlineData((uint)GfpFlags.TransHuge, "GFP_TRANSHUGE")]
    [InlineData((uint)GfpFlags.Reclaim, "GFP_NOIO")]
    [InlineData((uint)GfpFlags.DirectReclaim, "__GFP_DIRECT_RECLAIM")]
    [InlineData((uint)(GfpFlags.Kernel | GfpFlags.Dma | GfpFlags.Movable), "GFP_KERNEL|GFP_DMA|__GFP_MOVABLE")]
    [InlineData((uint)(GfpFlags.Dma32 | GfpFlags.Dma), "GFP_DMA|GFP_DMA32")]
    [InlineData(0x200u, "0x200")]
    [InlineData((uint)GfpFlags.Kernel | 0x1000000u | 0x200u, "GFP_KERNEL|0x1000200")]
    public void Show_MatchesTraceOutput(uint gfp, string expected)
    {
        Assert.Equal(expected, GfpFlagNames.Show((GfpFlags)gfp));
    }

    [Fact]
    public void Format_EveryFlagAtOnce_FitsTheBuffer()
    {
        Span<char> buf = stackalloc char[GfpFlagNames.TextCharsMax];
        int n = GfpFlagNames.Format((GfpFlags)uint.MaxValue, buf);
        Assert.EndsWith("|0xff000200", new string(buf[..n]), StringComparison.Ordinal);
        Assert.StartsWith("GFP_TRANSHUGE|", new string(buf[..n]), StringComparison.Ordinal);
    }
}
