using MmSim.Mm.Folio;
using MmSim.Mm.Slab;
using MmSim.Scenario;
using MmSim.Sim;

namespace MmSim.Workloads.Timed;

/// <summary>The <c>slab</c> workload: a cache whose slabs are allocated at a rate and live a lifetime each.</summary>
/// <param name="config">The resolved workload.</param>
/// <param name="stats">Where to count; a preset passes its own.</param>
internal sealed class SlabWorkload(SlabWorkloadConfig config, WorkloadStats? stats = null) : ITimedWorkload, IReclaimableSlab
{
    /// <summary>Metric: slabs not allocated because the cache reached max_bytes.</summary>
    public const string SkippedMaxBytes = "skipped_max_bytes";

    private readonly KmemChurn churn = new(config.Orders, TaskRandom.Poisson(config.Rate), TaskRandom.ToDistribution(config.Lifetime));
    private WorkloadContext? ctx;
    private int cacheId;

    public string Type => config.Type;

    public WorkloadStats Stats { get; } = stats ?? new();

    public void Start(WorkloadContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        this.ctx = ctx;
        if (config.Reclaimable)
        {
            ctx.Kernel.Shrinkers.Register(this);
        }

        TaskHandle self = TaskHandle.Spawn(ctx, config.Reclaimable ? "slab-reclaim" : "slab", Body, kernelThread: true);
        cacheId = ctx!.Kernel.Mappings.Register(new Mapping(MappingKind.Slab, self.Task.ToString())).Id;
    }

    /// <inheritdoc/>
    public long DropSlab() => churn.FreeAll(Free);

    /// <inheritdoc/>
    /// <remarks>Objects are pages: the workload allocates whole slabs and tracks no objects inside them.</remarks>
    public long CountObjects(ShrinkControl sc) => sc.MemcgId == 0 ? churn.Pages : 0;

    /// <inheritdoc/>
    public long ScanObjects(ShrinkControl sc)
    {
        long pages = churn.FreeSome(sc.NrToScan, Free);
        sc.ReclaimedPages += pages;
        return pages;
    }

    // An iterator of its own, so the stream is taken when the task first runs, after Spawn returned.
    private IEnumerable<Wait> Body(TaskHandle self)
    {
        yield return Wait.Call(churn.Run(ctx!, TaskRandom.For(ctx!, self.Task), config.StartNs, Allocate, Free));
    }

    private IEnumerable<Wait> Allocate(int order)
    {
        if (config.MaxBytes is long max && (churn.Pages + (1L << order)) * Units.PageSizeBytes > max)
        {
            Stats.AddMetric(SkippedMaxBytes, 1);
            ctx!.Kernel.Current.Ret = -1;
            return [];
        }

        // The common case needs no coroutine: the fast path serves the slab.
        int pfn = Slub.TryAllocateSlab(ctx!.Alloc, ctx.Kernel, Stats, config.Reclaimable, order, cacheId, out SlabAllocStage resume);
        if (resume == SlabAllocStage.Done)
        {
            ctx.Kernel.Current.Ret = pfn;
            return [];
        }

        return Slub.AllocateSlab(ctx.Alloc, ctx.Kernel, Stats, config.Reclaimable, order, cacheId, resume);
    }

    private void Free(int pfn, int order) => Slub.FreeSlab(ctx!.Alloc, Stats, config.Reclaimable, pfn, order);
}
