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

    /// <summary>fsync(2) of a file by the running task.</summary>
    /// <param name="file">The file.</param>
    /// <returns>The coroutine.</returns>
    internal IEnumerable<Wait> Fsync(CachedFile file) => Fs.Fsync(file);

    /// <summary>sync(2) by the running task.</summary>
    /// <returns>The coroutine.</returns>
    internal IEnumerable<Wait> SyncAll() => Fs.Sync();

    private (DirtyThrottle Throttle, Filesystems Fs) InitWriteback()
    {
        var throttle = new DirtyThrottle(Node, Sim, () => Current, Params.Writeback);
        PageCache.Throttle = throttle;
        PageCache.Folios = FolioWait;
        PageCache.Refs = Refs;
        PageCache.Now = () => Sim.Now;
        var fs = new Filesystems(Sim, PageCache, throttle, FolioWait, Refs, Node.Pages, Params.Mounts);
        Alloc.NodeDirtyOk = throttle.NodeDirtyOk;
        Checks.Add(("writeback counts", PageCache.VerifyWritebackCounts));
        return (throttle, fs);
    }
}
