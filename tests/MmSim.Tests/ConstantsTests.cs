using MmSim.Mm;

namespace MmSim.Tests;

public class ConstantsTests
{
    // include/linux/pageblock-flags.h: pageblock_order must not exceed MAX_PAGE_ORDER (BUILD_BUG_ON).
    [Fact]
    public void PageblockOrderFitsInMaxOrder()
    {
        Assert.True(MmConstants.PageblockOrder <= MmConstants.MaxPageOrder);
        Assert.Equal(512, MmConstants.PageblockNrPages);
    }
}
