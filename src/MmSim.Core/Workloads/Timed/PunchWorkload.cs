using System.Globalization;
using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Filemap;
using MmSim.Mm.PageAlloc;
using MmSim.Scenario;
using MmSim.Sim;

namespace MmSim.Workloads.Timed;

/// <summary>The <c>punch</c> preset: tmpfs files written chunk by chunk, every other chunk punched out, then compact_memory.</summary>
/// <param name="config">The resolved preset.</param>
internal sealed class PunchWorkload(PunchWorkloadConfig config) : ITimedWorkload
{
    /// <summary>Metric: pages written into tmpfs.</summary>
    public const string FilledPages = "filled_pages";

    /// <summary>Metric: pages freed by the holes.</summary>
    public const string PunchedPages = "punched_pages";

    /// <summary>Metric: tmpfs files written.</summary>
    public const string Files = "files";

    /// <summary>Metric: simulated time compact_memory took, ns.</summary>
    public const string CompactNs = "compact_ns";

    private static readonly string[] BeforeNames = Names("before");
    private static readonly string[] AfterNames = Names("after");

    private WorkloadContext? ctx;

    public string Type => config.Type;

    public WorkloadStats Stats { get; } = new();

    /// <summary>Metric name of the free blocks of <paramref name="order"/> before (true) or after compaction.</summary>
    /// <param name="order">Order 0..10.</param>
    /// <param name="before">Before compaction.</param>
    /// <returns>e.g. <c>free_o9_before</c>.</returns>
    public static string FreeMetric(int order, bool before) => (before ? BeforeNames : AfterNames)[order];

    public void Start(WorkloadContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        this.ctx = ctx;
        TaskHandle.Spawn(ctx, config.Type, Body);
    }

    private static string[] Names(string when)
    {
        var names = new string[MmConstants.NrPageOrders];
        for (int o = 0; o < names.Length; o++)
        {
            names[o] = string.Create(CultureInfo.InvariantCulture, $"free_o{o}_{when}");
        }

        return names;
    }

    private IEnumerable<Wait> Body(TaskHandle self)
    {
        WorkloadContext run = ctx!;
        LinuxKernel kernel = run.Kernel;
        if (TaskWaits.TrySleepUntil(run.Sim, config.AtNs, out Wait sleep))
        {
            yield return sleep;
        }

        var files = new List<CachedFile>();
        yield return Wait.Call(Fill(run, files, self.Task.Pid));
        yield return Wait.Call(PunchEveryOtherChunk(run, files));
        RecordFreeBlocks(run.Alloc, before: true);
        if (config.Compact)
        {
            if (TaskWaits.TrySleepUntil(run.Sim, TaskRandom.After(run.Sim.Now, config.CompactAfterNs), out Wait pause))
            {
                yield return pause;
            }

            long start = run.Sim.Now;
            yield return Wait.Call(kernel.CompactMemory());
            Stats.SetMetric(CompactNs, run.Sim.Now - start);
            RecordFreeBlocks(run.Alloc, before: false);
        }

        // The files stay until the run ends (tmpfs keeps them).
        yield return TaskWaits.Pause(config.Type, self.Task.Pid);
    }

    // Writes files of file_size page by page until fill of managed memory is written or a write fails.
    private IEnumerable<Wait> Fill(WorkloadContext run, List<CachedFile> files, int pid)
    {
        PageCache cache = run.Kernel.PageCache;
        TaskContext current = run.Kernel.Current;
        long target = config.Fill.Of(run.Alloc.Node.ManagedPages);
        long filePages = config.FileBytes / Units.PageSizeBytes;
        long written = 0;
        while (written < target)
        {
            CachedFile file = cache.OpenShmem(string.Create(CultureInfo.InvariantCulture, $"punch-{pid}-{files.Count}"), filePages);
            files.Add(file);
            for (long i = 0; i < filePages && written < target; i++)
            {
                yield return Wait.Call(cache.ShmemWrite(file, i, Stats));
                if (current.Ret == 0)
                {
                    Stats.SetMetric(FilledPages, written);
                    Stats.SetMetric(Files, files.Count);
                    yield break;
                }

                written++;
            }
        }

        Stats.SetMetric(FilledPages, written);
        Stats.SetMetric(Files, files.Count);
    }

    // fallocate(PUNCH_HOLE) of chunks 1, 3, 5 … counted across the files in the order written.
    private IEnumerable<Wait> PunchEveryOtherChunk(WorkloadContext run, List<CachedFile> files)
    {
        PageCache cache = run.Kernel.PageCache;
        TaskContext current = run.Kernel.Current;
        long chunkPages = config.ChunkBytes / Units.PageSizeBytes;
        long chunk = 0;
        long punched = 0;
        foreach (CachedFile file in files)
        {
            for (long start = 0; start < file.NrPages; start += chunkPages, chunk++)
            {
                if ((chunk & 1) == 0)
                {
                    continue;
                }

                yield return Wait.Call(cache.ShmemPunchHole(file, start, chunkPages, run.Kernel.FolioWait));
                punched += current.Ret;
            }
        }

        Stats.Frees += punched;
        Stats.SetMetric(PunchedPages, punched);
    }

    // /proc/buddyinfo summed over the zones: free blocks per order on the buddy lists.
    private void RecordFreeBlocks(PageAllocator alloc, bool before)
    {
        for (int o = 0; o < MmConstants.NrPageOrders; o++)
        {
            long n = 0;
            foreach (Zone z in alloc.Node.Zones)
            {
                n += z.NrFree[o];
            }

            Stats.SetMetric(FreeMetric(o, before), n);
        }
    }
}
