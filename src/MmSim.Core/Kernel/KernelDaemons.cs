using MmSim.Mm.Compaction;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Vmscan;
using MmSim.Mm.Vmstat;
using MmSim.Sim;

namespace MmSim.Kernel;

/// <summary>
/// The kernel's background machinery of a timed run: khungtaskd and the deadlock detector, kcompactd0,
/// kswapd0 and the vmstat worker, configured from the scenario's sysctls.
/// </summary>
/// <remarks>
/// Spawned in the kernel's initcall order (kernel/ before mm/ at subsys level, kswapd at module level):
/// khungtaskd, kcompactd0, kswapd0. The deadlock detector is not a thread: it checks every task that
/// goes to sleep without a timeout.
/// </remarks>
public sealed class KernelDaemons
{
    private KernelDaemons(Kswapd kswapd, Kcompactd kcompactd, VmstatWorker vmstat, HungTaskDetector khungtaskd, DeadlockDetector deadlocks)
    {
        Kswapd = kswapd;
        Kcompactd = kcompactd;
        VmstatWorker = vmstat;
        Khungtaskd = khungtaskd;
        Deadlocks = deadlocks;
    }

    /// <summary>kswapd0.</summary>
    public Kswapd Kswapd { get; }

    /// <summary>kcompactd0.</summary>
    public Kcompactd Kcompactd { get; }

    /// <summary>The vmstat worker (pcp high decay).</summary>
    public VmstatWorker VmstatWorker { get; }

    /// <summary>khungtaskd.</summary>
    public HungTaskDetector Khungtaskd { get; }

    /// <summary>The wait-for cycle detector.</summary>
    public DeadlockDetector Deadlocks { get; }

    /// <summary>Starts every daemon on <paramref name="sim"/> and wires the allocator's kswapd wake-ups.</summary>
    /// <param name="sim">The engine, at time 0.</param>
    /// <param name="alloc">The node's allocator.</param>
    /// <param name="sysctl">The kernel's parameters (hung-task and compaction sysctls, mechanisms).</param>
    /// <param name="compact">The kernel's compaction mechanism (created from <see cref="KernelParams.Compact"/>).</param>
    /// <param name="reclaim">The kernel's reclaim mechanism (created from <see cref="KernelParams.Reclaim"/>).</param>
    /// <returns>The daemons.</returns>
    public static KernelDaemons Start(Simulator sim, PageAllocator alloc, KernelParams sysctl, ICompact compact, IReclaim reclaim)
    {
        ArgumentNullException.ThrowIfNull(sim);
        ArgumentNullException.ThrowIfNull(alloc);
        ArgumentNullException.ThrowIfNull(sysctl);
        var hung = new HungTaskDetector(sim, sysctl.HungTask);
        var deadlocks = new DeadlockDetector(sim);
        var kcompactd = new Kcompactd(alloc, compact, sysctl.Compaction);
        kcompactd.Start(sim);
        var kswapd = new Kswapd(alloc, reclaim, kcompactd);
        kcompactd.KswapdTask = kswapd.Start(sim);
        var vmstat = new VmstatWorker(alloc);
        vmstat.Start(sim);
        return new KernelDaemons(kswapd, kcompactd, vmstat, hung, deadlocks);
    }
}
