using MmSim.Mm;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;
using MmSim.Mm.Vmscan;
using MmSim.Sim;

namespace MmSim.Tests.Daemons;

public class KswapdTests
{
    private static readonly long Ms = SimTime.NsPerMs;

    /// <summary>
    /// Allocates order-0 kernel pages, one per microsecond, until <paramref name="stop"/>; records for each
    /// allocation that woke kswapd the free pages before it and before the previous allocation.
    /// </summary>
    private static IEnumerable<Wait> Filler(DaemonRig rig, Func<bool> stop, List<(long FreeBefore, long FreeBeforePrevious)> wakes)
    {
        long seenWakeups = 0;
        long freeBeforePrevious = long.MaxValue;
        while (!stop())
        {
            long freeBefore = rig.Free;
            Assert.True(rig.Alloc.AllocPages(GfpFlags.Kernel, 0) >= 0, "memory lasts down to min");
            if (rig.Kswapd.Wakeups != seenWakeups)
            {
                seenWakeups = rig.Kswapd.Wakeups;
                wakes.Add((freeBefore, freeBeforePrevious));
            }

            freeBeforePrevious = freeBefore;
            yield return Wait.For(SimTime.NsPerUs);
        }
    }

    [Fact]
    public void AllocationThatDropsTheZoneBelowLowWakesKswapd()
    {
        var rig = new DaemonRig();
        var wakes = new List<(long FreeBefore, long FreeBeforePrevious)>();
        long low = rig.Normal.WmarkPages(WatermarkIndex.Low);
        int allocsAfterWake = 0;
        rig.Sim.Spawn("filler", Filler(rig, () => wakes.Count > 0 && ++allocsAfterWake > 100, wakes));

        rig.Sim.Run(SimTime.FromSeconds(1));

        // Every allocation that found the zone above low left kswapd asleep; the first that found it at or
        // below low (the fast path failed, the slowpath ran wake_all_kswapds) woke it.
        (long freeBefore, long freeBeforePrevious) = Assert.Single(wakes);
        Assert.True(freeBefore <= low, $"woken at {freeBefore} free, low is {low}");
        Assert.True(freeBeforePrevious > low, $"the allocation before saw {freeBeforePrevious} free, low is {low}");
        Assert.Equal(1, rig.Kswapd.Wakeups);
        Assert.True(rig.Vmstat(VmEventItem.Pageoutrun) >= 1, "balance_pgdat ran");
    }

    [Fact]
    public void WithNothingToReclaimKswapdFailsAndGivesUpAfterMaxReclaimRetries()
    {
        var rig = new DaemonRig();
        long min = rig.Normal.WmarkPages(WatermarkIndex.Min);
        rig.Sim.Spawn("filler", Filler(rig, () => rig.Kswapd.IsHopeless || rig.Free < min + 64, []));

        rig.Sim.Run(SimTime.FromSeconds(1));

        // One wake; balance_pgdat then fails 16 times in a row without sleeping (the node stays below
        // high: prepare_kswapd_sleep refuses), the last failure makes the node hopeless and kswapd sleeps.
        Assert.Equal(1, rig.Kswapd.Wakeups);
        Assert.Equal(Kswapd.MaxReclaimRetries, rig.Kswapd.KswapdFailures);
        Assert.True(rig.Kswapd.IsHopeless);
        Assert.Equal(Kswapd.MaxReclaimRetries, rig.Vmstat(VmEventItem.Pageoutrun));
        Assert.Equal(Kswapd.MaxReclaimRetries - 1, rig.Vmstat(VmEventItem.KswapdHighWmarkHitQuickly));
        Assert.Equal(0, rig.Vmstat(VmEventItem.KswapdLowWmarkHitQuickly));
        Assert.Equal(TaskState.Interruptible, rig.Kswapd.Task!.State);
        Assert.Equal(1, rig.Kswapd.KswapdWait.Count);
        Assert.Equal(ZoneFlags.None, rig.Normal.Flags & ZoneFlags.ReclaimActive);

        // Hopeless: further requests are recorded but wake nobody.
        rig.Kswapd.WakeupKswapd(rig.Normal, GfpFlags.Kernel, 0, ZoneType.Normal);
        Assert.Equal(1, rig.Kswapd.Wakeups);
    }

    [Fact]
    public void ReclaimActiveIsSetOnlyWhileKswapdBalances()
    {
        var rig = new DaemonRig(new() { CompactionProactiveness = 0 });
        var reclaim = new SlowReclaim();
        var kswapd = new Kswapd(rig.Alloc, reclaim);
        var sim = new Simulator(2);
        kswapd.Start(sim);
        var seen = new List<bool>();
        IEnumerable<Wait> Watcher()
        {
            long low = rig.Normal.WmarkPages(WatermarkIndex.Low);
            while (rig.Free >= low)
            {
                rig.Alloc.AllocPages(GfpFlags.Kernel, 0);
                yield return Wait.For(SimTime.NsPerUs);
            }

            rig.Alloc.AllocPages(GfpFlags.Kernel, 0);  // wakes kswapd
            for (int i = 0; i < 5; i++)
            {
                yield return Wait.Sleep(Ms);
                seen.Add((rig.Normal.Flags & ZoneFlags.ReclaimActive) != 0);
            }
        }

        sim.Spawn("watcher", Watcher());
        sim.Run(SimTime.FromSeconds(1));
        Assert.Equal([true, true, true, true, true], seen);
        Assert.True(reclaim.Calls >= 5, "kswapd charged each pass's cost");
        Assert.Equal(ZoneFlags.None, rig.Normal.Flags & ZoneFlags.ReclaimActive);
    }

    [Fact]
    public void BalancedNodeDoesNotWakeKswapdAndPrematureSleepIsCounted()
    {
        var rig = new DaemonRig();
        Zone zone = rig.Normal;

        // A wake-up request while the node is balanced and not boosted: recorded, no wake.
        rig.Sim.Run(Ms);
        rig.Kswapd.WakeupKswapd(zone, GfpFlags.Kernel, 3, ZoneType.Normal);
        Assert.Equal(0, rig.Kswapd.Wakeups);
        Assert.Equal(3, rig.Kswapd.KswapdOrder);

        // A boosted watermark wakes it although the node is balanced. Both wakes land inside kswapd's 100 ms
        // nap (the first one after start-up, the second after the boosted run), so both count a
        // low-watermark-hit-quickly; each boosted run reclaims nothing but takes its boost off.
        zone.WatermarkBoost = MmConstants.PageblockNrPages;
        rig.Kswapd.WakeupKswapd(zone, GfpFlags.Kernel, 0, ZoneType.Normal);
        rig.Sim.Run(2 * Ms);
        Assert.Equal(1, rig.Kswapd.Wakeups);
        Assert.Equal(0, zone.WatermarkBoost);
        zone.WatermarkBoost = MmConstants.PageblockNrPages;
        rig.Kswapd.WakeupKswapd(zone, GfpFlags.Kernel, 0, ZoneType.Normal);
        rig.Sim.Run(SimTime.FromSeconds(1));
        Assert.Equal(2, rig.Kswapd.Wakeups);
        Assert.Equal(2, rig.Vmstat(VmEventItem.KswapdLowWmarkHitQuickly));
        Assert.Equal(0, zone.WatermarkBoost);
        Assert.Equal(2, rig.Vmstat(VmEventItem.Pageoutrun));
        Assert.Equal(2, rig.Kswapd.KswapdFailures);  // 6.18 counts a failure for boosted runs too
    }

    /// <summary>Reclaims nothing but takes 1 ms of CPU per pass.</summary>
    private sealed class SlowReclaim : IReclaim
    {
        public int Calls { get; private set; }

        public IEnumerable<Wait> ShrinkNode(PageAllocator alloc, ScanControl sc)
        {
            Calls++;
            sc.CostNs += SimTime.NsPerMs;
            return [];
        }

        public IEnumerable<Wait> TryToFreePages(PageAllocator alloc, ScanControl sc) => [];
    }
}
