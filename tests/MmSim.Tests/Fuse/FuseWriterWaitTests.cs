using MmSim.Fs;
using MmSim.Fs.Fuse;
using MmSim.Mm;
using MmSim.Mm.Filemap;
using MmSim.Sim;

namespace MmSim.Tests.Fuse;

/// <summary>
/// Where writers wait on a folio under FUSE writeback that a stalled server never ends, per release: 6.16
/// fuse_write_begin and every page_mkwrite wait in folio_wait_writeback; 6.17+ write(2) with writeback cache goes
/// through iomap and waits only for stable writes, and the redirtied folio's next WB_SYNC_ALL writeback waits in
/// folio_prepare_writeback; without writeback cache fuse_send_write_pages waits in folio_wait_writeback.
/// </summary>
public class FuseWriterWaitTests
{
    private const long Ms = FuseRig.Ms;

    [Theory]
    [InlineData("6.16", true)]
    [InlineData("6.17", false)]
    [InlineData("6.18", false)]
    public void Write_with_writeback_cache_waits_on_writeback_only_before_iomap(string release, bool waits)
    {
        (FuseRig rig, CachedFile f) = StuckPage(release, writebackCache: true);
        SimTask w = rig.Writer(f, 0, 1, "rewriter");
        rig.Sim.Run(rig.Sim.Now + (100 * Ms));
        int pfn = f.Pfn[0];
        if (waits)
        {
            Assert.Equal((TaskState.Uninterruptible, FolioWait.SiteFolioWaitWriteback), (w.State, w.WaitSite));
            Assert.False(rig.Pages[pfn].Has(PageFlags.Dirty));
        }
        else
        {
            Assert.Equal(TaskState.Dead, w.State);
            Assert.True(rig.Pages[pfn].Has(PageFlags.Dirty) && rig.Pages[pfn].Has(PageFlags.Writeback), "redirtied under writeback");
        }

        rig.Verify("rewrite");
    }

    [Fact]
    public void A_redirtied_folio_makes_WB_SYNC_ALL_wait_in_folio_prepare_writeback()
    {
        (FuseRig rig, CachedFile f) = StuckPage("6.18", writebackCache: true);
        rig.Writer(f, 0, 1, "rewriter");
        rig.Sim.Run(rig.Sim.Now + Ms);
        SimTask fsync = rig.Sim.Spawn("fsync", rig.Kernel.Fsync(f));
        rig.Sim.Run(rig.Sim.Now + (100 * Ms));
        int pfn = f.Pfn[0];

        // Locked and still dirty: it waits before folio_clear_dirty_for_io, i.e. in folio_prepare_writeback.
        Assert.Equal((TaskState.Uninterruptible, FolioWait.SiteFolioWaitWriteback), (fsync.State, fsync.WaitSite));
        Assert.True(rig.Pages[pfn].Has(PageFlags.Dirty) && rig.Pages[pfn].Has(PageFlags.Locked));
        Assert.Equal(fsync, rig.Kernel.FolioWait.LockHolder(pfn));

        // WB_SYNC_NONE skips it instead.
        WritebackControl wbc = rig.Writepages(f, WbSyncMode.None, 1024);
        Assert.Equal(1024, wbc.NrToWrite);
        rig.Verify("prepare_writeback");
    }

    [Theory]
    [InlineData("6.16")]
    [InlineData("6.18")]
    public void Page_mkwrite_waits_on_writeback(string release)
    {
        (FuseRig rig, CachedFile f) = StuckPage(release, writebackCache: true);
        SimTask t = rig.Sim.Spawn("mmap-writer", rig.Kernel.SharedWriteFault(f, 0, new AllocTally()));
        rig.Sim.Run(rig.Sim.Now + (100 * Ms));
        Assert.Equal((TaskState.Uninterruptible, FolioWait.SiteFolioWaitWriteback), (t.State, t.WaitSite));
        Assert.False(rig.Pages[f.Pfn[0]].Has(PageFlags.Dirty));
    }

    [Fact]
    public void Write_through_waits_on_writeback_of_a_folio_dirtied_by_mmap()
    {
        (FuseRig rig, CachedFile f) = StuckPage("6.18", writebackCache: false);
        SimTask w = rig.Writer(f, 0, 1, "writer2");
        rig.Sim.Run(rig.Sim.Now + (100 * Ms));
        Assert.Equal((TaskState.Uninterruptible, FolioWait.SiteFolioWaitWriteback), (w.State, w.WaitSite));
    }

    [Fact]
    public void Write_through_sends_a_synchronous_FUSE_WRITE_per_page_and_leaves_the_folios_clean()
    {
        var rig = new FuseRig(new FuseMountOptions { WritebackCache = false });
        rig.Server(serviceNs: Ms);
        CachedFile f = rig.Open("f", 8);
        SimTask w = rig.Writer(f, 0, 8);
        rig.Sim.Run(4 * Ms);
        Assert.Equal((TaskState.Uninterruptible, FuseConn.SiteRequestWaitAnswer), (w.State, w.WaitSite));
        rig.Sim.Run(100 * Ms);
        Assert.Equal(TaskState.Dead, w.State);
        Assert.Equal((8L, 8L, 0L, 0L), (rig.Conn.Answered, f.NrCached, f.NrDirty, f.NrWriteback));
        rig.Verify("write-through");
    }

    [Fact]
    public void Missing_pages_cost_synchronous_FUSE_READs_of_at_most_max_pages()
    {
        var rig = new FuseRig(new FuseMountOptions { MaxPages = 8 });
        rig.Server(serviceNs: Ms);
        CachedFile f = rig.Open("f", 64);
        SimTask r = rig.Sim.Spawn("reader", rig.Kernel.Read(f, 0, 20, new AllocTally()));
        rig.Sim.Run(100 * Ms);
        Assert.Equal(TaskState.Dead, r.State);
        long expected = (f.NrCached + 7) / 8;
        Assert.True(f.NrCached >= 20);
        Assert.Equal(expected, rig.Conn.Answered);
    }

    // One page of a file under writeback by a request the (stalled) server holds; with writeback cache off, the page
    // was dirtied through a shared mapping.
    private static (FuseRig Rig, CachedFile File) StuckPage(string release, bool writebackCache)
    {
        var rig = new FuseRig(new FuseMountOptions { WritebackCache = writebackCache }, release);
        rig.Server(stallAt: 5 * Ms);
        CachedFile f = rig.Open("f", 4);
        if (writebackCache)
        {
            rig.Writer(f, 0, 1);
        }
        else
        {
            rig.Sim.Spawn("mmap", rig.Kernel.SharedWriteFault(f, 0, new AllocTally()));
        }

        rig.Sim.Run(10 * Ms);
        Assert.Equal(1, f.NrDirty);
        rig.Writepages(f, WbSyncMode.All);
        Assert.Equal(1, f.NrWriteback);
        Assert.Equal(FuseReqState.Processing, ((FuseReq)rig.Kernel.FolioWait.WritebackEnder(f.Pfn[0])!).State);
        return (rig, f);
    }
}
