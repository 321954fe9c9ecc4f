using MmSim.Scenario;
using static MmSim.Scenario.GfpNames;

namespace MmSim.Tests.Scenario;

public class GfpNamesTests
{
    // Values computed by hand from include/linux/gfp_types.h (6.18), not from the constants under test.
    [Theory]
    [InlineData("GFP_KERNEL", 0xcc0u)]
    [InlineData("GFP_KERNEL|__GFP_RECLAIMABLE", 0xcd0u)]
    [InlineData("GFP_KERNEL | __GFP_RECLAIMABLE", 0xcd0u)]
    [InlineData("GFP_ATOMIC", 0x820u)]
    [InlineData("GFP_NOWAIT", 0x2800u)]
    [InlineData("GFP_NOIO", 0xc00u)]
    [InlineData("GFP_NOFS", 0xc40u)]
    [InlineData("GFP_USER", 0x100cc0u)]
    [InlineData("GFP_HIGHUSER", 0x100cc2u)]
    [InlineData("GFP_HIGHUSER_MOVABLE", 0x100ccau)]
    [InlineData("GFP_KERNEL_ACCOUNT", 0x400cc0u)]
    [InlineData("GFP_TRANSHUGE_LIGHT", 0x1c20cau)]
    [InlineData("GFP_TRANSHUGE", 0x1c24cau)]
    [InlineData("GFP_DMA32|__GFP_ZERO", 0x104u)]
    [InlineData("__GFP_NOFAIL|__GFP_NORETRY|__GFP_RETRY_MAYFAIL", 0x1c000u)]
    public void Parses_kernel_expressions(string expr, uint mask)
    {
        Assert.True(GfpNames.TryParse(expr, out uint parsed, out string error), error);
        Assert.Equal(mask, parsed);
    }

    [Theory]
    [InlineData("GFP_KERNAL", "unknown GFP flag 'GFP_KERNAL'; did you mean 'GFP_KERNEL'?")]
    [InlineData("gfp_kernel", "unknown GFP flag 'gfp_kernel'; did you mean 'GFP_KERNEL'?")]
    [InlineData("GFP_KERNEL||__GFP_ZERO", "empty name in GFP expression (two '|' in a row, or one at an end)")]
    [InlineData("GFP_KERNEL|", "empty name in GFP expression (two '|' in a row, or one at an end)")]
    [InlineData("", "empty GFP expression; write kernel names joined by '|', e.g. GFP_KERNEL|__GFP_RECLAIMABLE")]
    [InlineData("0x400", "unknown GFP flag '0x400'; names are the kernel's, e.g. GFP_KERNEL or __GFP_MOVABLE")]
    public void Refuses_unknown_names(string expr, string message)
    {
        Assert.False(GfpNames.TryParse(expr, out uint mask, out string error));
        Assert.Equal(0u, mask);
        Assert.Equal(message, error);
    }

    [Fact]
    public void Single_bits_are_distinct_powers_of_two()
    {
        uint seen = 0;
        foreach ((string name, uint mask) in GfpNames.All.Where(n => n.Name.StartsWith("__GFP_", StringComparison.Ordinal) && n.Name != "__GFP_RECLAIM"))
        {
            Assert.True(System.Numerics.BitOperations.IsPow2(mask), name);
            Assert.Equal(0u, seen & mask);
            seen |= mask;
        }

        Assert.Equal(23, System.Numerics.BitOperations.PopCount(seen));
    }

    [Fact]
    public void Composites_match_the_kernel_definitions()
    {
        Assert.Equal(__GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM, __GFP_RECLAIM);
        Assert.Equal(GFP_KERNEL | __GFP_ACCOUNT, GFP_KERNEL_ACCOUNT);
        Assert.Equal(0u, GFP_TRANSHUGE_LIGHT & __GFP_RECLAIM);
        Assert.Equal(GFP_TRANSHUGE_LIGHT | __GFP_DIRECT_RECLAIM, GFP_TRANSHUGE);
        Assert.Equal(GfpNames.All.Count, GfpNames.All.Select(n => n.Name).Distinct().Count());
    }

    [Theory]
    [InlineData(0xcd0u, "GFP_KERNEL|__GFP_RECLAIMABLE")]
    [InlineData(0x100ccau, "GFP_HIGHUSER_MOVABLE")]
    [InlineData(0x820u, "GFP_ATOMIC")]
    [InlineData(0x200u, "0x200")]
    [InlineData(0u, "0")]
    public void Formats_like_the_kernel_tracepoints(uint mask, string text) => Assert.Equal(text, GfpNames.Format(mask));

    [Fact]
    public void Every_name_formats_and_parses_back_to_its_mask()
    {
        foreach ((string name, uint mask) in GfpNames.All)
        {
            Assert.True(GfpNames.TryParse(GfpNames.Format(mask), out uint back, out _), name);
            Assert.Equal(mask, back);
        }
    }
}
