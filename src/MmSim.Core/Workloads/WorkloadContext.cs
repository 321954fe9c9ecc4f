using MmSim.Kernel;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;
using MmSim.Sim;

namespace MmSim.Workloads;

/// <summary>
/// What a timed workload (user space) sees of the running system: the kernel it calls into and its
/// own random stream. Tasks receive it when they are created.
/// </summary>
/// <remarks>
/// The runner gives each timed workload its own context: <see cref="Kernel"/> is shared, <see cref="Random"/>
/// is the workload's own stream (split from the run's seed by the workload's position in the
/// scenario), so adding a workload never changes the random numbers another one draws.
/// </remarks>
public sealed class WorkloadContext
{
    /// <summary>Creates the context of one workload.</summary>
    /// <param name="kernel">The booted kernel.</param>
    /// <param name="root">The workload's random stream (it splits per-task streams from it).</param>
    public WorkloadContext(LinuxKernel kernel, Prng root)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentNullException.ThrowIfNull(root);
        Kernel = kernel;
        Random = root;
    }

    /// <summary>The kernel.</summary>
    public LinuxKernel Kernel { get; }

    /// <summary>The engine (clock, tasks, wait queues).</summary>
    public Simulator Sim => Kernel.Sim;

    /// <summary>The page allocator of the node.</summary>
    public PageAllocator Alloc => Kernel.Alloc;

    /// <summary>The workload's random stream (workloads split per-task streams from it).</summary>
    public Prng Random { get; }

    /// <summary>memcg: the cgroup the workload's tasks are charged to (its <c>cgroup</c> field; 0 = root).</summary>
    public ushort MemcgId { get; init; }

    /// <summary>The kernel daemons (kswapd0, kcompactd0, khungtaskd…); null before they start.</summary>
    public KernelDaemons? Daemons => Kernel.Daemons;

    /// <summary>count_vm_events on the node.</summary>
    /// <param name="item">The event.</param>
    /// <param name="delta">Amount, ≥ 0.</param>
    public void CountVmEvents(VmEventItem item, long delta) => Kernel.Node.CountVmEvents(item, delta);

    /// <summary>count_vm_event on the node.</summary>
    /// <param name="item">The event.</param>
    public void CountVmEvent(VmEventItem item) => Kernel.Node.CountVmEvent(item);

    /// <summary>mod_node_page_state on the node.</summary>
    /// <param name="item">The node counter.</param>
    /// <param name="delta">Amount (negative to subtract).</param>
    public void ModNodePageState(NodeStatItem item, long delta) => Kernel.Node.ModNodePageState(item, delta);
}
