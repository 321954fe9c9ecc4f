using MmSim.Mm.Writeback;

namespace MmSim.Tests.Writeback;

/// <summary>The pure computations of mm/page-writeback.c against hand-computed kernel values.</summary>
public class DirtyLimitsTests
{
    [Fact]
    public void Domain_limits_use_ratios_per_page_size_and_bytes_override_them()
    {
        var dtc = new DirtyThrottleControl { Avail = 100_000 };
        DirtyLimits.DomainDirtyLimits(dtc, new WritebackSysctl());

        // ratio = 20*4096/100 = 819; 819*100000/4096 = 19995 (not 20000: the kernel's integer precision).
        Assert.Equal(19_995, dtc.Thresh);
        Assert.Equal(9_985, dtc.BgThresh); // 409*100000/4096

        DirtyLimits.DomainDirtyLimits(dtc, new WritebackSysctl { DirtyBytes = 40L << 20, DirtyBackgroundBytes = 80L << 20 });
        Assert.Equal(10_240, dtc.Thresh);

        // bg >= thresh: bg = thresh / 2.
        Assert.Equal(5_120, dtc.BgThresh);
    }

    [Fact]
    public void Pos_ratio_is_two_at_freerun_one_at_the_setpoint_and_zero_at_the_limit()
    {
        const int One = 1 << DirtyThrottleControl.RatelimitCalcShift;
        Assert.Equal(One, DirtyLimits.PosRatioPolynom(1000, 1000, 2000));
        
        // Not exactly 0 at the limit: the divisor is (limit - setpoint) | 1, as in the kernel.
        Assert.InRange(DirtyLimits.PosRatioPolynom(1000, 2000, 2000), 0, 8);
        Assert.InRange(DirtyLimits.PosRatioPolynom(1000, 0, 2000), 2 * One - 8, 2 * One);
        Assert.True(DirtyLimits.PosRatioPolynom(1000, 1500, 2000) < One);
    }

    [Fact]
    public void Wb_thresh_is_the_completion_share_within_min_and_max_ratio()
    {
        var dtc = new DirtyThrottleControl { Dirty = 10_000 };
        var bdi = new BackingDevInfo("sdx", BdiCaps.Writeback, 0, 100);

        // Half the completions: half of thresh (the headroom floor (thresh - dirty)/8 is below it).
        Assert.Equal(5_000, DirtyLimits.WbCalcThresh(dtc, bdi, 10_000, 1, 2, 0));

        // max_ratio 1%: at most 100 pages.
        var fuseLike = new BackingDevInfo("fuse", BdiCaps.Writeback | BdiCaps.StrictLimit, 0, 1);
        Assert.Equal(100, DirtyLimits.WbCalcThresh(dtc, fuseLike, 10_000, 1, 1, 0));

        // No completions yet but headroom: strictlimit gets (thresh - dirty)/100, others /8.
        var low = new DirtyThrottleControl { Dirty = 2_000 };
        Assert.Equal(80, DirtyLimits.WbCalcThresh(low, new BackingDevInfo("s", BdiCaps.StrictLimit, 0, 100), 10_000, 0, 1, 0));
        Assert.Equal(1_000, DirtyLimits.WbCalcThresh(low, bdi, 10_000, 0, 1, 0));
    }

    [Fact]
    public void Dirty_poll_interval_is_the_square_root_of_the_headroom_in_powers_of_two()
    {
        Assert.Equal(1L << 5, DirtyLimits.DirtyPollInterval(0, 1 << 10));
        Assert.Equal(1, DirtyLimits.DirtyPollInterval(2000, 1000));
    }
}
