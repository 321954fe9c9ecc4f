// Writeback wiring (issue 8): the dirty throttle, the mounts with their devices and flushers, and
// the seams reclaim uses (IFlusher, IReclaimWritebackAcct).
using MmSim.Fs;
using MmSim.Mm.Filemap;
using MmSim.Mm.Writeback;
using MmSim.Sim;

namespace MmSim.Kernel;

public sealed partial class LinuxKernel
{
    /// <summary>The dirty throttle (balance_dirty_pages, the global wb_domain, node_dirty_ok).</summary>
    public DirtyThrottle DirtyThrottle { get; }

    /// <summary>The mounted filesystems, their devices and flushers.</summary>
    public Filesystems Fs { get; }

    /// <summary>wakeup_flusher_threads, for reclaim.</summary>
    public IFlusher Flusher => Fs;

    /// <summary>acct_reclaim_writeback, called by every folio_end_writeback; reclaim sets it.</summary>
    public IReclaimWritebackAcct? ReclaimWritebackAcct
    {
        get => PageCache.ReclaimWritebackAcct;
        set => PageCache.ReclaimWritebackAcct = value;
    }

    /// <summary>Opens a file on a mount (null: the default mount).</summary>
    /// <param name="mount">Mount name, or null.</param>
    /// <param name="name">File name.</param>
    /// <param name="nrPages">Size in pages.</param>
    /// <returns>The file.</returns>
    /// <exception cref="ArgumentException">No such mount.</exception>
    internal CachedFile OpenFile(string? mount, string name, long nrPages)
    {
        SuperBlock sb = mount is null ? Fs.Supers[0] : Fs.Find(mount) ?? throw new ArgumentException($"no mount named {mount}", nameof(mount));
        return Fs.Open(sb, name, nrPages);
    }

    /// <summary>write(2) of one page of a file by the running task: its filesystem's write path (vfs_write → f_op->write_iter).</summary>
    /// <param name="file">The file.</param>
    /// <param name="index">Page index.</param>
    /// <param name="stats">Where the writer's allocations are counted.</param>
    /// <returns>The coroutine; <see cref="Mm.TaskContext.Ret"/> is 1, or 0 when no memory could be had.</returns>
    internal IEnumerable<Wait> Write(CachedFile file, long index, Mm.IAllocAccount stats) => Fs.SuperOf(file).Ops.Write(file, index, stats);

    /// <summary>A store by the running task to a page of a MAP_SHARED mapping of a file (do_shared_fault → vm_ops->page_mkwrite).</summary>
    /// <param name="file">The file.</param>
    /// <param name="index">Page index.</param>
    /// <param name="stats">Where the allocations are counted.</param>
    /// <returns>The coroutine; Ret is 1, or 0 without memory.</returns>
    internal IEnumerable<Wait> SharedWriteFault(CachedFile file, long index, Mm.IAllocAccount stats) => Fs.SuperOf(file).Ops.SharedWriteFault(file, index, stats);

    /// <summary>read(2) of pages of a file by the running task (vfs_read → f_op->read_iter).</summary>
    /// <param name="file">The file.</param>
    /// <param name="index">First page index.</param>
    /// <param name="nrPages">Pages.</param>
    /// <param name="stats">Where the allocations are counted.</param>
    /// <returns>The coroutine; Ret is 1, or 0 without memory.</returns>
    internal IEnumerable<Wait> Read(CachedFile file, long index, long nrPages, Mm.IAllocAccount stats) => Fs.SuperOf(file).Ops.Read(file, index, nrPages, stats);

    /// <summary>close(2) of a file descriptor by the running task: f_op->flush (FUSE writes back and waits, fuse_flush).</summary>
    /// <param name="file">The file.</param>
    /// <returns>The coroutine.</returns>
    internal IEnumerable<Wait> Close(CachedFile file) => InSyscall("close", Fs.SuperOf(file).Ops.Flush(file)); // outcomes: syscall marker

    /// <summary>The FUSE connection of a mount, or null (no such mount, or not FUSE).</summary>
    /// <param name="mount">Mount name.</param>
    /// <returns>The connection.</returns>
    public Fs.Fuse.FuseConn? FuseConnection(string mount) => Fs.Find(mount)?.FsInfo as Fs.Fuse.FuseConn;

    /// <summary>Writes /sys/fs/fuse/connections/N/abort for a mount (fusectl): fuse_abort_conn.</summary>
    /// <param name="mount">Mount name.</param>
    /// <returns>False when the mount is not FUSE.</returns>
    public bool FuseAbort(string mount)
    {
        if (FuseConnection(mount) is not { } conn)
        {
            return false;
        }

        conn.Abort();
        return true;
    }

    /// <summary>fsync(2) of a file by the running task.</summary>
    /// <param name="file">The file.</param>
    /// <returns>The coroutine.</returns>
    internal IEnumerable<Wait> Fsync(CachedFile file) => InSyscall("fsync", Fs.Fsync(file)); // outcomes: syscall marker

    /// <summary>sync(2) by the running task.</summary>
    /// <returns>The coroutine.</returns>
    internal IEnumerable<Wait> SyncAll() => InSyscall("sync", Fs.Sync()); // outcomes: syscall marker

    // outcomes (issue 9): marks the running task as inside a system call (/proc/PID/syscall) while body runs, so a hung
    // task's role can be named; only for calls that are rare and can sleep long (fsync, close, sync), never per page.
    private IEnumerable<Wait> InSyscall(string name, IEnumerable<Wait> body)
    {
        Mm.TaskContext cur = Current;
        string? saved = cur.Syscall;
        cur.Syscall = name;
        yield return Wait.Call(body);
        cur.Syscall = saved;
    }

    private (DirtyThrottle Throttle, Filesystems Fs) InitWriteback()
    {
        var throttle = new DirtyThrottle(Node, Sim, () => Current, Params.Writeback);
        PageCache.Throttle = throttle;
        PageCache.Folios = FolioWait;
        PageCache.Refs = Refs;
        PageCache.Now = () => Sim.Now;
        var fs = new Filesystems(Sim, PageCache, throttle, FolioWait, Refs, Node.Pages, Params.Mounts, FillFuseSuper);
        Alloc.NodeDirtyOk = throttle.NodeDirtyOk;
        Checks.Add(("writeback counts", PageCache.VerifyWritebackCounts));
        return (throttle, fs);
    }

    // fuse (issue 9): fs/fuse/inode.c: fuse_fill_super for each FUSE mount: the connection (s_fs_info),
    // the temp-page copies when the design has them, and the mount's ops.
    private IFsOps FillFuseSuper(SuperBlock sb)
    {
        var env = new Fs.Fuse.FuseEnv(Params.Release, Params.WritebackDesign, Params.Fuse);
        var conn = new Fs.Fuse.FuseConn(Sim, sb.Name, sb.Spec.Fuse ?? new FuseMountOptions());
        sb.FsInfo = conn;
        Fs.Fuse.IFuseWritebackCopies? copies = Params.WritebackDesign.FuseWriteback == FuseWritebackMode.InPlace
            ? null
            : MmSim.Fs.Fuse.FuseWritebackCopies.Create(new MmSim.Fs.Fuse.FuseCopyDeps(Alloc, this, PageCache, FolioWait, Sim, env, conn, () => Current));
        if (copies is not null)
        {
            // temp pages (issue 9): fuse_bdi_init clears BDI_CAP_WRITEBACK_ACCT; fuse counts WB_WRITEBACK per temp page.
            // Their invariant (IFuseWritebackCopies.Verify) runs inside the mount's check below.
            sb.Bdi.Capabilities &= ~Mm.Writeback.BdiCaps.WritebackAcct;
        }

        var ops = new MmSim.Fs.Fuse.FuseFsOps(conn, copies, new MmSim.Fs.Fuse.FuseFsDeps(PageCache, FolioWait, Node.Pages, env, () => Current, Migrate.WritebackStats)); // steps (issue 9): false-abort reports
        if (MmSim.Fs.Fuse.FuseRelease.AtLeast(Params.Release, 6, 15))
        {
            conn.InitServerTimeout(conn.Options.RequestTimeoutSecs, Params.Fuse); // process_init_reply (6.15+)
        }

        Checks.Add(($"fuse {sb.Name}", ops.Verify));
        return ops;
    }
}
