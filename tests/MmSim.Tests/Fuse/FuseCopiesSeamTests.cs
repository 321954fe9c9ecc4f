using MmSim.Fs;
using MmSim.Fs.Fuse;
using MmSim.Mm;
using MmSim.Mm.Filemap;
using MmSim.Sim;

namespace MmSim.Tests.Fuse;

/// <summary>
/// The ≤ 6.15 writeback path through the temp-page seam, with a stand-in for the copies: each folio is copied while
/// locked and under writeback, its writeback ends when its request is queued, the request's end frees the copies, and
/// writers, page_mkwrite and fsync wait on the copies in flight (fi->page_waitq), not on the folio.
/// </summary>
public class FuseCopiesSeamTests
{
    private const long Ms = FuseRig.Ms;

    private sealed class FakeCopies(PageCache cache, Func<TaskContext> current) : IFuseWritebackCopies
    {
        public const string Site = "fuse_wait_on_page_writeback";
        private readonly WaitQueue pageWaitq = new("fi->page_waitq");
        private readonly List<(CachedFile File, long Index, FuseReq Req)> inFlight = [];

        public List<string> Calls { get; } = [];

        public long NrTempPages => inFlight.Count;

        public FuseTempPagesStats Stats { get; } = new();

        public IEnumerable<Wait> Copy(FuseReq req, CachedFile file, int pfn)
        {
            Calls.Add($"copy {pfn:x}");
            yield return Wait.For(1000);
            current().Ret = 1;
        }

        public void Sent(FuseReq req)
        {
            var args = (FuseWritepageArgs)req.Args!;
            Calls.Add($"sent {req.Unique} {args.Folios.Count}");
            foreach (int pfn in args.Folios)
            {
                inFlight.Add((args.File, Array.IndexOf(args.File.Pfn, pfn), req));
                cache.FolioEndWriteback(pfn);
            }
        }

        public void Finished(FuseReq req)
        {
            Calls.Add($"finished {req.Unique}");
            inFlight.RemoveAll(e => e.Req == req);
            pageWaitq.WakeUpAll();
        }

        public IEnumerable<Wait> WaitOnPageWriteback(CachedFile file, long index)
        {
            while (inFlight.Exists(e => e.File == file && e.Index == index))
            {
                yield return Wait.On(pageWaitq, TaskState.Uninterruptible, Site, -1, inFlight.Find(e => e.File == file && e.Index == index).Req);
            }
        }

        public IEnumerable<Wait> SyncWrites(CachedFile file)
        {
            while (inFlight.Exists(e => e.File == file))
            {
                yield return Wait.On(pageWaitq, TaskState.Uninterruptible, "fuse_sync_writes");
            }
        }

        public string? Verify() => null;
    }

    [Fact]
    public void Writeback_through_copies_ends_the_folios_writeback_at_send_and_writers_wait_on_the_copies()
    {
        var rig = new FuseRig(new FuseMountOptions { MaxPages = 4 }, "6.15");
        var fake = new FakeCopies(rig.Cache, () => rig.Kernel.Current);
        rig.Sb.Ops = new FuseFsOps(rig.Conn, fake, new FuseFsDeps(rig.Cache, rig.Kernel.FolioWait, rig.Pages, rig.Ops.Env, () => rig.Kernel.Current));
        rig.Server(stallAt: 0);
        CachedFile f = rig.Open("f", 8);
        rig.Writer(f, 0, 6);
        rig.Sim.Run(10 * Ms);
        rig.Writepages(f, WbSyncMode.All);

        // Two requests (4 + 2 pages); every page copied before its request was sent; no folio left under writeback.
        Assert.Equal(6, fake.Calls.Count(c => c.StartsWith("copy", StringComparison.Ordinal)));
        Assert.Equal(2, fake.Calls.Count(c => c.StartsWith("sent", StringComparison.Ordinal)));
        Assert.True(fake.Calls.IndexOf(fake.Calls.First(c => c.StartsWith("sent", StringComparison.Ordinal))) == 4, string.Join(", ", fake.Calls));
        Assert.Equal((0L, 0L, 6L), (f.NrWriteback, f.NrDirty, fake.NrTempPages));

        // Writers wait on the copy in flight, not on PG_writeback.
        SimTask w = rig.Writer(f, 1, 1, "rewriter");
        SimTask m = rig.Sim.Spawn("mmap", rig.Kernel.SharedWriteFault(f, 2, new AllocTally()));
        SimTask s = rig.Sim.Spawn("fsync", rig.Kernel.Fsync(f));
        rig.Sim.Run(rig.Sim.Now + (50 * Ms));
        Assert.Equal((FakeCopies.Site, FakeCopies.Site, "fuse_sync_writes"), (w.WaitSite, m.WaitSite, s.WaitSite));

        // An abort ends the requests: the copies are freed and the waiters go on.
        rig.Kernel.FuseAbort("fuse");
        rig.Sim.Run(rig.Sim.Now + (50 * Ms));
        Assert.Equal(2, fake.Calls.Count(c => c.StartsWith("finished", StringComparison.Ordinal)));
        Assert.Equal((TaskState.Dead, TaskState.Dead, TaskState.Dead), (w.State, m.State, s.State));
        rig.Verify("copies");
    }
}
