using MmSim.Fs;
using MmSim.Fs.Fuse;
using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Filemap;
using MmSim.Mm.Writeback;
using MmSim.Runs;
using MmSim.Scenario;
using MmSim.Sim;
using MmSim.Workloads;
using MmSim.Workloads.Timed;
using static MmSim.Tests.Scenario.TestFiles;

namespace MmSim.Tests.WritebackDesigns.Steps;

/// <summary>
/// A machine (Normal 64 MiB, Movable 32 MiB, 16 MiB blocks) booted under a named design with an ext4 mount and a
/// FUSE mount `fuse0` (writeback cache on) served by a real <see cref="FuseServer"/>, khungtaskd (10 s) and the
/// deadlock detector, one writer `dd` that writes and fsyncs a FUSE file, and steps scripts loaded from YAML.
/// </summary>
internal sealed class StepsRig
{
    public const long Ms = SimTime.NsPerMs;
    public const long Sec = SimTime.NsPerSec;

    /// <summary>Page cache goes to ZONE_MOVABLE first: the writer's folios sit there.</summary>
    public const string Machine = "  memory_block_size: 16MiB\n  zones:\n    - name: Normal\n      size: 64MiB\n    - name: Movable\n      size: 32MiB\n";

    private readonly List<StepsWorkload> scripts = [];

    /// <param name="design">The design's name.</param>
    /// <param name="stallAtNs">When the server stalls for good (−1: healthy).</param>
    /// <param name="serviceNs">Service time of every request.</param>
    /// <param name="tNs">The design's T (wait-timeout and cancel-writeback), or null for its default.</param>
    /// <param name="seed">The seed.</param>
    public StepsRig(string design, long stallAtNs, long serviceNs = 1 * Ms, long? tNs = null, ulong seed = 1)
    {
        ScenarioConfig config = LoadOk($"version: 1\nduration: 60s\nmachine:\n{Machine}kernel:\n  design: {design}\n");
        KernelParams p = KernelFromConfig.Params(config);
        WritebackDesign d = tNs is long t ? p.WritebackDesign with { WaitTimeoutNs = t, CancelAfterNs = t } : p.WritebackDesign;
        p = p with
        {
            Mounts =
            [
                new MountSpec("root", FsType.Ext4, Block.BlockDeviceParams.Default),
                new MountSpec("fuse0", FsType.Fuse, null, StrictLimit: true, Fuse: new FuseMountOptions { WritebackCache = true }),
            ],
            HungTask = new HungTaskSysctl { HungTaskTimeoutSecs = 10, HungTaskCheckIntervalSecs = 1 },
            WritebackDesign = d,
        };
        Kernel = LinuxKernel.Boot(KernelFromConfig.Machine(config.Machine), p, seed);
        Daemons = Kernel.StartDaemons();
        Conn = Kernel.FuseConnection("fuse0")!;
        var ctx = new WorkloadContext(Kernel, new Prng(seed));
        CachedFile backing = Kernel.OpenFile("root", "backing", 4096);
        var service = new DistributionSpec(MmSim.Scenario.DistributionKind.Const, serviceNs, 0, 0);
        var server = new FuseServerWorkloadConfig(
            "fuse0", 1, Percent.FromWhole(0), service, service, service, service, service,
            stallAtNs < 0 ? FuseServerBehaviour.Healthy : FuseServerBehaviour.Stall, 1, stallAtNs, -1, -1, null, 16 * Units.MiB);
        Server = new FuseServer(ctx, Conn, server, backing, new WorkloadStats());
        Server.Start();
    }

    public LinuxKernel Kernel { get; }

    public KernelDaemons Daemons { get; }

    public Simulator Sim => Kernel.Sim;

    public FuseConn Conn { get; }

    public FuseServer Server { get; }

    public PageFrame[] Pages => Kernel.Node.Pages;

    /// <summary>The writer's file (`dd.dat` on `fuse0`) once <see cref="Writer"/> ran.</summary>
    public CachedFile? File { get; private set; }

    /// <summary>Spawns `dd`: writes <paramref name="pages"/> pages of `dd.dat`, then fsyncs (the writeback of every page is sent).</summary>
    public SimTask Writer(long pages)
    {
        CachedFile file = Kernel.OpenFile("fuse0", "dd.dat", pages);
        File = file;
        return Sim.Spawn("dd", Body());

        IEnumerable<Wait> Body()
        {
            var stats = new AllocTally();
            for (long i = 0; i < pages; i++)
            {
                yield return Wait.Call(Kernel.Write(file, i, stats));
            }

            yield return Wait.Call(Kernel.Fsync(file));
        }
    }

    /// <summary>Starts a steps script (YAML list items, each indented six spaces) now.</summary>
    public StepsWorkload Steps(string steps)
    {
        StepsWorkload w = Support.StepsScript.Start(Kernel, Machine, steps);
        scripts.Add(w);
        return w;
    }

    /// <summary>Page indices of `dd.dat` whose folio is under writeback now, ascending.</summary>
    public List<long> StuckIndices()
    {
        var list = new List<long>();
        for (long i = 0; File is not null && i < File.Pfn.Length; i++)
        {
            int pfn = File.Pfn[i];
            if (pfn >= 0 && Pages[pfn].Has(PageFlags.Writeback))
            {
                list.Add(i);
            }
        }

        return list;
    }

    /// <summary>Runs to <paramref name="untilNs"/>, then the deadlock scan and the kernel's invariants.</summary>
    public void RunTo(long untilNs)
    {
        Sim.Run(untilNs);
        Daemons.Deadlocks.ScanAll();
        KernelChecker.Verify(Kernel, $"steps rig at {SimTime.Format(Sim.Now)}");
    }

    /// <summary>The outcomes as summary.json would hold them now.</summary>
    public OutcomesSummary Outcomes() =>
        OutcomesBuilder.From(Kernel, Daemons.Khungtaskd.Reports, Daemons.Deadlocks.Deadlocks, [.. scripts.SelectMany(s => s.Stats.Outcomes)], Sim.Now);

    /// <summary>The one step of <paramref name="action"/> in the outcomes.</summary>
    public static StepOutcomeSummary Step(OutcomesSummary o, string action) => Assert.Single(o.Steps, s => s.Do == action);
}
