using MmSim.Block;
using MmSim.Fs;
using MmSim.Mm.Filemap;
using MmSim.Mm.Stat;
using MmSim.Mm.Writeback;
using MmSim.Sim;

namespace MmSim.Tests.Writeback;

/// <summary>balance_dirty_pages: dirty data bounded by the thresholds, writers paused, strictlimit bdis held to their share.</summary>
public class DirtyThrottleTests
{
    private const long Ms = WritebackRig.Ms;

    [Fact]
    public void A_writer_over_the_limit_sleeps_in_balance_dirty_pages()
    {
        var rig = new WritebackRig([WritebackRig.Mount("root", WritebackRig.Dev("sdx", never: true))]);
        CachedFile f = rig.Kernel.OpenFile(null, "big", 20_000);
        SimTask w = rig.Kernel.Sim.Spawn("dd", rig.Writer(f, 20_000, gapNs: 10_000));
        rig.Kernel.Sim.Run(60 * SimTime.NsPerSec);

        (long bg, long thresh) = rig.Kernel.DirtyThrottle.GlobalDirtyLimits();
        long dirty = rig.NodeStat(NodeStatItem.NrDirty) + rig.NodeStat(NodeStatItem.NrWriteback);
        Assert.True(bg < thresh);
        Assert.Equal(TaskState.Uninterruptible, w.State);
        Assert.Equal(DirtyThrottle.SiteBalanceDirtyPages, w.WaitSite);
        Assert.True(rig.Kernel.ContextOf(w).DirtyThrottledNs > 30 * SimTime.NsPerSec);

        // The writer stopped at the hard limit (it waits at pos_ratio 0), not before the freerun ceiling.
        Assert.InRange(dirty, DirtyLimits.DirtyFreerunCeiling(thresh, bg), thresh + 64);
        Assert.True(f.NrDirty + f.NrWriteback < 20_000);
        rig.Verify("end");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void Dirty_data_stays_below_the_threshold_within_the_kernels_tolerance(int writers)
    {
        var rig = new WritebackRig([WritebackRig.Mount("root", WritebackRig.Dev("sdx", bandwidth: 20L << 20, latencyNs: 2 * Ms))]);
        var tasks = new List<SimTask>();
        for (int i = 0; i < writers; i++)
        {
            CachedFile f = rig.Kernel.OpenFile(null, "f" + i, 12_000);
            tasks.Add(rig.Kernel.Sim.Spawn("dd" + i, rig.Writer(f, 12_000, gapNs: 20_000)));
        }

        long worst = long.MinValue;
        long maxDirty = 0;
        long worstLimit = 0;
        long maxPauseSum = 0;
        for (long t = 10 * Ms; t <= 20 * SimTime.NsPerSec; t += 10 * Ms)
        {
            rig.Kernel.Sim.Run(t);
            (_, long thresh) = rig.Kernel.DirtyThrottle.GlobalDirtyLimits();
            long limit = Math.Max(thresh, rig.Kernel.DirtyThrottle.DomainDirtyLimit);
            long dirty = rig.NodeStat(NodeStatItem.NrDirty) + rig.NodeStat(NodeStatItem.NrWriteback);
            if (dirty - limit > worst)
            {
                worst = dirty - limit;
                worstLimit = limit;
            }

            maxDirty = Math.Max(maxDirty, dirty);
            maxPauseSum = Math.Max(maxPauseSum, tasks.Sum(x => rig.Kernel.ContextOf(x).NrDirtiedPause));
        }

        // The kernel's tolerance: between two checks a task dirties up to its nr_dirtied_pause (at most
        // ratelimit × (1 + MAX_PAUSE/2) jiffies' worth), so dirty may pass the limit by the writers' pauses
        // together; the control line keeps it within an eighth of the limit here.
        Assert.True(worst <= maxPauseSum + writers, $"dirty exceeded the limit by {worst} pages, the writers' nr_dirtied_pause sum to {maxPauseSum}");
        Assert.True(worst <= worstLimit / 8, $"dirty exceeded the limit {worstLimit} by {worst} pages");
        Assert.True(rig.Kernel.DirtyThrottle.Pauses > 0);
        Assert.True(maxDirty > 1000);
        rig.Verify("end");
    }

    [Fact]
    public void A_strictlimit_bdi_throttles_at_its_own_share_far_below_the_global_freerun()
    {
        MountSpec strict = WritebackRig.Mount("fuse", WritebackRig.Dev("slow", bandwidth: 1L << 20, latencyNs: 5 * Ms), strict: true, maxRatio: 1);
        MountSpec plain = WritebackRig.Mount("root", WritebackRig.Dev("sdx", bandwidth: 1L << 20, latencyNs: 5 * Ms));
        var rig = new WritebackRig([plain, strict]);
        CachedFile onStrict = rig.Kernel.OpenFile("fuse", "s", 3000);
        CachedFile onPlain = rig.Kernel.OpenFile(null, "p", 3000);
        SimTask ws = rig.Kernel.Sim.Spawn("ws", rig.Writer(onStrict, 1500, gapNs: 100_000));
        SimTask wp = rig.Kernel.Sim.Spawn("wp", rig.Writer(onPlain, 1500, gapNs: 100_000));
        BdiWriteback wb = rig.Cache.WbOf(onStrict)!;
        long maxWbDirty = 0;
        long maxGlobal = 0;
        for (long t = 10 * Ms; t <= 2 * SimTime.NsPerSec; t += 10 * Ms)
        {
            rig.Kernel.Sim.Run(t);
            maxWbDirty = Math.Max(maxWbDirty, wb.Stat(WbStatItem.Reclaimable) + wb.Stat(WbStatItem.Writeback));
            maxGlobal = Math.Max(maxGlobal, rig.NodeStat(NodeStatItem.NrDirty) + rig.NodeStat(NodeStatItem.NrWriteback));
        }

        (long bg, long thresh) = rig.Kernel.DirtyThrottle.GlobalDirtyLimits();
        long wbMax = thresh / 100;
        Assert.True(maxGlobal < DirtyLimits.DirtyFreerunCeiling(thresh, bg), "the global state never needed throttling");
        Assert.True(rig.Kernel.ContextOf(ws).DirtyThrottledNs > 0);
        Assert.Equal(0, rig.Kernel.ContextOf(wp).DirtyThrottledNs);
        Assert.InRange(maxWbDirty, wbMax / 2, wbMax + (2 * DirtyThrottle.DirtyPollThresh));
        rig.Verify("end");
    }

    [Fact]
    public void Node_dirty_ok_refuses_write_allocations_over_the_limit_in_the_fast_path()
    {
        var rig = new WritebackRig([WritebackRig.Mount("root", WritebackRig.Dev("sdx", never: true))]);
        Assert.True(rig.Kernel.DirtyThrottle.NodeDirtyOk());
        Assert.True(rig.Kernel.AllocPages(Mm.GfpFlags.HighUserMovable | Mm.GfpFlags.Write, 0, Mm.OwnerKind.File) >= 0);
        (_, long thresh) = rig.Kernel.DirtyThrottle.GlobalDirtyLimits();
        rig.Kernel.Node.ModNodePageState(NodeStatItem.NrDirty, thresh + 1);
        Assert.False(rig.Kernel.DirtyThrottle.NodeDirtyOk());
        Assert.True(rig.Kernel.TryAllocPagesFast(Mm.GfpFlags.HighUserMovable | Mm.GfpFlags.Write, 0, Mm.OwnerKind.File) < 0);
        Assert.True(rig.Kernel.TryAllocPagesFast(Mm.GfpFlags.HighUserMovable, 0, Mm.OwnerKind.File) >= 0);
        rig.Kernel.Node.ModNodePageState(NodeStatItem.NrDirty, -(thresh + 1));
    }
}
