using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;
using MmSim.Sim;

namespace MmSim.Runs;

/// <summary>
/// What a timed workload task sees of the running system: the engine, the allocator, its own
/// random stream and the node's counters. Tasks receive it when they are created.
/// </summary>
/// <remarks>
/// The runner gives each timed workload its own context: <see cref="Sim"/>, <see cref="Alloc"/> and
/// <see cref="Daemons"/> are shared, <see cref="Random"/> is the workload's own stream (split from the
/// run's seed by the workload's position in the scenario), so adding a workload never changes the
/// random numbers another one draws.
/// </remarks>
public sealed class RunContext
{
    /// <summary>Creates the context of one run.</summary>
    /// <param name="sim">The engine.</param>
    /// <param name="alloc">The booted allocator.</param>
    /// <param name="root">The workload's random stream (it splits per-task streams from it).</param>
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

    /// <summary>The workload's random stream (workloads split per-task streams from it).</summary>
    public Prng Random { get; }

    /// <summary>The kernel daemons of the run (kswapd0, kcompactd0, khungtaskd…); null outside a scenario run.</summary>
    public KernelDaemons? Daemons { get; init; }

    /// <summary>count_vm_events on the node.</summary>
    /// <param name="item">The event.</param>
    /// <param name="delta">Amount, ≥ 0.</param>
    public void CountVmEvents(VmEventItem item, long delta) => Alloc.Node.CountVmEvents(item, delta);

    /// <summary>count_vm_event on the node.</summary>
    /// <param name="item">The event.</param>
    public void CountVmEvent(VmEventItem item) => Alloc.Node.CountVmEvent(item);

    /// <summary>mod_node_page_state on the node.</summary>
    /// <param name="item">The node counter.</param>
    /// <param name="delta">Amount (negative to subtract).</param>
    public void ModNodePageState(NodeStatItem item, long delta) => Alloc.Node.ModNodePageState(item, delta);
}
