using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;
using MmSim.Mm.Vmstat;
using MmSim.Runs;
using MmSim.Scenario;
using MmSim.Sim;
using MmSim.Workloads;
using MmSim.Workloads.Timed;

namespace MmSim.Tests.Workloads;

/// <summary>
/// Drives timed workloads the way an engine-driven run will: load a scenario, boot its machine,
/// start every timed workload on a fresh simulator at time 0, and run to a time.
/// </summary>
internal sealed class TimedHarness
{
    private TimedHarness(ScenarioConfig config, ulong seed)
    {
        Config = config;
        Kernel = LinuxKernel.Boot(KernelFromConfig.Machine(config.Machine), KernelFromConfig.Params(config), seed);
        Alloc = Kernel.Alloc;
        Sim = Kernel.Sim;
        Ctx = new WorkloadContext(Kernel, new Prng(seed));
        foreach (WorkloadConfig w in config.Workloads)
        {
            if (TimedWorkloads.Create(w) is ITimedWorkload timed)
            {
                Workloads.Add(timed);
            }
        }
    }

    public ScenarioConfig Config { get; }

    public LinuxKernel Kernel { get; }

    public PageAllocator Alloc { get; }

    public Simulator Sim { get; }

    public WorkloadContext Ctx { get; }

    public List<ITimedWorkload> Workloads { get; } = [];

    /// <summary>A machine of DMA 16MiB + DMA32 with the rest (up to 4 GiB), as small x86-64 boxes have.</summary>
    public static string Machine(string size = "1GiB") =>
        $"version: 1\nmachine:\n  zones:\n    - name: DMA\n      size: 16MiB\n      reserved: 1MiB\n    - name: DMA32\n      size: {size}\n";

    /// <summary>A machine whose only managed zone is Normal (no DMA zone keeping its reserve in whole blocks).</summary>
    public static string NormalMachine(string size = "1GiB", string cma = "") =>
        $"version: 1\nmachine:\n  zones:\n    - name: Normal\n      size: {size}\n{cma}";

    public static TimedHarness Start(string yaml, ulong seed = 1, IKmemTraceFactory? trace = null)
    {
        var h = new TimedHarness(Scenario.TestFiles.LoadOk(yaml), seed);
        h.Alloc.Trace = trace?.Create(h.Sim);
        foreach (ITimedWorkload w in h.Workloads)
        {
            w.Start(h.Ctx);
        }

        return h;
    }

    public RunStopReason RunUntil(long ns) => Sim.Run(ns);

    public void Verify(string context) => KernelChecker.Verify(Kernel, context);

    // The counters as /proc/vmstat prints them (THP items in huge pages, pgpgin in KiB).
    public long VmStat(NodeStatItem item) => ProcVmstat.Snapshot(Alloc.Node)[VmstatText.Index(item)];

    public long VmStat(VmEventItem item) => ProcVmstat.Snapshot(Alloc.Node)[VmstatText.Index(item)];

    public long FreePages => Alloc.Node.GlobalZonePageState(ZoneStatItem.NrFreePages);

    public long ManagedPages => Alloc.Node.ManagedPages;

    /// <summary>Free buddy blocks of at least <paramref name="order"/>, in the given zones (all when none given).</summary>
    public long FreeBlocksAtLeast(int order, params ZoneType[] zones)
    {
        long n = 0;
        foreach (Zone z in Alloc.Node.Zones)
        {
            if (zones.Length > 0 && Array.IndexOf(zones, z.Type) < 0)
            {
                continue;
            }

            for (int o = order; o < MmConstants.NrPageOrders; o++)
            {
                n += z.NrFree[o];
            }
        }

        return n;
    }
}

/// <summary>Makes a tracepoint sink that can read the simulated clock.</summary>
internal interface IKmemTraceFactory
{
    Mm.PageAlloc.IKmemTrace Create(Simulator sim);
}

/// <summary>One allocator event as a test sees it: when, what, and (for allocations) with which flags.</summary>
internal readonly record struct AllocEvent(long TimeNs, bool Free, int Pfn, int Order, GfpFlags Gfp);

/// <summary>Records every allocation and free with the simulated time.</summary>
internal sealed class AllocRecorder : IKmemTraceFactory
{
    public List<AllocEvent> Events { get; } = [];

    public Mm.PageAlloc.IKmemTrace Create(Simulator sim) => new Sink(sim, Events);

    private sealed class Sink(Simulator sim, List<AllocEvent> events) : Mm.PageAlloc.IKmemTrace
    {
        public void MmPageAlloc(int pfn, int order, GfpFlags gfp, MigrateType migratetype) => events.Add(new AllocEvent(sim.Now, false, pfn, order, gfp));

        public void MmPageFree(int pfn, int order) => events.Add(new AllocEvent(sim.Now, true, pfn, order, 0));

        public void MmPageAllocExtfrag(int pfn, int allocOrder, int fallbackOrder, MigrateType allocMigratetype, MigrateType fallbackMigratetype, bool changeOwnership)
        {
        }

        public void MmPageAllocZoneLocked(int pfn, int order, MigrateType migratetype, bool percpuRefill)
        {
        }

        public void MmPagePcpuDrain(int pfn, int order, MigrateType migratetype)
        {
        }
    }
}
