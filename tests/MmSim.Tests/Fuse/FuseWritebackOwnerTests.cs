using MmSim.Fs;
using MmSim.Fs.Fuse;
using MmSim.Mm;
using MmSim.Mm.Filemap;
using MmSim.Sim;

namespace MmSim.Tests.Fuse;

/// <summary>The ask-fs and cancel-writeback seam: who may deadlock on a folio's writeback, and cancel-and-redirty
/// refused while the request is spliced.</summary>
public class FuseWritebackOwnerTests
{
    private const long Ms = FuseRig.Ms;

    [Fact]
    public void The_thread_holding_the_request_or_the_one_that_would_read_it_may_deadlock_others_not()
    {
        var rig = new FuseRig(new FuseMountOptions { MaxPages = 1, MaxBackground = 1, CongestionThreshold = 100 });
        (SimTask server, FuseDevReader reader) = rig.Server(stallAt: 0);
        CachedFile f = rig.Open("f", 2);
        rig.Writer(f, 0, 2);
        rig.Sim.Run(10 * Ms);
        rig.Writepages(f, WbSyncMode.All);
        rig.Sim.Run(rig.Sim.Now + Ms);
        int held = f.Pfn[0];
        int queued = f.Pfn[1];
        Assert.Equal(FuseReqState.Processing, ((FuseReq)rig.Kernel.FolioWait.WritebackEnder(held)!).State);
        Assert.Equal(FuseReqState.BgQueued, ((FuseReq)rig.Kernel.FolioWait.WritebackEnder(queued)!).State);

        var serverCtx = new TaskContext(server);
        SimTask other = rig.Sim.Spawn("other", []);
        var otherCtx = new TaskContext(other);
        Assert.True(rig.Ops.MayDeadlock(held, serverCtx));
        Assert.True(rig.Ops.MayDeadlock(queued, serverCtx), "the only server thread would read it next");
        Assert.False(rig.Ops.MayDeadlock(held, otherCtx));

        // A task charged to the server's memcg may deadlock too.
        rig.Conn.ServerMemcgId = 3;
        Assert.True(rig.Ops.MayDeadlock(held, new TaskContext(other) { MemcgId = 3 }));
        Assert.False(rig.Ops.MayDeadlock(held, new TaskContext(other) { MemcgId = 4 }));
        _ = reader;
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public void Cancel_ends_writeback_and_redirties_unless_the_request_is_spliced(bool splice, bool cancelled)
    {
        var rig = new FuseRig(new FuseMountOptions { MaxPages = 4 });
        rig.Server(stallAt: 0, splice: splice);
        CachedFile f = rig.Open("f", 4);
        rig.Writer(f, 0, 4);
        rig.Sim.Run(10 * Ms);
        rig.Writepages(f, WbSyncMode.All);
        rig.Sim.Run(rig.Sim.Now + Ms);
        int pfn = f.Pfn[1];
        var req = (FuseReq)rig.Kernel.FolioWait.WritebackEnder(pfn)!;
        Assert.True(rig.Kernel.FolioWait.FolioTrylock(pfn));
        Assert.Equal(cancelled, rig.Ops.TryCancelWriteback(pfn));
        rig.Kernel.FolioWait.FolioUnlock(pfn);
        Assert.Equal(cancelled, !rig.Pages[pfn].Has(PageFlags.Writeback) && rig.Pages[pfn].Has(PageFlags.Dirty));
        Assert.Equal(cancelled ? 3 : 4, req.NrPages);
        Assert.Equal((cancelled ? 1L : 0L, cancelled ? 0L : 1L), (rig.Conn.Cancels, rig.Conn.CancelRefusals));
        rig.Verify("cancel");

        // The request's end no longer touches the cancelled folio.
        rig.Kernel.FuseAbort("fuse");
        Assert.Equal(cancelled, rig.Pages[pfn].Has(PageFlags.Dirty));
        rig.Verify("after abort");
    }
}
