using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Filemap;
using MmSim.Scenario;
using MmSim.Sim;

namespace MmSim.Workloads.Timed;

/// <summary>The <c>filewrite</c> workload: writer tasks dirtying one file, with optional fsync and mmap stores.</summary>
/// <param name="config">The resolved workload.</param>
internal sealed class FileWriteWorkload(FileWriteWorkloadConfig config) : ITimedWorkload
{
    /// <summary>Metric: bytes written.</summary>
    public const string BytesWritten = "bytes_written";

    /// <summary>Metric: fsync calls completed.</summary>
    public const string Fsyncs = FsyncLatency.Fsyncs;

    /// <summary>Metric: total fsync latency, ns.</summary>
    public const string FsyncNsTotal = FsyncLatency.FsyncNsTotal;

    /// <summary>Metric: longest fsync, ns.</summary>
    public const string FsyncNsMax = FsyncLatency.FsyncNsMax;

    /// <summary>Metric: time writers slept in balance_dirty_pages, ns.</summary>
    public const string ThrottledNs = "throttled_ns";

    /// <summary>Metric: writes that found no memory.</summary>
    public const string WriteEnomem = "write_enomem";

    private WorkloadContext? ctx;
    private FsyncLatency? fsyncLatency;
    private CachedFile? file;

    public string Type => config.Type;

    public WorkloadStats Stats { get; } = new();

    public void Start(WorkloadContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        this.ctx = ctx;
        file = ctx.Kernel.OpenFile(config.Mount, config.File, config.SizeBytes / Units.PageSizeBytes);
        for (int w = 0; w < config.Writers; w++)
        {
            int writer = w;
            TaskHandle.Spawn(ctx, config.Writers == 1 ? "filewrite" : $"filewrite{w}", self => Writer(self, writer));
        }
    }

    private IEnumerable<Wait> Writer(TaskHandle self, int writer)
    {
        WorkloadContext run = ctx!;
        LinuxKernel kernel = run.Kernel;
        PageCache cache = kernel.PageCache;
        CachedFile f = file!;
        Prng prng = TaskRandom.For(run, self.Task);
        Distribution gaps = TaskRandom.Poisson(config.Rate);
        long cursor = writer * (f.NrPages / config.Writers);
        long writes = 0;
        TaskContext current = kernel.ContextOf(self.Task);
        if (TaskWaits.TrySleepUntil(run.Sim, config.StartNs, out Wait sleep))
        {
            yield return sleep;
        }

        while (true)
        {
            yield return Wait.Sleep(gaps.Sample(prng));
            long index = config.Pattern == AccessPattern.Random ? (long)prng.NextBelow((ulong)f.NrPages) : cursor;
            cursor = (index + 1) % f.NrPages;
            long throttledBefore = current.DirtyThrottledNs;
            yield return Wait.Call(config.Mmap ? kernel.SharedWriteFault(f, index, Stats) : kernel.Write(f, index, Stats));
            Stats.AddMetric(ThrottledNs, current.DirtyThrottledNs - throttledBefore);
            if (current.Ret == 0)
            {
                Stats.AddMetric(WriteEnomem, 1);
                continue;
            }

            Stats.AddMetric(BytesWritten, Units.PageSizeBytes);
            writes++;
            if (config.FsyncEvery > 0 && writes % config.FsyncEvery == 0)
            {
                long t0 = run.Sim.Now;
                yield return Wait.Call(kernel.Fsync(f));
                (fsyncLatency ??= new FsyncLatency(Stats)).Record(run.Sim.Now - t0);
            }
        }
    }
}
