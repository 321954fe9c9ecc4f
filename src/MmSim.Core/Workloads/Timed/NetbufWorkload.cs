using MmSim.Workloads;
using MmSim.Mm;
using MmSim.Runs;
using MmSim.Scenario;
using MmSim.Sim;

namespace MmSim.Workloads.Timed;

/// <summary>The <c>netbuf</c> workload: receive and transmit buffers allocated at a rate, each freed after its lifetime.</summary>
/// <param name="config">The resolved workload.</param>
/// <param name="stats">Where to count; a preset passes its own.</param>
internal sealed class NetbufWorkload(NetbufWorkloadConfig config, WorkloadStats? stats = null) : ITimedWorkload
{
    private readonly KmemChurn churn = new(config.Orders, TaskRandom.Poisson(config.Rate), TaskRandom.ToDistribution(config.Lifetime));
    private readonly Ratio rxShare = new(config.RxShare.BasisPoints, Percent.BasisPointsPerWhole);
    private WorkloadContext? ctx;
    private Prng? prng;

    public string Type => config.Type;

    public WorkloadStats Stats { get; } = stats ?? new();

    public void Start(WorkloadContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        this.ctx = ctx;
        TaskHandle.Spawn(ctx, config.Type, Body, kernelThread: true);
    }

    // An iterator of its own, so the stream is taken when the task first runs, after Spawn returned.
    private IEnumerable<Wait> Body(TaskHandle self)
    {
        prng = TaskRandom.For(ctx!, self.Task);
        foreach (Wait w in churn.Run(ctx!, prng, config.StartNs, Allocate, Free))
        {
            yield return w;
        }
    }

    // Receive runs in softirq (GFP_ATOMIC), transmit in process context (GFP_KERNEL).
    private (int Pfn, int Order) Allocate(int order)
    {
        GfpFlags gfp = prng!.Chance(rxShare) ? GfpFlags.Atomic : GfpFlags.Kernel;
        if (order == PageFrag.CacheMaxOrder)
        {
            return PageFrag.Refill(ctx!, Stats, gfp);
        }

        // kmalloc_large: alloc_pages(flags | __GFP_COMP, order).
        GfpFlags flags = order > 0 ? gfp | GfpFlags.Comp : gfp;
        int pfn = ctx!.Alloc.AllocPages(flags, order, OwnerKind.NetBuf, 0);
        Stats.CountAlloc(order, pfn < 0);
        return (pfn, order);
    }

    private void Free(int pfn, int order)
    {
        ctx!.Alloc.FreePages(pfn, order);
        Stats.Frees++;
    }
}

/// <summary>mm/page_frag_cache.c: the page a page_frag cache carves network buffers from.</summary>
internal static class PageFrag
{
    /// <summary>PAGE_FRAG_CACHE_MAX_ORDER on 4 KiB pages (32 KiB).</summary>
    public const int CacheMaxOrder = 3;

    /// <summary>__page_frag_cache_refill: order 3 without direct reclaim and easy to fail, else order 0.</summary>
    /// <returns>The page and its order, or pfn -1.</returns>
    public static (int Pfn, int Order) Refill(WorkloadContext ctx, WorkloadStats stats, GfpFlags gfp)
    {
        GfpFlags high = (gfp & ~GfpFlags.DirectReclaim) | GfpFlags.Comp | GfpFlags.NoWarn | GfpFlags.NoRetry | GfpFlags.NoMemAlloc;
        int pfn = ctx.Alloc.AllocPages(high, CacheMaxOrder, OwnerKind.NetBuf, 0);
        stats.CountAlloc(CacheMaxOrder, pfn < 0);
        if (pfn >= 0)
        {
            return (pfn, CacheMaxOrder);
        }

        pfn = ctx.Alloc.AllocPages(gfp, 0, OwnerKind.NetBuf, 0);
        stats.CountAlloc(0, pfn < 0);
        return (pfn, 0);
    }
}
