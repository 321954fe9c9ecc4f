using MmSim.Mm.PageAlloc;
using MmSim.Mm.Vmstat;
using MmSim.Sim;

namespace MmSim.Runs;

/// <summary>
/// What a timed workload task sees of the running system: the engine, the allocator, its own
/// random stream and the node's counters. One per run; tasks receive it when they are created.
/// </summary>
public sealed class RunContext
{
    /// <summary>Creates the context of one run.</summary>
    /// <param name="sim">The engine.</param>
    /// <param name="alloc">The booted allocator.</param>
    /// <param name="root">The run's root random stream (workloads split their own from it).</param>
    public RunContext(Simulator sim, PageAllocator alloc, Prng root)
    {
        ArgumentNullException.ThrowIfNull(sim);
        ArgumentNullException.ThrowIfNull(alloc);
        ArgumentNullException.ThrowIfNull(root);
        Sim = sim;
        Alloc = alloc;
        Random = root;
    }

    /// <summary>The engine (clock, tasks, wait queues).</summary>
    public Simulator Sim { get; }

    /// <summary>The page allocator of the node.</summary>
    public PageAllocator Alloc { get; }

    /// <summary>The run's root random stream.</summary>
    public Prng Random { get; }

    /// <summary>Adds to a node or event counter of /proc/vmstat (count_vm_events).</summary>
    /// <param name="item">A node or event item.</param>
    /// <param name="delta">Amount.</param>
    public void CountVmEvents(VmStatItem item, long delta = 1) => Alloc.Node.VmStat[(int)item] += delta;
}
