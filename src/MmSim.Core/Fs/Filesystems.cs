// The mount table: every superblock with its device, bdi and flusher; files opened on a mount;
// fsync, sync and wakeup_flusher_threads.
using MmSim.Block;
using MmSim.Mm;
using MmSim.Mm.Filemap;
using MmSim.Mm.Folio;
using MmSim.Mm.Writeback;
using MmSim.Sim;

namespace MmSim.Fs;

/// <summary>The mounted filesystems and the writeback entry points of user space and reclaim.</summary>
/// <remarks>fs/sync.c: ksys_sync, sync_inodes_one_sb; fs/fs-writeback.c: sync_inodes_sb, wait_sb_inodes,
/// wakeup_flusher_threads; mm/filemap.c: file_write_and_wait_range.</remarks>
public sealed class Filesystems : IFlusher
{
    /// <summary>Wait site of sync_inodes_sb waiting for the flusher's WB_SYNC_ALL work.</summary>
    public const string SiteWbWaitForCompletion = "wb_wait_for_completion";

    // get_anon_bdev numbers FUSE superblocks from a small minor on a typical boot (0:40, 0:41…).
    private const int FuseFirstAnonMinor = 40;

    private readonly Simulator sim;
    private readonly PageCache cache;
    private readonly DirtyThrottle throttle;
    private readonly FolioWait folios;
    private readonly Mm.Rmap.FolioRefs refs;
    private readonly PageFrame[] pages;
    private readonly List<SuperBlock> supers = [];
    private readonly BlockFsOps blockOps;
    private readonly Func<SuperBlock, IFsOps>? fillFuseSuper;
    private int fuseMounts;

    internal Filesystems(Simulator sim, PageCache cache, DirtyThrottle throttle, FolioWait folios, Mm.Rmap.FolioRefs refs, PageFrame[] pages, IReadOnlyList<MountSpec> mounts, Func<SuperBlock, IFsOps>? fillFuseSuper)
    {
        this.fillFuseSuper = fillFuseSuper;
        this.sim = sim;
        this.cache = cache;
        this.throttle = throttle;
        this.folios = folios;
        this.refs = refs;
        this.pages = pages;
        blockOps = new BlockFsOps(this, cache, new Writepages(cache, pages, folios, refs));
        foreach (MountSpec spec in mounts.Count == 0 ? [MountSpec.Default] : mounts)
        {
            Mount(spec);
        }

        cache.DefaultWb = supers[0].Bdi.Wb;
    }

    /// <summary>The mounts, the default first.</summary>
    public IReadOnlyList<SuperBlock> Supers => supers;

    /// <summary>The mount named <paramref name="name"/>, or null.</summary>
    /// <param name="name">Mount name.</param>
    /// <returns>The superblock.</returns>
    public SuperBlock? Find(string name) => supers.Find(s => s.Name == name);

    /// <summary>The flusher thread of a mount (null until it first ran, or for tmpfs).</summary>
    /// <param name="sb">The mount.</param>
    /// <returns>The task.</returns>
    public SimTask? FlusherTask(SuperBlock sb) => sb?.Flusher?.Task;

    /// <inheritdoc/>
    /// <remarks>fs/fs-writeback.c: wakeup_flusher_threads → __wakeup_flusher_threads_bdi for every bdi.</remarks>
    public void WakeupFlusherThreads(WbReason reason)
    {
        foreach (SuperBlock sb in supers)
        {
            if (sb.Flusher is { } f && sb.Bdi.Wb.Stat(WbStatItem.Reclaimable) > 0)
            {
                f.StartAll(reason);
            }
        }
    }

    /// <summary>Opens (creates) a file on a mount: its inode gets the mount's wb and the fs's mapping flags.</summary>
    /// <param name="sb">The mount.</param>
    /// <param name="name">File name.</param>
    /// <param name="nrPages">Size in pages.</param>
    /// <returns>The file.</returns>
    internal CachedFile Open(SuperBlock sb, string name, long nrPages)
    {
        CachedFile file = sb.Spec.Type == FsType.Tmpfs ? cache.OpenShmem(name, nrPages) : cache.Open(name, nrPages);
        if (file.Wb is null && sb.Spec.Type != FsType.Tmpfs)
        {
            file.SbIndex = sb.Index;
            sb.Ops.InitFileInode(sb, file);
        }

        return file;
    }

    /// <summary>The mount a file lives on.</summary>
    /// <param name="file">A file opened through <see cref="Open"/> (files opened elsewhere are on the default mount).</param>
    /// <returns>Its superblock.</returns>
    internal SuperBlock SuperOf(CachedFile file) => supers[file.SbIndex];

    /// <summary>fsync(2): the file's filesystem's f_op->fsync.</summary>
    /// <param name="file">The file.</param>
    /// <returns>The coroutine.</returns>
    internal IEnumerable<Wait> Fsync(CachedFile file) => SuperOf(file).Ops.Fsync(file);

    /// <summary>
    /// sync(2): wakeup_flusher_threads(WB_REASON_SYNC), then per mount sync_inodes_sb — the flusher's
    /// WB_SYNC_ALL work, waited for (D, wb_wait_for_completion) — and wait_sb_inodes, which waits on every
    /// folio still under writeback.
    /// </summary>
    /// <returns>The coroutine.</returns>
    internal IEnumerable<Wait> Sync()
    {
        WakeupFlusherThreads(WbReason.Sync);
        foreach (SuperBlock sb in supers)
        {
            if (sb.Flusher is not { } f)
            {
                continue;
            }

            // Designs (issue 9): SB_I_NO_DATA_INTEGRITY (76f9377cd2ab, 6.18-stable; fuse_sb_defaults sets it on every
            // FUSE sb): sync_inodes_sb only kicks the flusher (wakeup_flusher_threads_bdi) and returns.
            if (SyncWriteback == SyncWritebackMode.NoDataIntegrity && sb.Spec.Type == FsType.Fuse)
            {
                if (sb.Bdi.Wb.Stat(WbStatItem.Reclaimable) > 0)
                {
                    f.StartAll(WbReason.Sync);
                }

                continue;
            }

            var done = new Completion($"sync_inodes_sb {sb.Name}") { Releaser = f.Task };
            f.QueueWork(new WbWork { NrPages = long.MaxValue, SyncMode = WbSyncMode.All, Reason = WbReason.Sync, Done = done });
            done.Releaser = f.Task;
            yield return Wait.ForCompletion(done, TaskState.Uninterruptible, SiteWbWaitForCompletion);

            // wait_sb_inodes: every inode of the sb with folios under writeback.
            foreach (CachedFile file in cache.Files)
            {
                if (file.SbIndex == sb.Index && file.Wb is not null && file.NrWriteback > 0 && !WaitSbInodesSkips(file))
                {
                    yield return Wait.Call(FdataWait(file));
                }
            }
        }
    }

    /// <summary>What sync(2) waits for (the designs' sync_writeback switch; mainline 6.16–6.18.0: <see cref="SyncWritebackMode.Wait"/>).</summary>
    public SyncWritebackMode SyncWriteback { get; set; }

    // The v6 series' 3/5: wait_sb_inodes skips mappings flagged AS_WRITEBACK_INDETERMINATE (today's bit 9).
    private bool WaitSbInodesSkips(CachedFile file) =>
        SyncWriteback == SyncWritebackMode.SkipFlagged && file.Has(AsFlags.WritebackMayDeadlockOnReclaim);

    /// <summary>filemap_fdatawait_keep_errors: folio_wait_writeback (D) on each folio of the file under writeback.</summary>
    /// <param name="file">The file.</param>
    /// <returns>The coroutine.</returns>
    internal IEnumerable<Wait> FdataWait(CachedFile file)
    {
        for (long i = 0; i < file.Pfn.Length && file.NrWriteback > 0; i++)
        {
            int pfn = file.Pfn[i];
            if (pfn >= 0 && pages[pfn].Has(PageFlags.Writeback))
            {
                // No reference is taken: the waiter only re-reads the bit, and a truncated folio wakes it too.
                yield return Wait.Call(folios.FolioWaitWriteback(pfn));
            }
        }
    }

    private void Mount(MountSpec spec)
    {
        if (spec.Type == FsType.Fuse)
        {
            MountFuse(spec);
            return;
        }

        bool tmpfs = spec.Type == FsType.Tmpfs;
        BlockDevice? dev = tmpfs ? null : new BlockDevice(sim, spec.Device ?? BlockDeviceParams.Default);
        BdiCaps caps = tmpfs ? BdiCaps.None : BdiCaps.Writeback | BdiCaps.WritebackAcct;
        if (spec.StrictLimit)
        {
            caps |= BdiCaps.StrictLimit;
        }

        var bdi = new BackingDevInfo(tmpfs ? "tmpfs-" + spec.Name : dev!.Name, caps, spec.MinRatioPercent, spec.MaxRatioPercent);
        var sb = new SuperBlock(supers.Count, spec, dev, bdi);
        sb.Ops = blockOps;
        supers.Add(sb);
        throttle.Register(bdi);
        if (!tmpfs)
        {
            sb.Flusher = new Flusher(sb, sim, cache, throttle);
            bdi.Wb.Worker = sb.Flusher;
        }
    }

    // fuse_fill_super → fuse_bdi_init: an anonymous bdi "0:N" (BDI_CAP_STRICTLIMIT and max_ratio come with
    // the spec), no block device; the registered fill function builds the connection (s_fs_info) and its ops.
    private void MountFuse(MountSpec spec)
    {
        if (fillFuseSuper is null)
        {
            throw new InvalidOperationException($"mount {spec.Name}: FUSE is not registered with this kernel");
        }

        BdiCaps caps = BdiCaps.Writeback | BdiCaps.WritebackAcct | (spec.StrictLimit ? BdiCaps.StrictLimit : BdiCaps.None);
        var bdi = new BackingDevInfo($"0:{FuseFirstAnonMinor + fuseMounts++}", caps, spec.MinRatioPercent, spec.MaxRatioPercent);
        var sb = new SuperBlock(supers.Count, spec, null, bdi);
        sb.Ops = fillFuseSuper(sb);
        supers.Add(sb);
        throttle.Register(bdi);
        sb.Flusher = new Flusher(sb, sim, cache, throttle);
        bdi.Wb.Worker = sb.Flusher;
    }
}
