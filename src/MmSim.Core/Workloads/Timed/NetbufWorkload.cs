using MmSim.Mm.Slab;
using MmSim.Mm.PageFragCache;
using MmSim.Mm;
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
        yield return Wait.Call(churn.Run(ctx!, prng, config.StartNs, Allocate, Free));
    }

    // Receive runs in softirq (GFP_ATOMIC), transmit in process context (GFP_KERNEL).
    private IEnumerable<Wait> Allocate(int order)
    {
        GfpFlags gfp = prng!.Chance(rxShare) ? GfpFlags.Atomic : GfpFlags.Kernel;
        return order == PageFrag.CacheMaxOrder
            ? PageFrag.Refill(ctx!.Kernel, Stats, gfp)
            : Slub.KmallocLarge(ctx!.Kernel, Stats, gfp, order, OwnerKind.NetBuf);
    }

    private void Free(int pfn, int order)
    {
        ctx!.Alloc.FreePages(pfn, order);
        Stats.Frees++;
    }
}
