using MmSim.Fs;
using MmSim.Fs.Fuse;
using MmSim.Mm;
using MmSim.Mm.Filemap;
using MmSim.Sim;

namespace MmSim.Tests.Fuse;

/// <summary>fuse_writepages: the congestion skip, batching into background FUSE_WRITE requests, bg_queue, and what a
/// stalled server leaves under writeback.</summary>
public class FuseWritepagesTests
{
    private const long Ms = FuseRig.Ms;
    private const long Sec = FuseRig.Sec;

    [Fact]
    public void Congested_connection_skips_WB_SYNC_NONE_but_not_WB_SYNC_ALL()
    {
        var rig = new FuseRig(new FuseMountOptions { CongestionThreshold = 2, MaxPages = 4 });
        CachedFile a = rig.Open("a", 16);
        CachedFile b = rig.Open("b", 16);
        rig.Writer(a, 0, 16);
        rig.Writer(b, 0, 16, "writer2");
        rig.Sim.Run(10 * Ms);
        Assert.Equal((16, 16), (a.NrDirty, b.NrDirty));

        // No server: a's four requests stay queued, num_background 4 ≥ congestion_threshold 2.
        WritebackControl wa = rig.Writepages(a, WbSyncMode.None, 1024);
        Assert.Equal((1024 - 16, 4, 16L), (wa.NrToWrite, rig.Conn.NumBackground, a.NrWriteback));

        WritebackControl skipped = rig.Writepages(b, WbSyncMode.None, 1024);
        Assert.Equal((1024L, 16L, 0L), (skipped.NrToWrite, b.NrDirty, b.NrWriteback));

        WritebackControl all = rig.Writepages(b, WbSyncMode.All);
        Assert.Equal((long.MaxValue - 16, 0L, 16L, 8), (all.NrToWrite, b.NrDirty, b.NrWriteback, rig.Conn.NumBackground));
        rig.Verify("congested");
    }

    [Fact]
    public void Contiguous_dirty_folios_share_requests_of_at_most_max_pages()
    {
        var rig = new FuseRig(new FuseMountOptions { MaxPages = 16 });
        CachedFile f = rig.Open("f", 64);
        rig.Writer(f, 0, 40);
        rig.Writer(f, 50, 5, "writer2");
        rig.Sim.Run(10 * Ms);

        rig.Writepages(f, WbSyncMode.All);
        List<FuseReq> reqs = rig.Requests();
        Assert.All(reqs, r => Assert.True(r.Background && r.Opcode == FuseOpcode.Write));
        Assert.Equal([16, 16, 8, 5], reqs.Select(r => r.NrPages));
        Assert.Equal(4, rig.Ops.WritebackRequests);
        Assert.Equal(45, f.NrWriteback);

        // Each folio's writeback is ended by its own request.
        var first = (FuseReq)rig.Kernel.FolioWait.WritebackEnder(f.Pfn[0])!;
        var last = (FuseReq)rig.Kernel.FolioWait.WritebackEnder(f.Pfn[54])!;
        Assert.Equal((reqs[0].Unique, reqs[3].Unique), (first.Unique, last.Unique));
        rig.Verify("batched");
    }

    [Fact]
    public void Requests_beyond_max_background_wait_on_bg_queue_until_one_ends()
    {
        var rig = new FuseRig(new FuseMountOptions { MaxBackground = 3, CongestionThreshold = 100, MaxPages = 1 });
        CachedFile f = rig.Open("f", 5);
        rig.Writer(f, 0, 5);
        rig.Sim.Run(10 * Ms);
        rig.Writepages(f, WbSyncMode.All);
        Assert.Equal((5, 3, 2, 3), (rig.Conn.NumBackground, rig.Conn.ActiveBackground, rig.Conn.BgQueue.Count(), rig.Conn.Pending.Count()));

        // One server thread that serves one request and then stalls holding the next.
        (SimTask server, FuseDevReader reader) = rig.Server(serviceNs: Ms, stallAt: rig.Sim.Now + Ms / 2);
        rig.Sim.Run(rig.Sim.Now + (100 * Ms));
        Assert.Equal(1, rig.Conn.Answered);
        Assert.Equal((4, 3, 1), (rig.Conn.NumBackground, rig.Conn.ActiveBackground, rig.Conn.BgQueue.Count()));
        Assert.NotNull(reader.Req);
        Assert.Equal(4, f.NrWriteback);
        rig.Verify("bg_queue");
        _ = server;
    }

    [Fact]
    public void A_stalled_server_leaves_only_sent_folios_under_writeback_and_the_rest_dirty()
    {
        var rig = new FuseRig(new FuseMountOptions { MaxPages = 32 }, normalPages: 1 << 15);
        rig.Server(stallAt: 0);
        CachedFile f = rig.Open("big", 3000);
        rig.Writer(f, 0, 3000);
        rig.Sim.Run(200 * Ms);
        rig.Kernel.Fs.WakeupFlusherThreads(Mm.Writeback.WbReason.Sync);
        rig.Sim.Run(rig.Sim.Now + (40 * Sec));

        long inRequests = rig.Requests().Sum(r => (long)r.NrPages);
        Assert.True(rig.Conn.NumBackground >= rig.Conn.Options.CongestionThreshold, $"num_background {rig.Conn.NumBackground}");
        Assert.Equal(inRequests, f.NrWriteback);
        Assert.True(f.NrDirty > 0 && f.NrDirty + f.NrWriteback == 3000, $"{f.NrDirty} dirty, {f.NrWriteback} writeback");
        rig.Verify("stalled");
    }

    [Fact]
    public void Abort_ends_writeback_with_the_mapping_error_and_the_data_stays_lost()
    {
        var rig = new FuseRig(new FuseMountOptions { MaxPages = 8 });
        rig.Server(stallAt: 0);
        CachedFile f = rig.Open("f", 32);
        rig.Writer(f, 0, 32);
        rig.Sim.Run(10 * Ms);
        rig.Writepages(f, WbSyncMode.All);
        Assert.Equal(32, f.NrWriteback);

        Assert.True(rig.Kernel.FuseAbort("fuse"));
        Assert.Equal((0L, 0L, FuseConn.EConnAborted), (f.NrWriteback, f.NrDirty, f.WbErr));
        Assert.Equal(4, rig.Conn.Aborted);
        Assert.All(Enumerable.Range(0, 32), i => Assert.False(rig.Pages[f.Pfn[i]].Has(PageFlags.Dirty) || rig.Pages[f.Pfn[i]].Has(PageFlags.Writeback)));

        // fsync afterwards reports the error and has nothing to write: the data is gone.
        var ctx = new int[1];
        rig.Run("fsync", Fsync(), Sec);
        Assert.Equal(FuseConn.EConnAborted, ctx[0]);
        Assert.Equal(0, f.NrDirty);
        rig.Verify("aborted");

        IEnumerable<Wait> Fsync()
        {
            yield return Wait.Call(rig.Kernel.Fsync(f));
            ctx[0] = rig.Kernel.Current.Ret;
        }
    }
}
