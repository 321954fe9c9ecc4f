using System.Diagnostics;
using MmSim.Mm.PageAlloc;
using MmSim.Sim;

namespace MmSim.Mm.Vmstat;

/// <summary>
/// The vmstat worker: every <c>sysctl_stat_interval</c> (1 s) it folds the per-cpu counters and lets
/// each zone's pcp->high decay towards high_min, draining what lies above it.
/// </summary>
/// <remarks>
/// mm/vmstat.c: vmstat_update → refresh_cpu_vm_stats(true) → decay_pcp_high, re-armed by itself and
/// by vmstat_shepherd. The kernel runs it as deferrable delayed work in a kworker; mmsim runs it as a
/// timer callback (no task), at whole seconds, because mmsim's counters are exact and only the decay
/// has an effect. Without it pcp->high only grows and thousands of free pages stay hidden on the lists.
/// </remarks>
public sealed class VmstatWorker
{
    /// <summary>sysctl_stat_interval: HZ, one second.</summary>
    public const long StatIntervalNs = SimTime.NsPerSec;

    private readonly PageAllocator alloc;
    private readonly Action tick;
    private Simulator? sim;

    /// <summary>Creates the worker for the allocator's node.</summary>
    /// <param name="alloc">The node's allocator.</param>
    public VmstatWorker(PageAllocator alloc)
    {
        ArgumentNullException.ThrowIfNull(alloc);
        this.alloc = alloc;
        tick = VmstatUpdate;
    }

    /// <summary>Runs done so far.</summary>
    public long Runs { get; private set; }

    /// <summary>Arms the first run one interval from now (start_shepherd_timer / vmstat_update scheduling).</summary>
    /// <param name="simulator">The engine.</param>
    /// <exception cref="InvalidOperationException">Already started.</exception>
    public void Start(Simulator simulator)
    {
        ArgumentNullException.ThrowIfNull(simulator);
        if (sim is not null)
        {
            throw new InvalidOperationException("The vmstat worker is already running.");
        }

        sim = simulator;
        simulator.Schedule(StatIntervalNs, tick);
    }

    /// <summary>One run: decay_pcp_high on every populated zone, then re-arm (mm/vmstat.c: vmstat_update).</summary>
    private void VmstatUpdate()
    {
        Debug.Assert(sim is not null, "started");
        Runs++;
        RefreshCpuVmStats(alloc);
        sim.Schedule(StatIntervalNs, tick);
    }

    /// <summary>refresh_cpu_vm_stats(do_pagesets = true) for the one simulated CPU: decay every populated zone's pcp high.</summary>
    /// <param name="allocator">The node's allocator.</param>
    /// <remarks>Also what untimed workloads call once per simulated second. Cost: O(zones) plus the pages drained.</remarks>
    public static void RefreshCpuVmStats(PageAllocator allocator)
    {
        ArgumentNullException.ThrowIfNull(allocator);
        foreach (Zone zone in allocator.Node.Zones)
        {
            if (zone.IsPopulated)
            {
                allocator.DecayPcpHigh(zone);
            }
        }
    }
}
