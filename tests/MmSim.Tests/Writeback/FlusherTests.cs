using MmSim.Fs;
using MmSim.Mm;
using MmSim.Mm.Filemap;
using MmSim.Mm.Stat;
using MmSim.Mm.Writeback;
using MmSim.Sim;

namespace MmSim.Tests.Writeback;

/// <summary>The flusher, fsync, sync and truncate against devices that are fast, slow, or never complete.</summary>
public class FlusherTests
{
    private const long Ms = WritebackRig.Ms;
    private const long Sec = SimTime.NsPerSec;

    [Fact]
    public void Periodic_writeback_writes_inodes_once_they_expire()
    {
        var rig = new WritebackRig();
        CachedFile f = rig.Kernel.OpenFile(null, "f", 100);
        rig.Kernel.Sim.Spawn("w", rig.Writer(f, 100));
        rig.Kernel.Sim.Run(29 * Sec);

        // Below the background threshold nothing is written before dirty_expire_centisecs (30 s).
        Assert.Equal(100, f.NrDirty);
        Assert.Equal(0, rig.NodeStat(NodeStatItem.NrWritten));

        // The next periodic wakeup (every 5 s) after expiry writes it.
        rig.Kernel.Sim.Run(36 * Sec);
        Assert.Equal(0, f.NrDirty);
        Assert.Equal(100, rig.NodeStat(NodeStatItem.NrWritten));
        Assert.Equal(-1, f.DirtiedWhenNs);
        Assert.Empty(rig.Cache.WbOf(f)!.BDirty);
        rig.Verify("end");
    }

    [Fact]
    public void Fsync_returns_only_after_its_data_is_written()
    {
        var rig = new WritebackRig([WritebackRig.Mount("root", WritebackRig.Dev("sdx", bandwidth: 4L << 20, latencyNs: 20 * Ms))]);
        CachedFile f = rig.Kernel.OpenFile(null, "db", 256);
        long doneAt = -1;
        rig.Kernel.Sim.Spawn("db", Body());
        rig.Kernel.Sim.Run(10 * Sec);

        // 256 pages = 1 MiB at 4 MiB/s: 250 ms of transfer plus the latency.
        Assert.True(doneAt >= 250 * Ms + (20 * Ms), $"fsync returned at {doneAt}");
        Assert.Equal(256, rig.NodeStat(NodeStatItem.NrWritten));
        rig.Verify("end");

        IEnumerable<Wait> Body()
        {
            foreach (Wait x in rig.Writer(f, 256))
            {
                yield return x;
            }

            yield return Wait.Call(rig.Kernel.Fsync(f));
            Assert.Equal(0, f.NrDirty);
            Assert.Equal(0, f.NrWriteback);
            doneAt = rig.Kernel.Sim.Now;
        }
    }

    [Fact]
    public void A_slow_device_piles_up_writeback_and_lengthens_its_lifetimes()
    {
        (long fastPeak, double fastMean) = Run(WritebackRig.Dev("fast", bandwidth: 500L << 20, latencyNs: 100_000));
        (long slowPeak, double slowMean) = Run(WritebackRig.Dev("slow", bandwidth: 2L << 20, latencyNs: 10 * Ms));
        Assert.True(slowPeak > 4 * fastPeak, $"peak nr_writeback {slowPeak} vs {fastPeak}");
        Assert.True(slowMean > 20 * fastMean, $"mean lifetime {slowMean} vs {fastMean} µs");

        static (long Peak, double MeanUs) Run(Block.BlockDeviceParams dev)
        {
            // Background writeback from 1 MiB dirty, so the flusher writes while the task writes.
            var rig = new WritebackRig([WritebackRig.Mount("root", dev)], new WritebackSysctl { DirtyBackgroundBytes = 1L << 20, DirtyBytes = 64L << 20 });
            CachedFile f = rig.Kernel.OpenFile(null, "f", 4000);
            rig.Kernel.Sim.Spawn("w", SyncAfter(rig, f));
            long peak = 0;
            for (long t = Ms; t <= 30 * Sec; t += Ms)
            {
                rig.Kernel.Sim.Run(t);
                peak = Math.Max(peak, rig.NodeStat(NodeStatItem.NrWriteback));
            }

            WritebackLifetimes h = rig.Cache.WbOf(f)!.Lifetimes;
            Assert.Equal(4000, h.Count);
            rig.Verify("end");
            return (peak, h.MeanUs);
        }

        static IEnumerable<Wait> SyncAfter(WritebackRig rig, CachedFile f)
        {
            foreach (Wait x in rig.Writer(f, 4000, gapNs: 100_000))
            {
                yield return x;
            }

            yield return Wait.Call(rig.Kernel.SyncAll());
        }
    }

    [Fact]
    public void A_device_that_never_completes_leaves_sync_writers_and_truncate_hung_with_the_chain()
    {
        var rig = new WritebackRig([WritebackRig.Mount("root", WritebackRig.Dev("dead", never: true), stable: true)]);
        var detector = new HungTaskDetector(rig.Kernel.Sim, new HungTaskSysctl { HungTaskTimeoutSecs = 10 });
        CachedFile f = rig.Kernel.OpenFile(null, "f", 64);
        CachedFile g = rig.Kernel.OpenFile(null, "g", 64);
        rig.Kernel.Sim.Spawn("w", rig.Writer(f, 64));
        rig.Kernel.Sim.Spawn("w", rig.Writer(g, 64));
        rig.Kernel.Sim.Run(Ms);
        SimTask sync = rig.Kernel.Sim.Spawn("sync", rig.Kernel.SyncAll());
        rig.Kernel.Sim.Run(Sec);
        Assert.Equal(128, rig.NodeStat(NodeStatItem.NrWriteback));

        // Stable writes: rewriting a folio under writeback waits in folio_wait_stable.
        SimTask rewriter = rig.Kernel.Sim.Spawn("rewriter", rig.Writer(f, 1));
        SimTask unlinker = rig.Kernel.Sim.Spawn("rm", rig.Cache.UnlinkWait(g));
        rig.Kernel.Sim.Run(40 * Sec);

        foreach (SimTask t in new[] { sync, rewriter, unlinker })
        {
            Assert.Equal(TaskState.Uninterruptible, t.State);
            Assert.Equal(FolioWait.SiteFolioWaitWriteback, t.WaitSite);
            HungTaskReport r = Assert.Single(detector.Reports, x => x.Pid == t.Pid);
            Assert.Contains("writeback", r.Chain.Links[0].WaitingOn, StringComparison.Ordinal);
            Assert.Contains("folio_wait_writeback", r.Describe(), StringComparison.Ordinal);
        }

        rig.Verify("end");
    }

    [Fact]
    public void Truncate_waits_for_writeback_then_frees_the_file()
    {
        var rig = new WritebackRig([WritebackRig.Mount("root", WritebackRig.Dev("sdx", bandwidth: 1L << 20, latencyNs: 50 * Ms))]);
        CachedFile f = rig.Kernel.OpenFile(null, "f", 32);
        rig.Kernel.Sim.Spawn("w", rig.Writer(f, 32));
        rig.Kernel.Sim.Run(Ms);
        rig.Kernel.Sim.Spawn("sync", rig.Kernel.SyncAll());
        rig.Kernel.Sim.Run(2 * Ms);
        Assert.True(f.NrWriteback > 0);
        SimTask rm = rig.Kernel.Sim.Spawn("rm", rig.Cache.UnlinkWait(f));
        rig.Kernel.Sim.Run(10 * Ms);
        Assert.Equal(FolioWait.SiteFolioWaitWriteback, rm.WaitSite);
        rig.Kernel.Sim.Run(5 * Sec);
        Assert.Equal(TaskState.Dead, rm.State);
        Assert.Equal(0, f.NrCached);
        Assert.Equal(0, rig.NodeStat(NodeStatItem.NrWriteback));
        rig.Verify("end");
    }
}
