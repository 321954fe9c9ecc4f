using MmSim.Fs;
using MmSim.Fs.Fuse;
using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Compaction.Impl;
using MmSim.Mm.Filemap;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Writeback;
using MmSim.Sim;

namespace MmSim.Tests.Fuse.TempPages;

/// <summary>
/// A kernel whose "fuse" mount writes back through <see cref="FuseTempPages"/> built by
/// <see cref="FuseWritebackCopies.Create"/>, with a connection and server threads; the writeback here
/// follows 6.15's fuse_writepages (lock, clear dirty for I/O, start writeback, copy, unlock; queue; send).
/// </summary>
/// <remarks>The mount itself is ext4 without large folios and without BDI_CAP_WRITEBACK_ACCT, so these tests
/// exercise the temp-page mechanism alone, without the FUSE core's writepages and write paths.</remarks>
internal sealed class TempPagesRig
{
    public const long Ms = SimTime.NsPerMs;

    public TempPagesRig(FuseWritebackMode mode = FuseWritebackMode.TempPages, long poolPages = 1024, long normalPages = 1 << 14, long filePages = 4096, ulong seed = 1)
    {
        var design = new WritebackDesign { FuseWriteback = mode, TempPoolPages = poolPages, FuseSetsReclaimFlag = false };
        Kernel = LinuxKernel.Boot(
            new MachineSpec([new ZoneSpec(ZoneType.Normal, normalPages, 0, 0)], []),
            new KernelParams
            {
                Alloc = new PageAllocOptions(),
                Compact = _ => NoCompaction.Instance,
                Reclaim = _ => Mm.Vmscan.Impl.NoReclaim.Instance,
                Mounts = [new MountSpec("fuse", FsType.Ext4, Block.BlockDeviceParams.Default, LargeFolios: false, MinRatioPercent: 90)],
                Release = "6.15",

                // The ext4 flusher must not clean the pages these tests write back themselves.
                Writeback = new WritebackSysctl { DirtyRatio = 90, DirtyBackgroundRatio = 80, DirtyExpireCentisecs = 1_000_000, DirtyWritebackCentisecs = 1_000_000 },
                WritebackDesign = design,
            },
            seed);
        SuperBlock sb = Kernel.Fs.Find("fuse")!;
        sb.Bdi.Capabilities &= ~BdiCaps.WritebackAcct;
        Conn = new FuseConn(Kernel.Sim, "fuse", new FuseMountOptions());
        Copies = (FuseTempPages)FuseWritebackCopies.Create(new FuseCopyDeps(
            Kernel.Alloc, Kernel, Kernel.PageCache, Kernel.FolioWait, Kernel.Sim, new FuseEnv("6.15", design, new FuseSysctl()), Conn, () => Kernel.Current));
        Kernel.Checks.Add(("fuse temp pages", Copies.Verify));
        File = Kernel.OpenFile("fuse", "f", filePages);
    }

    public LinuxKernel Kernel { get; }

    public Simulator Sim => Kernel.Sim;

    public FuseConn Conn { get; }

    public FuseTempPages Copies { get; }

    public CachedFile File { get; }

    public PageCache Cache => Kernel.PageCache;

    public BdiWriteback Wb => Cache.WbOf(File)!;

    /// <summary>Pageblocks of the node whose migratetype is MIGRATE_UNMOVABLE.</summary>
    public int UnmovableBlocks()
    {
        int n = 0;
        for (int pfn = 0; pfn < Kernel.Node.NodeSpannedPages; pfn += MmConstants.PageblockNrPages)
        {
            if (Kernel.Node.PfnValid(pfn) && Kernel.Node.PageblockMigratetype(pfn) == MigrateType.Unmovable)
            {
                n++;
            }
        }

        return n;
    }

    /// <summary>Allocated order-0 pages owned as FUSE temp pages (outside any pool).</summary>
    public List<int> TempPagePfns()
    {
        var list = new List<int>();
        PageFrame[] pages = Kernel.Node.Pages;
        for (int pfn = 0; pfn < pages.Length; pfn += pages[pfn].Has(PageFlags.Allocated) ? 1 << pages[pfn].Order : 1)
        {
            if (pages[pfn].Has(PageFlags.Allocated) && pages[pfn].OwnerKind == OwnerKind.FuseTemp && (Copies.Pool is null || !Copies.Pool.Contains(pfn)))
            {
                list.Add(pfn);
            }
        }

        return list;
    }

    /// <summary>Dirties pages [first, first + count) of the file with write(2).</summary>
    public IEnumerable<Wait> Dirty(long first, long count)
    {
        var stats = new AllocTally();
        for (long i = first; i < first + count; i++)
        {
            yield return Wait.Call(Cache.Write(File, i, stats, balance: false));
        }
    }

    /// <summary>
    /// fuse_writepages over [first, first + count): each dirty folio is locked, cleaned for I/O, put under
    /// writeback, copied and unlocked; requests of <paramref name="maxPages"/> are queued and then sent.
    /// </summary>
    public IEnumerable<Wait> Writeback(long first, long count, int maxPages = 32)
    {
        FuseReq? req = null;
        int n = 0;
        for (long i = first; i < first + count; i++)
        {
            int pfn = File.Lookup(i);
            if (pfn < 0)
            {
                continue;
            }

            yield return Wait.Call(Kernel.FolioWait.FolioLock(pfn));
            if (!Cache.FolioClearDirtyForIo(File, pfn))
            {
                Kernel.FolioWait.FolioUnlock(pfn);
                continue;
            }

            req ??= Conn.NewRequest(FuseOpcode.Write, background: true);
            Cache.FolioStartWriteback(File, pfn, req);
            yield return Wait.Call(Copies.Copy(req, File, pfn));
            if (Kernel.Current.Ret == 0)
            {
                // No temp page: writeback ends and the folio is dirty again (the caller's redirty).
                Cache.FolioEndWriteback(pfn);
                Cache.FolioMarkDirty(File, pfn);
                Kernel.FolioWait.FolioUnlock(pfn);
                Send(req);
                req = null;
                n = 0;
                continue;
            }

            Kernel.FolioWait.FolioUnlock(pfn);
            req.NrPages++;
            if (++n == maxPages)
            {
                Send(req);
                req = null;
                n = 0;
            }
        }

        if (req is not null)
        {
            Send(req);
        }
    }

    /// <summary>Starts a server thread answering each request <paramref name="serviceNs"/> after reading it, from <paramref name="startNs"/> on.</summary>
    public SimTask StartServer(long serviceNs, long startNs = 0, long stallAtNs = long.MaxValue, long resumeAtNs = long.MaxValue, string name = "server")
    {
        FuseDevReader? reader = null;
        SimTask t = Sim.Spawn(name, Server(() => reader!, serviceNs, startNs, stallAtNs, resumeAtNs));
        reader = new FuseDevReader(t, splice: false);
        Conn.RegisterReader(reader);
        return t;
    }

    public void Run(long untilNs) => Sim.Run(untilNs);

    public void Verify(string context) => KernelChecker.Verify(Kernel, context);

    private void Send(FuseReq req)
    {
        if (req.NrPages == 0 && req.State == FuseReqState.Pending)
        {
            // Nothing was copied into it: 6.15 never sends an empty request.
            Copies.Sent(req);
            Copies.Finished(req);
            return;
        }

        req.End = Copies.Finished;
        Conn.QueueBackground(req);
        Copies.Sent(req);
    }

    private IEnumerable<Wait> Server(Func<FuseDevReader> reader, long serviceNs, long startNs, long stallAtNs, long resumeAtNs)
    {
        if (startNs > 0)
        {
            yield return Wait.Sleep(startNs);
        }

        while (true)
        {
            FuseDevReader r = reader();
            yield return Wait.Call(Conn.DevRead(r));
            if (r.Req is null)
            {
                yield break;
            }

            yield return Wait.Sleep(serviceNs);
            if (Sim.Now >= stallAtNs && Sim.Now < resumeAtNs)
            {
                // The stalled server holds the request it read.
                yield return Wait.Sleep(resumeAtNs == long.MaxValue ? long.MaxValue / 4 : resumeAtNs - Sim.Now);
            }

            Conn.DevWrite(r, 0);
        }
    }
}
