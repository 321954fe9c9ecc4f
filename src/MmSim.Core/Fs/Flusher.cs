// The flusher of one bdi_writeback (fs/fs-writeback.c: wb_workfn on the writeback workqueue):
// queued work (sync), wakeup_flusher_threads, periodic kupdate writeback of expired inodes,
// and background writeback while over the background threshold.
using MmSim.Block;
using MmSim.Mm.Filemap;
using MmSim.Mm.Writeback;
using MmSim.Sim;

namespace MmSim.Fs;

/// <summary>wb_workfn as a kernel thread "kworker/u:flush-&lt;dev&gt;".</summary>
/// <remarks>
/// fs/fs-writeback.c: wb_workfn, wb_do_writeback, wb_check_start_all, wb_check_old_data_flush,
/// wb_check_background_flush, wb_writeback, queue_io, writeback_sb_inodes, writeback_chunk_size,
/// requeue_inode. The worker idles in S (worker_thread) and is woken by queued work or its
/// periodic timer (wb_wakeup_delayed), armed while the wb has dirty inodes.
/// </remarks>
internal sealed class Flusher : IWbWorker
{
    /// <summary>Wait site of an idle flusher.</summary>
    public const string SiteIdle = "worker_thread";

    /// <summary>MIN_WRITEBACK_PAGES: 4 MiB.</summary>
    private const long MinWritebackPages = 4096 >> (Mm.MmConstants.PageShift - 10);

    /// <summary>DIRTY_SCOPE.</summary>
    private const long DirtyScope = 8;

    private readonly SuperBlock sb;
    private readonly Simulator sim;
    private readonly PageCache cache;
    private readonly DirtyThrottle throttle;
    private readonly WaitQueue wake;
    private readonly Queue<WbWork> works = new();
    private readonly List<CachedFile> io = [];
    private bool startAll;
    private WbReason startAllReason;
    private bool idleForever;
    private long lastOldFlushNs;
    private SimTask? task;

    public Flusher(SuperBlock sb, Simulator sim, PageCache cache, DirtyThrottle throttle)
    {
        this.sb = sb;
        this.sim = sim;
        this.cache = cache;
        this.throttle = throttle;
        wake = new WaitQueue("wb_workfn " + sb.Bdi.Name);
    }

    /// <summary>The flusher thread's name.</summary>
    public string Comm => "kworker/u:flush-" + sb.Bdi.Name;

    /// <summary>The thread, once spawned.</summary>
    public SimTask? Task => task;

    /// <inheritdoc/>
    public bool InProgress { get; private set; }

    private BdiWriteback Wb => sb.Bdi.Wb;

    /// <inheritdoc/>
    public void StartBackgroundWriteback() => Wake();

    /// <inheritdoc/>
    public void InodeDirtied()
    {
        EnsureThread();
        if (idleForever)
        {
            // wb_wakeup_delayed: arm the periodic timer the idle worker does not have.
            Wake();
        }
    }

    /// <summary>wb_start_writeback (wakeup_flusher_threads): write everything dirty.</summary>
    /// <param name="reason">Why.</param>
    public void StartAll(WbReason reason)
    {
        startAll = true;
        startAllReason = reason;
        Wake();
    }

    /// <summary>wb_queue_work.</summary>
    /// <param name="work">The work.</param>
    public void QueueWork(WbWork work)
    {
        works.Enqueue(work);
        Wake();
    }

    private void Wake()
    {
        EnsureThread();
        if (wake.Count != 0)
        {
            wake.WakeUpAll();
        }
    }

    private void EnsureThread() => task ??= sim.Spawn(Comm, Body(), kernelThread: true);

    private IEnumerable<Wait> Body()
    {
        lastOldFlushNs = sim.Now;
        while (true)
        {
            yield return Wait.Call(DoWriteback());
            if (works.Count > 0 || startAll)
            {
                continue;
            }

            long interval = throttle.Sysctl.DirtyWritebackCentisecs * 10 * SimTime.NsPerMs;
            long timeout = -1;
            if (Wb.BDirty.Count > 0 && interval > 0)
            {
                timeout = Math.Max(DirtyThrottle.JiffyNs, lastOldFlushNs + interval - sim.Now);
            }

            idleForever = timeout < 0;
            yield return Wait.On(wake, TaskState.Interruptible, SiteIdle, timeout);
            idleForever = false;
        }
    }

    // wb_do_writeback.
    private IEnumerable<Wait> DoWriteback()
    {
        while (works.TryDequeue(out WbWork? work))
        {
            yield return Wait.Call(WbWriteback(work));
            work.Done?.CompleteAll();
        }

        if (startAll)
        {
            startAll = false;
            var all = new WbWork { NrPages = Wb.Stat(WbStatItem.Reclaimable), SyncMode = WbSyncMode.None, Reason = startAllReason };
            yield return Wait.Call(WbWriteback(all));
        }

        // wb_check_old_data_flush.
        long interval = throttle.Sysctl.DirtyWritebackCentisecs * 10 * SimTime.NsPerMs;
        if (interval > 0 && sim.Now >= lastOldFlushNs + interval)
        {
            lastOldFlushNs = sim.Now;
            long nr = Wb.Stat(WbStatItem.Reclaimable);
            if (nr > 0)
            {
                yield return Wait.Call(WbWriteback(new WbWork { NrPages = nr, ForKupdate = true, Reason = WbReason.Periodic }));
            }
        }

        // wb_check_background_flush.
        if (throttle.WbOverBgThresh(Wb))
        {
            yield return Wait.Call(WbWriteback(new WbWork { NrPages = long.MaxValue, ForBackground = true, Reason = WbReason.Background }));
        }
    }

    // wb_writeback: pass after pass over the expired (or all) dirty inodes until the work is done,
    // background work falls below the threshold, other work arrives, or a pass makes no progress.
    private IEnumerable<Wait> WbWriteback(WbWork work)
    {
        InProgress = true;
        long started = sim.Now;
        while (work.NrPages > 0)
        {
            if ((work.ForBackground || work.ForKupdate) && works.Count > 0)
            {
                break;
            }

            if (work.ForBackground && !throttle.WbOverBgThresh(Wb))
            {
                break;
            }

            // queue_io: kupdate takes inodes dirtied before the expire interval; others everything dirtied so far.
            long oldest = work.ForKupdate ? sim.Now - (throttle.Sysctl.DirtyExpireCentisecs * 10 * SimTime.NsPerMs) : (work.SyncMode == WbSyncMode.All ? started : sim.Now);
            io.Clear();
            for (int i = Wb.BDirty.Count - 1; i >= 0; i--)
            {
                var file = (CachedFile)Wb.BDirty[i];
                if (file.DirtiedWhenNs <= oldest)
                {
                    io.Add(file);
                }
            }

            if (io.Count == 0)
            {
                break;
            }

            long progress = 0;
            foreach (CachedFile file in io.ToArray())
            {
                if (file.DirtiedWhenNs < 0)
                {
                    continue;
                }

                long chunk = work.SyncMode == WbSyncMode.All ? long.MaxValue : ChunkSize(work);
                var wbc = new WritebackControl { SyncMode = work.SyncMode, NrToWrite = chunk, Reason = work.Reason };
                yield return Wait.Call(sb.Ops.Writepages(sb, file, wbc));
                long written = chunk - wbc.NrToWrite;
                progress += written;
                work.NrPages -= written;
                cache.InodeCleanIfNoDirty(file);
                if (work.NrPages <= 0)
                {
                    break;
                }
            }

            if (progress == 0)
            {
                break;
            }
        }

        InProgress = false;
    }

    // writeback_chunk_size: half a second of bandwidth, at most 1/8 of the dirty limit, in 4 MiB steps.
    private long ChunkSize(WbWork work)
    {
        long limit = Math.Max(throttle.DomainDirtyLimit, throttle.GlobalDirtyLimits().Thresh);
        long pages = Math.Min(Wb.AvgWriteBandwidth / 2, limit / DirtyScope);
        pages = Math.Min(pages, work.NrPages);
        return (pages + MinWritebackPages) / MinWritebackPages * MinWritebackPages;
    }
}
