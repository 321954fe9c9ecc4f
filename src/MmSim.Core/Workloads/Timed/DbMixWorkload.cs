using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Filemap;
using MmSim.Scenario;
using MmSim.Sim;

namespace MmSim.Workloads.Timed;

/// <summary>
/// The <c>dbmix</c> workload (writeback, issue 8): three tasks on one mount, like a database: a writer
/// overwriting random pages of the data file's hot set, a logger appending to the log and fsyncing it
/// at a fixed interval (commit), and a reader of random hot pages.
/// </summary>
/// <param name="config">The resolved workload.</param>
internal sealed class DbMixWorkload(DbMixWorkloadConfig config) : ITimedWorkload
{
    /// <summary>Metric: data bytes written.</summary>
    public const string BytesWritten = "bytes_written";

    /// <summary>Metric: log bytes appended.</summary>
    public const string LogBytes = "log_bytes";

    /// <summary>Metric: data bytes read.</summary>
    public const string BytesRead = "bytes_read";

    /// <summary>Metric: fsync calls completed.</summary>
    public const string Fsyncs = FsyncLatency.Fsyncs;

    /// <summary>Metric: total fsync latency, ns (mean = fsync_ns_total / fsyncs).</summary>
    public const string FsyncNsTotal = FsyncLatency.FsyncNsTotal;

    /// <summary>Metric: longest fsync, ns.</summary>
    public const string FsyncNsMax = FsyncLatency.FsyncNsMax;

    /// <summary>Metric: time the writer and the logger slept in balance_dirty_pages, ns.</summary>
    public const string ThrottledNs = "throttled_ns";

    /// <summary>Metric: accesses that found no memory.</summary>
    public const string Enomem = "enomem";

    private WorkloadContext? ctx;
    private FsyncLatency? fsyncLatency;
    private CachedFile? data;
    private CachedFile? log;
    private long hotPages;

    public string Type => config.Type;

    public WorkloadStats Stats { get; } = new();

    public void Start(WorkloadContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        this.ctx = ctx;
        data = ctx.Kernel.OpenFile(config.Mount, config.File, config.SizeBytes / Units.PageSizeBytes);
        log = ctx.Kernel.OpenFile(config.Mount, config.Log, config.LogSizeBytes / Units.PageSizeBytes);
        hotPages = Math.Max(1, config.Hot.Of(data.NrPages));
        TaskHandle.Spawn(ctx, "dbmix-writer", self => Writer(self, reader: false));
        TaskHandle.Spawn(ctx, "dbmix-reader", self => Writer(self, reader: true));
        TaskHandle.Spawn(ctx, "dbmix-log", Logger);
    }

    // The writer (random overwrites of the hot set) and the reader (random reads of it).
    private IEnumerable<Wait> Writer(TaskHandle self, bool reader)
    {
        WorkloadContext run = ctx!;
        PageCache cache = run.Kernel.PageCache;
        CachedFile f = data!;
        Prng prng = TaskRandom.For(run, self.Task);
        Distribution gaps = TaskRandom.Poisson(reader ? config.ReadRate : config.WriteRate);
        TaskContext current = run.Kernel.ContextOf(self.Task);
        if (TaskWaits.TrySleepUntil(run.Sim, config.StartNs, out Wait sleep))
        {
            yield return sleep;
        }

        while (true)
        {
            yield return Wait.Sleep(gaps.Sample(prng));
            long index = (long)prng.NextBelow((ulong)hotPages);
            long throttledBefore = current.DirtyThrottledNs;
            yield return Wait.Call(reader ? run.Kernel.Read(f, index, 1, Stats) : run.Kernel.Write(f, index, Stats));
            Stats.AddMetric(ThrottledNs, current.DirtyThrottledNs - throttledBefore);
            Stats.AddMetric(current.Ret == 0 ? Enomem : reader ? BytesRead : BytesWritten, current.Ret == 0 ? 1 : Units.PageSizeBytes);
        }
    }

    // Appends at log_rate; every fsync_interval the next append is followed by fsync (the commit).
    private IEnumerable<Wait> Logger(TaskHandle self)
    {
        WorkloadContext run = ctx!;
        LinuxKernel kernel = run.Kernel;
        CachedFile f = log!;
        Prng prng = TaskRandom.For(run, self.Task);
        Distribution gaps = TaskRandom.Poisson(config.LogRate);
        TaskContext current = kernel.ContextOf(self.Task);
        if (TaskWaits.TrySleepUntil(run.Sim, config.StartNs, out Wait sleep))
        {
            yield return sleep;
        }

        long cursor = 0;
        long nextFsync = run.Sim.Now + config.FsyncIntervalNs;
        while (true)
        {
            yield return Wait.Sleep(gaps.Sample(prng));
            long throttledBefore = current.DirtyThrottledNs;
            yield return Wait.Call(kernel.Write(f, cursor, Stats));
            Stats.AddMetric(ThrottledNs, current.DirtyThrottledNs - throttledBefore);
            Stats.AddMetric(current.Ret == 0 ? Enomem : LogBytes, current.Ret == 0 ? 1 : Units.PageSizeBytes);
            cursor = (cursor + 1) % f.NrPages;
            if (run.Sim.Now < nextFsync)
            {
                continue;
            }

            long t0 = run.Sim.Now;
            yield return Wait.Call(kernel.Fsync(f));
            (fsyncLatency ??= new FsyncLatency(Stats)).Record(run.Sim.Now - t0);

            nextFsync = run.Sim.Now + config.FsyncIntervalNs;
        }
    }
}
