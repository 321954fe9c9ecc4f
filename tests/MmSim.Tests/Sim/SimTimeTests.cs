using MmSim.Sim;

namespace MmSim.Tests.Sim;

public class SimTimeTests
{
    [Fact]
    public void ConstantsAreConsistent()
    {
        Assert.Equal(SimTime.NsPerSec, 1000 * SimTime.NsPerMs);
        Assert.Equal(SimTime.NsPerMs, 1000 * SimTime.NsPerUs);
        Assert.Equal(120_000_000_000, SimTime.FromSeconds(120));
        Assert.Equal(5_000_000, SimTime.FromMs(5));
        Assert.Equal(7_000, SimTime.FromUs(7));
        Assert.Throws<OverflowException>(() => SimTime.FromSeconds(long.MaxValue / 10));
    }

    [Fact]
    public void FormatsLikePrintk()
    {
        Assert.Equal("12.345678s", SimTime.Format(12_345_678_901));
        Assert.Equal("0.000000s", SimTime.Format(0));
        Assert.Equal("-1.500000s", SimTime.Format(-1_500_000_000));
        Assert.Equal("-0.000001s", SimTime.Format(-1_000));
        Assert.Equal("[  120.000000]", SimTime.FormatPrintk(SimTime.FromSeconds(120)));
        Assert.Equal(2, SimTime.ToWholeSeconds(2_999_999_999));
    }
}
