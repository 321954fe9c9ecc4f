using System.Runtime.CompilerServices;
using MmSim.Mm.PageAlloc;
using MmSim.Runs;

namespace MmSim.Workloads.Timed;

/// <summary>
/// What the timed workloads of one run share: the page cache (files are named, so two workloads
/// naming a file share its pages) and the reclaimable slab caches that drop_caches shrinks.
/// </summary>
/// <remarks>
/// Kept beside the run rather than in it, so the workloads own their state; one per run, keyed by
/// the run's allocator (each workload gets its own <see cref="RunContext"/>, so the context cannot
/// be the key), created on first use and collected with the run.
/// </remarks>
internal sealed class RunState
{
    private static readonly ConditionalWeakTable<PageAllocator, RunState> States = [];

    private readonly List<IReclaimableSlab> reclaimable = [];

    private RunState(RunContext ctx) => PageCache = new PageCache(ctx, this);

    /// <summary>The page cache of the run.</summary>
    public PageCache PageCache { get; }

    /// <summary>Caches drop_slab shrinks, in registration order.</summary>
    public IReadOnlyList<IReclaimableSlab> Reclaimable => reclaimable;

    /// <summary>The shared state of the run <paramref name="ctx"/> belongs to.</summary>
    public static RunState Of(RunContext ctx) => States.GetValue(ctx.Alloc, _ => new RunState(ctx));

    /// <summary>Registers a cache whose slabs drop_caches frees (a SLAB_RECLAIM_ACCOUNT cache with a shrinker).</summary>
    public void RegisterReclaimable(IReclaimableSlab cache) => reclaimable.Add(cache);
}

/// <summary>A slab cache a shrinker can empty (dentries, inodes, a reclaimable <c>slab</c> workload).</summary>
internal interface IReclaimableSlab
{
    /// <summary>Frees every slab the shrinker can free; returns the pages freed.</summary>
    long DropSlab();
}
