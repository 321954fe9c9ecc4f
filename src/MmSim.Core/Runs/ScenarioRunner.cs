using MmSim.Kernel;
using MmSim.Mm.Vmstat;
using System.Diagnostics;
using MmSim.Mm;
using MmSim.Mm.PageAlloc;
using MmSim.Runs.TimeSeries;
using MmSim.Scenario;
using MmSim.Sim;
using MmSim.Workloads;

namespace MmSim.Runs;

/// <summary>
/// Runs one scenario with one seed: boots the machine, runs the untimed allocator workloads (churn,
/// op scripts) in scenario order, then, if the scenario has timed workloads, runs the engine from
/// time 0 to the scenario's duration with the kernel daemons and every timed workload as tasks;
/// samples the time series throughout and optionally checks every invariant as it goes.
/// </summary>
/// <remarks>
/// Untimed workloads have no notion of time; they run to completion one after the other before the
/// engine starts. In a scenario without timed workloads their operations advance a simulated clock of
/// <see cref="NsPerOp"/> each (the time series then has a sample after boot and one at the end); in a
/// scenario with timed workloads they happen before time 0, and time is the engine's.
/// </remarks>
public sealed class ScenarioRunner
{
    /// <summary>Untimed allocator workloads advance the simulated clock by this much per operation.</summary>
    public const long NsPerOp = 1000;

    // Stream of the timed phase, split from the root; far from the small ids of untimed workloads.
    private const ulong TimedPhaseStreamId = 0x74696D6564;  // "timed"

    private readonly ScenarioConfig config;
    private readonly RunOptions options;
    private long opsDone;
    private long opsTotal;
    private Simulator? engine;

    // memcg: the scenario's cgroups by name, created at boot.
    private IReadOnlyDictionary<string, Mm.Memcontrol.MemCgroup> cgroups = new Dictionary<string, Mm.Memcontrol.MemCgroup>();
    private bool hasTimedWorkloads;

    /// <summary>Creates a runner.</summary>
    /// <param name="config">Resolved scenario.</param>
    /// <param name="options">Seed and checks.</param>
    public ScenarioRunner(ScenarioConfig config, RunOptions options)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(options);
        this.config = config;
        this.options = options;
        Seed = options.Seed ?? config.Seed;
    }

    /// <summary>The seed in force.</summary>
    public ulong Seed { get; }

    /// <summary>The booted kernel (after <see cref="Run"/>).</summary>
    public LinuxKernel? Kernel { get; private set; }

    /// <summary>The booted allocator (after <see cref="Run"/>).</summary>
    public PageAllocator? Allocator { get; private set; }

    /// <summary>Allocator operations done so far by untimed workloads.</summary>
    public long OpsDone => opsDone;

    /// <summary>
    /// Simulated time now: the engine's clock while and after it runs; before it, 0 in a scenario with timed
    /// workloads (untimed workloads run before time 0) and <see cref="NsPerOp"/> per operation otherwise.
    /// </summary>
    public long NowNs => engine?.Now ?? (hasTimedWorkloads ? 0 : opsDone * NsPerOp);

    /// <summary>Wall-clock seconds the boot took (memory map, free lists, kernel objects); timing.json only.</summary>
    public double BootWallSeconds { get; private set; }

    /// <summary>Managed heap bytes right after boot (GC.GetTotalMemory without a collection); timing.json only.</summary>
    public long GcHeapBytesAfterBoot { get; private set; }

    /// <summary>Invariant checks performed.</summary>
    public long ChecksRun { get; private set; }

    /// <summary>The samples taken (after <see cref="Run"/>).</summary>
    public TimeSeriesRecorder? TimeSeries { get; private set; }

    /// <summary>The engine phase's outcome; null when the scenario has no timed workload.</summary>
    public TimedRunResult? Timed { get; private set; }

    /// <summary>Boots the machine and runs every workload.</summary>
    /// <param name="trace">Tracepoint sink, or null.</param>
    /// <returns>Per-workload results in scenario order.</returns>
    /// <exception cref="InvalidOperationException">An invariant broke (with the operation number, for replay from the
    /// seed), or a workload type is not runnable.</exception>
    public IReadOnlyList<WorkloadResult> Run(IKmemTrace? trace = null)
    {
        options.Cancel.ThrowIfCancellationRequested(); // interrupted before it began: boot nothing
        ITimedWorkload?[] timed = CreateTimedWorkloads();
        var bootWall = Stopwatch.StartNew();
        LinuxKernel kernel = LinuxKernel.Boot(KernelFromConfig.Machine(config.Machine), KernelFromConfig.Params(config), Seed);
        BootWallSeconds = bootWall.Elapsed.TotalSeconds;
        GcHeapBytesAfterBoot = GC.GetTotalMemory(false);
        PageAllocator alloc = kernel.Alloc;
        alloc.Trace = trace;

        // A sink that prints the kmem events prints the migrate events too (FtraceWriter does both).
        kernel.Migrate.Trace = trace as Mm.Migrate.IMigrateTrace;
        if (trace != null)
        {
            kernel.Cma.Trace = trace as Mm.Cma.ICmaTrace;
            kernel.Isolation.Trace = trace as Mm.PageIsolation.IPageIsolationTrace;
        }

        Kernel = kernel;
        Allocator = alloc;
        cgroups = KernelFromConfig.CreateCgroups(kernel, config.Cgroups ?? CgroupsConfig.None); // memcg
        Check("boot");
        TimeSeries = new TimeSeriesRecorder(alloc, WritebackParams.Sysctl(config)); // writeback: ratios or bytes
        TimeSeries.WatchWriteback(kernel.Fs.Supers.Select(sb => (sb.Name, sb.Bdi.Wb))); // writeback time series
        if (!hasTimedWorkloads)
        {
            TimeSeries.Sample(0);
        }

        var root = new Prng(Seed);
        opsTotal = CountOps();
        var results = new WorkloadResult?[config.Workloads.Count];
        for (int i = 0; i < config.Workloads.Count; i++)
        {
            WorkloadConfig w = config.Workloads[i];
            results[i] = w switch
            {
                ChurnWorkloadConfig churn => RunChurn(alloc, churn, root.Split((ulong)i + 1)),
                OpsWorkloadConfig ops => RunOps(alloc, ops),
                _ => null,
            };
        }

        if (hasTimedWorkloads)
        {
            RunTimed(kernel, timed, root.Split(TimedPhaseStreamId), results);
        }
        else
        {
            TimeSeries.SampleLast(NowNs);
        }

        return Array.ConvertAll(results, r => r!);
    }

    /// <summary>Builds the timed workloads before anything runs, so an unknown type fails at once.</summary>
    private ITimedWorkload?[] CreateTimedWorkloads()
    {
        var timed = new ITimedWorkload?[config.Workloads.Count];
        for (int i = 0; i < timed.Length; i++)
        {
            WorkloadConfig w = config.Workloads[i];
            if (w is ChurnWorkloadConfig or OpsWorkloadConfig)
            {
                continue;
            }

            timed[i] = options.TimedWorkloads(w)
                ?? throw new InvalidOperationException($"workload type '{w.Type}' is not runnable by this version of mmsim");
            hasTimedWorkloads = true;
        }

        return timed;
    }

    /// <summary>The mechanisms the design's switches name, by name from their registries, before anything runs.</summary>
    /// <summary>
    /// The engine phase: daemons, then every timed workload, started at time 0; samples at 0, every
    /// sampling interval and at the end; the deadlock detector's final scan.
    /// </summary>
    private void RunTimed(LinuxKernel kernel, ITimedWorkload?[] timed, Prng stream, WorkloadResult?[] results)
    {
        Simulator sim = kernel.Sim;
        sim.Cancellation = options.Cancel;
        engine = sim;
        KernelDaemons daemons = kernel.StartDaemons();
        for (int i = 0; i < timed.Length; i++)
        {
            timed[i]?.Start(new WorkloadContext(kernel, stream.Split((ulong)i + 1))
            {
                MemcgId = config.Workloads[i].Cgroup is string cg ? cgroups[cg].Id : (ushort)0, // memcg
            });
        }

        TimeSeriesRecorder series = TimeSeries!;
        series.Engine = sim;
        series.Sample(0);
        series.StartTimer(sim, config.SamplingIntervalNs, config.DurationNs);
        if (options.CheckEvery > 0)
        {
            ScheduleChecks(sim);
        }

        var wall = Stopwatch.StartNew();
        RunStopReason stop = sim.Run(config.DurationNs);
        double wallSeconds = wall.Elapsed.TotalSeconds;
        daemons.Deadlocks.ScanAll();
        series.SampleLast(sim.Now);
        Check($"end of run at {SimTime.Format(sim.Now)} (seed {Seed})");
        for (int i = 0; i < timed.Length; i++)
        {
            if (timed[i] is { } w)
            {
                w.Finish(sim.Now); // FUSE server (issue 9): a stall in force at the end counts in stalled_ns
                results[i] = new WorkloadResult(w.Type, w.Stats);
            }
        }

        Timed = new TimedRunResult(sim.Now, stop, sim.EventsProcessed, wallSeconds, daemons);
    }

    // The invariant checker on the engine's clock: at every sampling interval.
    private void ScheduleChecks(Simulator sim)
    {
        Action? check = null;
        check = () =>
        {
            Check($"time {SimTime.Format(sim.Now)} (seed {Seed})");
            sim.Schedule(config.SamplingIntervalNs, check!);
        };
        sim.Schedule(config.SamplingIntervalNs, check);
    }

    private long CountOps()
    {
        long total = 0;
        foreach (WorkloadConfig w in config.Workloads)
        {
            total += w switch
            {
                ChurnWorkloadConfig c => c.Ops,
                OpsWorkloadConfig o => o.Script.Entries.Count,
                _ => 0,
            };
        }

        return total;
    }

    private WorkloadResult RunChurn(PageAllocator alloc, ChurnWorkloadConfig c, Prng stream)
    {
        var orders = new List<(int, long)>();
        foreach (OrderWeight o in c.Orders)
        {
            orders.Add((o.Order, o.Weight));
        }

        var gfps = new List<(GfpFlags, long)>();
        foreach (GfpWeight g in c.Gfp)
        {
            gfps.Add(((GfpFlags)g.Mask, g.Weight));
        }

        var churn = new ChurnWorkload(alloc, stream, c.Fill.BasisPoints, orders, gfps, Kernel);
        for (long i = 0; i < c.Ops; i++)
        {
            churn.Step();
            AfterOp("churn", i);
        }

        return new WorkloadResult(c.Type, churn.Stats);
    }

    private WorkloadResult RunOps(PageAllocator alloc, OpsWorkloadConfig o)
    {
        var replay = new OpScriptReplay(alloc, o.Script, Kernel);

        // Built once: AfterOp only reads it when the checker runs, and a string per entry was the loop's main allocation.
        string what = $"op script {o.File}, entry";
        for (long i = 0; !replay.Done; i++)
        {
            replay.Step();
            AfterOp(what, i);
        }

        return new WorkloadResult(o.Type, replay.Stats);
    }

    private void AfterOp(string what, long index)
    {
        opsDone++;

        // The vmstat worker runs refresh_cpu_vm_stats → decay_pcp_high once a second; without
        // it pcp->high only grows and thousands of free pages stay hidden on the pcp lists.
        if (opsDone % (SimTime.NsPerSec / NsPerOp) == 0)
        {
            VmstatWorker.RefreshCpuVmStats(Allocator!);
        }

        if (options.CheckEvery > 0 && opsDone % options.CheckEvery == 0)
        {
            Check($"operation {opsDone} ({what} {index + 1}, seed {Seed})");
        }

        if ((opsDone & 0xFFF) == 0)
        {
            options.Cancel.ThrowIfCancellationRequested();
            if ((opsDone & 0xFFFF) == 0)
            {
                options.Progress?.Invoke(opsDone, opsTotal);
            }
        }
    }

    private void Check(string context)
    {
        if (options.CheckEvery > 0)
        {
            ChecksRun++;
            KernelChecker.Verify(Kernel!, context);
        }
    }
}
