using MmSim.Mm.Memory;
using MmSim.Mm.Filemap;
using MmSim.Scenario;
using MmSim.Sim;

namespace MmSim.Workloads.Timed;

/// <summary>
/// The <c>thpcompact</c> preset: <c>frag</c> first, then the workers of mmtests' thpcompact.c (see
/// <see cref="ThpCompactWorkloadType"/>), spawned by one coordinating task once the pattern is down.
/// </summary>
/// <param name="config">The resolved preset.</param>
internal sealed class ThpCompactWorkload(ThpCompactWorkloadConfig config) : ITimedWorkload
{
    /// <summary>Metric: faults of the measured mapping that got a huge page.</summary>
    public const string Huge = "thpcompact_huge";

    /// <summary>Metric: faults of the measured mapping that got a base page.</summary>
    public const string Base = "thpcompact_base";

    /// <summary>Metric: workers that finished.</summary>
    public const string WorkersDone = "workers_done";

    // frag as thpcompact's setup uses it: a quarter of each filled 2 MiB chunk stays.
    private static readonly Percent FragKeep = Percent.FromWhole(25);

    private WorkloadContext? ctx;
    private CachedFile? file;
    private Completion? barrier;
    private long arrived;

    public string Type => config.Type;

    public WorkloadStats Stats { get; } = new();

    public void Start(WorkloadContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        this.ctx = ctx;
        TaskHandle.Spawn(ctx, config.Type, Coordinator);
    }

    private IEnumerable<Wait> Coordinator(TaskHandle self)
    {
        WorkloadContext run = ctx!;
        if (TaskWaits.TrySleepUntil(run.Sim, config.StartNs, out Wait sleep))
        {
            yield return sleep;
        }

        Frag.LayDown(run, Stats, config.Fill, FragKeep, FragPattern.Spread, self.Task.Pid, out long managedPages);
        long managedBytes = managedPages * Units.PageSizeBytes;
        var sizes = new ThpCompactSizes(config.AnonSize.Of(managedBytes), config.FileSize.Of(managedBytes), config.Threads);
        file = run.Kernel.PageCache.Open("thpcompact", Math.Max(1, sizes.FilePerThreadPages * config.Threads));
        barrier = new Completion("thpcompact init_barrier");
        for (int i = 0; i < config.Threads; i++)
        {
            int index = i;
            TaskHandle.Spawn(run, "thpcompact-w", w => new ThpCompactWorker(run, Stats, config, sizes, file, index, w, Arrive).Run());
        }

        // The frag pattern stays for the rest of the run.
        yield return TaskWaits.Pause(config.Type, self.Task.Pid);
    }

    // pthread_barrier_wait: the last worker to arrive releases all.
    private Wait? Arrive()
    {
        arrived++;
        if (arrived == config.Threads)
        {
            barrier!.CompleteAll();
            return null;
        }

        return Wait.ForCompletion(barrier!, TaskState.Interruptible, "futex_wait_queue");
    }
}

/// <summary>thpcompact.c's sizes: per-thread anonymous and file sizes in whole huge pages, and the faults measured.</summary>
internal readonly record struct ThpCompactSizes
{
    public ThpCompactSizes(long anonBytes, long fileBytes, long threads)
    {
        // nr_hpages = anon_size / nr_threads / HPAGESIZE / 2; sizes per thread rounded down to huge pages.
        NrHpages = anonBytes / threads / Units.PageblockSizeBytes / 2;
        AnonPerThreadPages = anonBytes / threads / Units.PageblockSizeBytes * HugeMemory.HpagePmdNr;
        FilePerThreadPages = fileBytes / threads / Units.PageblockSizeBytes * HugeMemory.HpagePmdNr;
    }

    public long NrHpages { get; }

    public long AnonPerThreadPages { get; }

    public long FilePerThreadPages { get; }
}

/// <summary>One worker of thpcompact.c.</summary>
internal sealed class ThpCompactWorker(
    WorkloadContext ctx, WorkloadStats stats, ThpCompactWorkloadConfig config, ThpCompactSizes sizes, CachedFile file, int index, TaskHandle self, Func<Wait?> arrive)
{
    private const int HalfHuge = HugeMemory.HpagePmdNr / 2;

    public IEnumerable<Wait> Run()
    {
        AnonVma? first = sizes.AnonPerThreadPages > 0 ? Map(sizes.AnonPerThreadPages, ThpMode.Madvise) : null;
        AnonVma second = Map((sizes.AnonPerThreadPages / 2) + HugeMemory.HpagePmdNr, config.Madvise ? ThpMode.Madvise : ThpMode.Always);
        bool alive = true;
        if (first is not null)
        {
            yield return Wait.Call(Write(first, 0, first.NrPages));

            alive = !first.FaultOom;
            PunchHoles(first);
        }

        yield return Wait.Call(alive ? ReadFile() : []);

        if (arrive() is Wait wait)
        {
            yield return wait;
        }

        for (long i = 0; alive && i < sizes.NrHpages; i++)
        {
            yield return Wait.Call(FaultHuge(second, i * HugeMemory.HpagePmdNr));

            alive = !second.FaultOom;
        }

        first?.UnmapAll();
        second.UnmapAll();
        stats.AddMetric(ThpCompactWorkload.WorkersDone, 1);
    }

    private AnonVma Map(long pages, ThpMode thp) =>
        ctx.Kernel.Mmap(stats, pages, new AnonVmaFlags(thp, ThpDefrag.Madvise, Locked: false, LongtermPin: false), self.Task.ToString());

    private IEnumerable<Wait> Write(AnonVma vma, long from, long to) =>
        AnonFill.TouchRange(ctx, vma, from, to, new TouchPace(ctx.Sim.Now, config.FaultRate), long.MaxValue, stats);

    // munmap(aligned, HPAGESIZE/2) for every huge page that has a second half after it.
    private static void PunchHoles(AnonVma first)
    {
        for (long start = 0; start + HalfHuge < first.NrPages; start += HugeMemory.HpagePmdNr)
        {
            first.Unmap(start, HalfHuge);
        }
    }

    // Read this worker's slice of the file through a shared mapping, page by page.
    private IEnumerable<Wait> ReadFile()
    {
        PageCache cache = ctx.Kernel.PageCache;
        long offset = sizes.FilePerThreadPages * index;
        var pace = new TouchPace(ctx.Sim.Now, config.FaultRate);
        for (long i = 0; i < sizes.FilePerThreadPages; i++)
        {
            if (!PageCache.TryReadCached(file, offset + i))
            {
                yield return Wait.Call(cache.Read(file, offset + i, stats));
            }

            long nextNs = pace.TimeOf(i + 1);
            if (nextNs > ctx.Sim.Now)
            {
                yield return Wait.For(nextNs - ctx.Sim.Now);
            }
        }
    }

    // second_mapping[arridx] = 1, then memset the rest of the huge page.
    private IEnumerable<Wait> FaultHuge(AnonVma second, long first)
    {
        yield return Wait.Call(second.HandleMmFault(first));
        var result = (FaultResult)ctx.Kernel.Current.Ret;
        if (result == FaultResult.Oom)
        {
            yield break;
        }

        stats.AddMetric(result == FaultResult.Huge ? ThpCompactWorkload.Huge : ThpCompactWorkload.Base, 1);
        yield return Wait.Call(Write(second, first, first + HugeMemory.HpagePmdNr));
    }
}
