using MmSim.Fs;
using MmSim.Fs.Fuse;
using MmSim.Mm;
using MmSim.Mm.Filemap;
using MmSim.Mm.Writeback;
using MmSim.Sim;

namespace MmSim.Tests.Fuse.TempPages;

/// <summary>
/// Temp pages behind the FUSE core's real paths (fuse_writepages, write_begin, page_mkwrite, read, fsync) on a
/// 6.15 mount: who waits on fi->page_waitq, and what copying costs against writing back in place.
/// </summary>
public class TempPagesFuseTests
{
    private const long Ms = FuseRig.Ms;

    private static readonly WritebackDesign Temp615 = new() { FuseWriteback = FuseWritebackMode.TempPages, FuseSetsReclaimFlag = false };

    [Fact]
    public void On_6_15_write_page_mkwrite_read_and_fsync_wait_on_page_waitq_while_a_copy_is_in_flight()
    {
        var rig = new FuseRig(new FuseMountOptions { WritebackCache = true }, "6.15", Temp615);
        (SimTask server, _) = rig.Server(stallAt: 0);
        CachedFile f = rig.Open("f", 64);
        rig.Writer(f, 0, 4);
        rig.Sim.Run(10 * Ms);
        rig.Writepages(f, WbSyncMode.None);
        var copies = (FuseTempPages)rig.Ops.Copies!;
        Assert.Equal(4, copies.NrTempPages);
        Assert.Equal(0, f.NrWriteback); // the originals' writeback ended when the request was sent

        // Page 3's folio is clean and not under writeback: drop_caches evicts it, so a read must fetch it again.
        rig.Kernel.DropCaches(1);
        Assert.True(f.Pfn[3] < 0);

        var stats = new AllocTally();
        SimTask write = rig.Sim.Spawn("write", rig.Kernel.Write(f, 0, stats));
        SimTask mkwrite = rig.Sim.Spawn("mkwrite", rig.Kernel.SharedWriteFault(f, 1, stats));
        SimTask read = rig.Sim.Spawn("read", rig.Kernel.Read(f, 3, 1, stats));
        SimTask fsync = rig.Sim.Spawn("fsync", rig.Kernel.Fsync(f));
        SimTask other = rig.Sim.Spawn("other", rig.Kernel.Write(f, 10, stats));
        rig.Sim.Run(rig.Sim.Now + (500 * Ms));

        Assert.Equal(TaskState.Dead, other.State);
        foreach (SimTask t in new[] { write, mkwrite, read })
        {
            Assert.Equal((TaskState.Uninterruptible, FuseTempPages.SiteWaitOnPageWriteback), (t.State, t.WaitSite));
            Assert.Same(server, t.WaitingOn!.Releaser);
        }

        Assert.Equal((TaskState.Uninterruptible, FuseTempPages.SiteSyncWrites), (fsync.State, fsync.WaitSite));
        Assert.Same(server, fsync.WaitingOn!.Releaser);
        rig.Verify("waiting on page_waitq");

        // The connection dies: fuse_writepage_end frees the copies and wakes fi->page_waitq.
        rig.Conn.Abort();
        rig.Sim.Run(rig.Sim.Now + (500 * Ms));
        Assert.All(new[] { write, mkwrite, read, fsync }, t => Assert.Equal(TaskState.Dead, t.State));
        Assert.Equal(0, copies.NrTempPages);
        Assert.Equal(0, rig.Kernel.Node.NrWritebackTemp);
        rig.Verify("after abort");
    }

    [Fact]
    public void With_a_healthy_server_copying_lowers_throughput_against_writing_back_in_place()
    {
        const long pages = 4096;
        double temp = BytesPerSecond("6.15", Temp615, pages, out FuseTempPages? copies);
        double inPlace = BytesPerSecond("6.16", WritebackDesign.Mainline, pages, out _);

        Assert.Equal(pages, copies!.Copies);
        Assert.Equal(0, copies.NrTempPages);
        Assert.True(temp < inPlace * 0.8, $"temp pages {temp / (1 << 20):F0} MiB/s, in place {inPlace / (1 << 20):F0} MiB/s");
    }

    // A writer dirties `pages` pages and syncs them against one healthy server thread (20 µs per request); bytes per
    // second until the server answered the last page. In place the server is the bottleneck (128 requests × 20 µs);
    // with temp pages the flusher's copying is (4096 × 868 ns): about 4.5 GiB/s against 6.1 GiB/s.
    private static double BytesPerSecond(string release, WritebackDesign design, long pages, out FuseTempPages? copies)
    {
        var rig = new FuseRig(new FuseMountOptions { WritebackCache = true }, release, design,
            writeback: new WritebackSysctl { DirtyRatio = 90, DirtyBackgroundRatio = 80 }, normalPages: 1 << 15);
        rig.Server(serviceNs: 20_000);
        CachedFile f = rig.Open("f", pages);
        long done = -1;
        rig.Sim.Spawn("writer", Body());
        rig.Sim.Run(60 * FuseRig.Sec);
        copies = rig.Ops.Copies as FuseTempPages;
        Assert.True(done > 0, "the writer finished");
        rig.Verify("healthy");
        return pages * (double)MmConstants.PageSize * SimTime.NsPerSec / done;

        IEnumerable<Wait> Body()
        {
            var stats = new AllocTally();
            for (long i = 0; i < pages; i++)
            {
                yield return Wait.Call(rig.Kernel.Write(f, i, stats));
            }

            // sync(2) has the flusher write everything (one writepages pass, full batches); with temp pages it returns
            // once the requests are queued, so the end is when the server has answered them all.
            yield return Wait.Call(rig.Kernel.SyncAll());
            while (f.NrDirty > 0 || f.NrWriteback > 0 || rig.Kernel.Node.NrWritebackTemp > 0)
            {
                yield return Wait.Sleep(10_000);
            }

            done = rig.Sim.Now;
        }
    }
}
