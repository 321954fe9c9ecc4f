using MmSim.Mm;
using MmSim.Mm.Compaction;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;
using MmSim.Sim;

namespace MmSim.Tests.Daemons;

public class KcompactdTests
{
    private static readonly long Ms = SimTime.NsPerMs;

    [Fact]
    public void BoostedWatermarkWakeMakesKswapdWakeKcompactdForAPageblock()
    {
        var rig = new DaemonRig(minFreeKbytes: 128);
        rig.FragmentWithMovablePages();
        Zone zone = rig.Normal;
        Assert.Equal(0, zone.WatermarkBoost);
        Assert.True(Fragmentation.FragmentationIndex(zone, MmConstants.PageblockOrder) > 500, "fragmentation, not lack of memory");

        // An unmovable allocation finds only movable holes: it falls back, boosts the watermark and,
        // as it may wake kswapd, flags the zone; rmqueue then wakes kswapd.
        long boostAfterAlloc = -1;
        IEnumerable<Wait> Kernel()
        {
            yield return Wait.For(Ms);
            Assert.True(rig.Alloc.AllocPages(GfpFlags.Kernel, 0) >= 0);
            boostAfterAlloc = zone.WatermarkBoost;
            Assert.Equal(0, rig.Kcompactd.Wakeups);
        }

        rig.Sim.Spawn("kworker", Kernel());
        rig.Sim.Run(10 * Ms);
        Assert.True(boostAfterAlloc > 0, "the fallback boosted the watermark");

        // kswapd ran boosted reclaim (nothing to reclaim), took the boost off and woke kcompactd.
        Assert.Equal(1, rig.Kswapd.Wakeups);
        Assert.Equal(0, zone.WatermarkBoost);
        Assert.Equal(1, rig.Kcompactd.Wakeups);
        Assert.Equal(1, rig.Vmstat(VmEventItem.CompactDaemonWake));
        Assert.Equal(0, rig.Kcompactd.KcompactdMaxOrder);  // kcompactd_do_work consumed the request
    }

    [Fact]
    public void KcompactdIsNotWokenWhenAFreePageblockExists()
    {
        var rig = new DaemonRig();
        rig.Sim.Run(Ms);
        rig.Kcompactd.WakeupKcompactd(MmConstants.PageblockOrder, (int)ZoneType.Normal);
        rig.Sim.Run(2 * Ms);
        Assert.Equal(0, rig.Kcompactd.Wakeups);
        Assert.Equal(0, rig.Vmstat(VmEventItem.CompactDaemonWake));

        // The request stays recorded: the next proactive timeout (500 ms) finds work requested and runs it.
        Assert.Equal(MmConstants.PageblockOrder, rig.Kcompactd.KcompactdMaxOrder);
        rig.Sim.Run(600 * Ms);
        Assert.Equal(1, rig.Vmstat(VmEventItem.CompactDaemonWake));
        Assert.Equal(0, rig.Kcompactd.KcompactdMaxOrder);
    }

    // With the `none` mechanism the proactive run compacts nothing, so the score stays and kcompactd backs off.
    [Fact]
    public void ProactiveCheckRunsEvery500msAndDefersWhenTheScoreStays_WithNoCompaction()
    {
        var rig = new DaemonRig(minFreeKbytes: 128);
        rig.FragmentWithMovablePages();
        Assert.True(CompactionSuitable.FragmentationScoreNode(rig.Alloc.Node) > 90, "every free page is an order-0 hole");

        rig.Sim.Run(SimTime.FromSeconds(1));

        // First check at 500 ms: score above the high mark, compact_node ran (doing nothing), the score did
        // not drop, so the next check is deferred by 2^6 periods (32 s) and the second second sees no run.
        Assert.Equal(1, rig.Kcompactd.ProactiveRuns);
        rig.Sim.Run(SimTime.FromSeconds(32));
        Assert.Equal(1, rig.Kcompactd.ProactiveRuns);
        rig.Sim.Run(SimTime.FromSeconds(33));
        Assert.Equal(2, rig.Kcompactd.ProactiveRuns);
    }

    [Fact]
    public void ProactivenessZeroDisablesTheTimer()
    {
        var rig = new DaemonRig(new CompactionSysctl { CompactionProactiveness = 0 }, minFreeKbytes: 128);
        rig.FragmentWithMovablePages();
        rig.Sim.Run(SimTime.FromSeconds(5));
        Assert.Equal(0, rig.Kcompactd.ProactiveRuns);
        Assert.Equal(Kcompactd.WaitSite, rig.Kcompactd.Task!.WaitSite);
        Assert.Equal(-1, rig.Kcompactd.Task.WaitDeadlineNs);
    }

    [Theory]
    [InlineData(20, false, 80, 90)]
    [InlineData(20, true, 80, 90)]
    [InlineData(90, false, 10, 15)]
    [InlineData(90, true, 10, 20)]
    [InlineData(100, false, 0, 0)]
    [InlineData(100, true, 5, 15)]
    public void ProactiveMarksFollowTheRelease(int proactiveness, bool before616, int low, int high)
    {
        Assert.Equal(low, CompactionSuitable.FragmentationScoreWmark(proactiveness, low: true, before616));
        Assert.Equal(high, CompactionSuitable.FragmentationScoreWmark(proactiveness, low: false, before616));
    }
}
