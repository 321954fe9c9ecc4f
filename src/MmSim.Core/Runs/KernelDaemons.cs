using MmSim.Mm.Compaction;
using MmSim.Mm.Compaction.Impl;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Vmscan;
using MmSim.Mm.Vmscan.Impl;
using MmSim.Mm.Vmstat;
using MmSim.Scenario;
using MmSim.Sim;

namespace MmSim.Runs;

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
    /// <param name="config">The resolved scenario (sysctls, release).</param>
    /// <param name="reclaim">Reclaim mechanism; null for none yet.</param>
    /// <param name="compact">Compaction mechanism; null for none yet.</param>
    /// <returns>The daemons.</returns>
    public static KernelDaemons Start(Simulator sim, PageAllocator alloc, ScenarioConfig config, IReclaim? reclaim = null, ICompact? compact = null)
    {
        ArgumentNullException.ThrowIfNull(sim);
        ArgumentNullException.ThrowIfNull(alloc);
        ArgumentNullException.ThrowIfNull(config);
        SysctlConfig s = config.Sysctl;
        var hung = new HungTaskDetector(sim, new HungTaskSysctl
        {
            HungTaskTimeoutSecs = s.HungTaskTimeoutSecs,
            HungTaskCheckIntervalSecs = s.HungTaskCheckIntervalSecs,
            HungTaskWarnings = s.HungTaskWarnings,
        });
        var deadlocks = new DeadlockDetector(sim);
        var kcompactd = new Kcompactd(alloc, compact ?? NoCompaction.Instance, CompactionSysctl(config));
        kcompactd.Start(sim);
        var kswapd = new Kswapd(alloc, reclaim ?? NoReclaim.Instance, kcompactd);
        kcompactd.KswapdTask = kswapd.Start(sim);
        var vmstat = new VmstatWorker(alloc);
        vmstat.Start(sim);
        return new KernelDaemons(kswapd, kcompactd, vmstat, hung, deadlocks);
    }

    /// <summary>The compaction sysctls of a scenario.</summary>
    /// <param name="config">The resolved scenario.</param>
    /// <returns>kcompactd's settings.</returns>
    public static CompactionSysctl CompactionSysctl(ScenarioConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new CompactionSysctl
        {
            CompactionProactiveness = config.Sysctl.CompactionProactiveness,
            ExtfragThreshold = config.Sysctl.ExtfragThreshold,
            DefragMode = config.Sysctl.DefragMode != 0,
            ProactiveWmarksBefore616 = KernelFromConfig.IsBefore(config.Kernel.Release, 6, 16),
        };
    }
}
