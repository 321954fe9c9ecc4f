using MmSim.Mm;
using MmSim.Mm.DebugVm;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Trace;
using MmSim.Scenario;
using MmSim.Sim;
using MmSim.Workloads;

namespace MmSim.Runs;

/// <summary>
/// Runs one scenario with one seed: boots the machine, runs the allocator workloads in the order
/// given, optionally checking every invariant as it goes.
/// </summary>
/// <remarks>
/// The allocator workloads (churn, op scripts) have no notion of time; they run to completion one
/// after the other. Time-driven workloads run on the engine (<see cref="Simulator"/>).
/// </remarks>
public sealed class ScenarioRunner
{
    private readonly ScenarioConfig config;
    private readonly RunOptions options;
    private long opsDone;
    private long opsTotal;

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

    /// <summary>The booted allocator (after <see cref="Run"/>).</summary>
    public PageAllocator? Allocator { get; private set; }

    /// <summary>Allocator operations done so far.</summary>
    public long OpsDone => opsDone;

    /// <summary>Simulated time of untimed workloads: <see cref="NsPerOp"/> per operation.</summary>
    public long NowNs => opsDone * NsPerOp;

    /// <summary>Invariant checks performed.</summary>
    public long ChecksRun { get; private set; }

    /// <summary>Boots the machine and runs every workload.</summary>
    /// <param name="trace">Tracepoint sink, or null.</param>
    /// <returns>Per-workload results in scenario order.</returns>
    /// <exception cref="InvalidOperationException">An invariant broke (with the operation number, for replay from the seed).</exception>
    public IReadOnlyList<WorkloadResult> Run(IKmemTrace? trace = null)
    {
        PageAllocator alloc = MmInit.Boot(KernelFromConfig.Machine(config.Machine), KernelFromConfig.Options(config));
        alloc.Trace = trace;
        Allocator = alloc;
        Check("boot");
        var root = new Prng(Seed);
        opsTotal = CountOps();
        var results = new List<WorkloadResult>();
        for (int i = 0; i < config.Workloads.Count; i++)
        {
            WorkloadConfig w = config.Workloads[i];
            Prng stream = root.Split((ulong)i + 1);
            results.Add(w switch
            {
                ChurnWorkloadConfig churn => RunChurn(alloc, churn, stream),
                OpsWorkloadConfig ops => RunOps(alloc, ops),
                _ => throw new InvalidOperationException($"workload type '{w.Type}' is not runnable by this version of mmsim"),
            });
        }

        return results;
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

        var churn = new ChurnWorkload(alloc, stream, c.Fill.BasisPoints, orders, gfps);
        for (long i = 0; i < c.Ops; i++)
        {
            churn.Step();
            AfterOp("churn", i);
        }

        return new WorkloadResult(c.Type, churn.Stats);
    }

    private WorkloadResult RunOps(PageAllocator alloc, OpsWorkloadConfig o)
    {
        var replay = new OpScriptReplay(alloc, o.Script);
        for (long i = 0; !replay.Done; i++)
        {
            replay.Step();
            AfterOp($"op script {o.File}, entry", i);
        }

        return new WorkloadResult(o.Type, replay.Stats);
    }

    /// <summary>Untimed allocator workloads advance the simulated clock by this much per operation.</summary>
    public const long NsPerOp = 1000;

    private void AfterOp(string what, long index)
    {
        opsDone++;

        // The vmstat worker runs refresh_cpu_vm_stats → decay_pcp_high once a second; without
        // it pcp->high only grows and thousands of free pages stay hidden on the pcp lists.
        if (opsDone % (Sim.SimTime.NsPerSec / NsPerOp) == 0)
        {
            foreach (Mm.PageAlloc.Zone zone in Allocator!.Node.Zones)
            {
                Allocator.DecayPcpHigh(zone);
            }
        }

        if (options.CheckEvery > 0 && opsDone % options.CheckEvery == 0)
        {
            Check($"operation {opsDone} ({what} {index + 1}, seed {Seed})");
        }

        if ((opsDone & 0xFFFF) == 0)
        {
            options.Progress?.Invoke(opsDone, opsTotal);
        }
    }

    private void Check(string context)
    {
        if (options.CheckEvery > 0)
        {
            ChecksRun++;
            FreeAreaChecker.Verify(Allocator!, context);
        }
    }
}
