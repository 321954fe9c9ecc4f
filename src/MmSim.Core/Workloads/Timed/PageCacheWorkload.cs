using MmSim.Mm.Filemap;
using MmSim.Scenario;
using MmSim.Sim;
using SimDistribution = MmSim.Sim.Distribution;

namespace MmSim.Workloads.Timed;

/// <summary>The <c>pagecache</c> workload: a reader task and/or a writer task on a set of files.</summary>
/// <param name="config">The resolved workload.</param>
/// <param name="stats">Where to count; a preset passes its own.</param>
internal sealed class PageCacheWorkload(PageCacheWorkloadConfig config, WorkloadStats? stats = null) : ITimedWorkload
{
    /// <summary>Metric: accesses that found no memory for a new page (-ENOMEM).</summary>
    public const string AccessEnomem = "access_enomem";

    /// <summary>Metric: files deleted (and created again).</summary>
    public const string FilesDeleted = "files_deleted";

    private WorkloadContext? ctx;
    private FileSet? files;

    public string Type => config.Type;

    public WorkloadStats Stats { get; } = stats ?? new();

    public void Start(WorkloadContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        this.ctx = ctx;
        PageCache cache = ctx.Kernel.PageCache;
        var opened = new List<(CachedFile, long)>(config.Files.Count);
        foreach (CachedFileConfig f in config.Files)
        {
            long pages = f.SizeBytes / Units.PageSizeBytes;
            opened.Add((cache.Open(f.Name, pages), pages));
        }

        files = new FileSet(opened);
        if (config.ReadRate is RateSpec read)
        {
            Spawn("pagecache-read", write: false, read);
        }

        if (config.WriteRate is RateSpec write)
        {
            Spawn("pagecache-write", write: true, write);
        }

        if (config.DeleteRate is RateSpec delete)
        {
            TaskHandle.Spawn(ctx, "pagecache-rm", self => Deleter(self, delete));
        }
    }

    private void Spawn(string comm, bool write, RateSpec rate) => TaskHandle.Spawn(ctx!, comm, self => Accessor(self, write, rate));

    // One reader or writer: at Poisson times, one page of the files, by the access pattern.
    private IEnumerable<Wait> Accessor(TaskHandle self, bool write, RateSpec rate)
    {
        WorkloadContext run = ctx!;
        Prng prng = TaskRandom.For(run, self.Task);
        SimDistribution gaps = TaskRandom.Poisson(rate);
        PageCache cache = run.Kernel.PageCache;
        long cursor = 0;
        if (TaskWaits.TrySleepUntil(run.Sim, config.StartNs, out Wait sleep))
        {
            yield return sleep;
        }

        // A read() asks for read_size bytes (cut at the end of its file); a write touches one page.
        long perCall = write ? 1 : config.ReadSizeBytes / Units.PageSizeBytes;
        while (true)
        {
            yield return Wait.Sleep(gaps.Sample(prng));
            long page = config.Pattern == AccessPattern.Random ? (long)prng.NextBelow((ulong)files!.NrPages) : cursor;
            (CachedFile file, long index) = files!.Locate(page);
            long nr = Math.Min(perCall, file.NrPages - index);
            cursor = (page + nr) % files.NrPages;
            if (write ? cache.TryWriteCached(file, index) : cache.TryRead(file, index, nr))
            {
                continue;
            }

            yield return Wait.Call(write ? ctx!.Kernel.Write(file, index, Stats) : ctx!.Kernel.Read(file, index, nr, Stats));
            if (run.Kernel.Current.Ret == 0)
            {
                Stats.AddMetric(AccessEnomem, 1);
            }
        }
    }

    // unlink + creat of a random file at Poisson times.
    private IEnumerable<Wait> Deleter(TaskHandle self, RateSpec rate)
    {
        WorkloadContext run = ctx!;
        Prng prng = TaskRandom.For(run, self.Task);
        SimDistribution gaps = TaskRandom.Poisson(rate);
        PageCache cache = run.Kernel.PageCache;
        if (TaskWaits.TrySleepUntil(run.Sim, config.StartNs, out Wait sleep))
        {
            yield return sleep;
        }

        while (true)
        {
            yield return Wait.Sleep(gaps.Sample(prng));
            CachedFile file = files!.File((int)prng.NextBelow((ulong)files.Count));
            Stats.Frees += cache.Unlink(file);
            Stats.AddMetric(FilesDeleted, 1);
        }
    }
}

/// <summary>
/// Files laid end to end, each with the length this workload declared, so a page number across all
/// of them finds its file by binary search.
/// </summary>
internal sealed class FileSet
{
    private readonly List<(CachedFile File, long NrPages)> files;
    private readonly long[] firstPage;

    // Pages per file when every file has the same size (thpchallenge's many small files), else 0:
    // then the file is a division away, not a binary search (which dominated whole runs).
    private readonly long uniformPages;

    public FileSet(List<(CachedFile File, long NrPages)> files)
    {
        ArgumentOutOfRangeException.ThrowIfZero(files.Count);
        this.files = files;
        firstPage = new long[files.Count];
        long next = 0;
        for (int i = 0; i < files.Count; i++)
        {
            firstPage[i] = next;
            next += files[i].NrPages;
        }

        NrPages = next;
        uniformPages = files.TrueForAll(f => f.NrPages == files[0].NrPages) ? files[0].NrPages : 0;
    }

    /// <summary>Pages of all files.</summary>
    public long NrPages { get; }

    /// <summary>Number of files.</summary>
    public int Count => files.Count;

    /// <summary>File <paramref name="i"/> of the set.</summary>
    public CachedFile File(int i) => files[i].File;

    /// <summary>The file and index of page <paramref name="page"/> of the set.</summary>
    public (CachedFile File, long Index) Locate(long page)
    {
        int i;
        if (uniformPages > 0)
        {
            i = (int)(page / uniformPages);
        }
        else
        {
            // The last file whose first page is at or before the page (every file has a page at
            // least, so the first pages are distinct and ascending).
            i = Array.BinarySearch(firstPage, page);
            if (i < 0)
            {
                i = ~i - 1;
            }
        }

        return (files[i].File, page - firstPage[i]);
    }
}
