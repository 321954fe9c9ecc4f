using MmSim.Fs;
using MmSim.Fs.Fuse;
using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Filemap;
using MmSim.Runs;
using MmSim.Scenario;
using MmSim.Sim;
using MmSim.Workloads;
using MmSim.Workloads.Timed;
using static MmSim.Tests.Scenario.TestFiles;

namespace MmSim.Tests.Fuse.Outcomes;

/// <summary>
/// A small machine booted from a scenario (machine, kernel design) with an ext4 mount and a FUSE mount `fuse0`
/// served by a real <see cref="FuseServer"/>, the kernel daemons (khungtaskd with a short timeout, the deadlock
/// detector, kswapd, kcompactd), writers, and steps scripts loaded from YAML and started when the test asks.
/// </summary>
internal sealed class OutcomeRig
{
    public const long Ms = SimTime.NsPerMs;
    public const long Sec = SimTime.NsPerSec;

    private readonly List<StepsWorkload> scripts = [];

    /// <param name="design">The writeback design.</param>
    /// <param name="server">The server.</param>
    /// <param name="fuse">The FUSE mount's options (writeback cache on by default).</param>
    /// <param name="machine">The `machine:` section (YAML, indented two spaces).</param>
    /// <param name="cgroupV1">Boot with cgroup v1 (else v2).</param>
    /// <param name="serverCgroup">A memcg for the server's threads, or null (root).</param>
    /// <param name="seed">The seed.</param>
    /// <param name="hungTaskSecs">hung_task_timeout_secs.</param>
    /// <param name="kernel">More `kernel:` keys (YAML, indented two spaces), e.g. the designs' T.</param>
    public OutcomeRig(
        string design,
        FuseServerWorkloadConfig server,
        FuseMountOptions? fuse = null,
        string? machine = null,
        bool cgroupV1 = false,
        Func<LinuxKernel, Mm.Memcontrol.MemCgroup?>? serverCgroup = null,
        ulong seed = 1,
        int hungTaskSecs = 10,
        string kernel = "")
    {
        machine ??= DefaultMachine;
        Config = LoadOk($"version: 1\nduration: 60s\nmachine:\n{machine}kernel:\n  design: {design}\n{kernel}");
        KernelParams p = KernelFromConfig.Params(Config) with
        {
            Mounts =
            [
                new MountSpec("root", FsType.Ext4, Block.BlockDeviceParams.Default),
                new MountSpec("fuse0", FsType.Fuse, null, StrictLimit: true, Fuse: fuse ?? new FuseMountOptions { WritebackCache = true }),
            ],
            HungTask = new HungTaskSysctl { HungTaskTimeoutSecs = hungTaskSecs, HungTaskCheckIntervalSecs = 1 },
            CgroupVersion = cgroupV1 ? Mm.Memcontrol.CgroupVersion.V1 : Mm.Memcontrol.CgroupVersion.V2,
        };
        Kernel = LinuxKernel.Boot(KernelFromConfig.Machine(Config.Machine), p, seed);
        Daemons = Kernel.StartDaemons();
        Conn = Kernel.FuseConnection("fuse0")!;
        ServerMemcg = serverCgroup?.Invoke(Kernel);
        var ctx = new WorkloadContext(Kernel, new Prng(seed)) { MemcgId = ServerMemcg?.Id ?? 0 };
        Backing = Kernel.OpenFile("root", "backing", server.BackingSizeBytes / Units.PageSizeBytes);
        Server = new FuseServer(ctx, Conn, server, Backing, ServerStats);
        Server.Start();
    }

    /// <summary>Normal 96 MiB with a 32 MiB CMA area at its end, 16 MiB memory blocks.</summary>
    public const string DefaultMachine =
        "  memory_block_size: 16MiB\n  zones:\n    - name: Normal\n      size: 96MiB\n  cma:\n    - { name: cma0, size: 32MiB, zone: Normal }\n";

    public ScenarioConfig Config { get; }

    public LinuxKernel Kernel { get; }

    public KernelDaemons Daemons { get; }

    public Simulator Sim => Kernel.Sim;

    public FuseConn Conn { get; }

    public FuseFsOps Ops => (FuseFsOps)Kernel.Fs.Find("fuse0")!.Ops;

    public Mm.Memcontrol.MemCgroup? ServerMemcg { get; }

    public CachedFile Backing { get; }

    public WorkloadStats ServerStats { get; } = new();

    public FuseServer Server { get; }

    public PageFrame[] Pages => Kernel.Node.Pages;

    /// <summary>A server config: <paramref name="threads"/> threads, 1 ms per request, stalling forever at <paramref name="stallAtNs"/> (−1: healthy).</summary>
    public static FuseServerWorkloadConfig ServerConfig(int threads = 1, long stallAtNs = -1, long serviceNs = 1 * Ms, int splicePercent = 0, long resumeAtNs = -1)
    {
        var service = new DistributionSpec(MmSim.Scenario.DistributionKind.Const, serviceNs, 0, 0);
        return new FuseServerWorkloadConfig(
            "fuse0", threads, Percent.FromWhole(splicePercent), service, service, service, service, service,
            stallAtNs < 0 ? FuseServerBehaviour.Healthy : FuseServerBehaviour.Stall, 1, stallAtNs, resumeAtNs, -1, null, 16 * Units.MiB);
    }

    /// <summary>Spawns a writer that writes <paramref name="pages"/> pages of a new FUSE file from <paramref name="atNs"/>, then optionally fsyncs it.</summary>
    public SimTask Writer(string comm, long pages, long atNs = 0, bool fsync = false, ushort memcgId = 0, long gapNs = 0)
    {
        CachedFile file = Kernel.OpenFile("fuse0", comm + ".dat", pages);
        return Sim.Spawn(comm, Body());

        IEnumerable<Wait> Body()
        {
            Kernel.ContextOf(Sim.Current!).MemcgId = memcgId;
            if (atNs > Sim.Now)
            {
                yield return Wait.Sleep(atNs - Sim.Now);
            }

            var stats = new AllocTally();
            for (long i = 0; i < pages; i++)
            {
                yield return Wait.Call(Kernel.Write(file, i, stats));
                if (gapNs > 0)
                {
                    yield return Wait.Sleep(gapNs);
                }
            }

            if (fsync)
            {
                yield return Wait.Call(Kernel.Fsync(file));
            }
        }
    }

    /// <summary>Starts a steps script (YAML list items under `steps:`, each indented six spaces) now.</summary>
    public StepsWorkload Steps(string steps)
    {
        StepsWorkload w = Support.StepsScript.Start(Kernel, DefaultMachine, steps);
        scripts.Add(w);
        return w;
    }

    /// <summary>Head PFNs of FUSE folios under writeback now, ascending.</summary>
    public List<int> StuckFolios()
    {
        var list = new List<int>();
        foreach (CachedFile f in Kernel.PageCache.Files)
        {
            if (Kernel.Fs.SuperOf(f).Spec.Type != FsType.Fuse)
            {
                continue;
            }

            for (long i = 0; i < f.Pfn.Length; i++)
            {
                int pfn = f.Pfn[i];
                if (pfn >= 0 && Pages[pfn].Has(PageFlags.Writeback) && Pages[pfn].Has(PageFlags.Allocated) && !list.Contains(pfn))
                {
                    list.Add(pfn);
                }
            }
        }

        list.Sort();
        return list;
    }

    /// <summary>Runs to <paramref name="untilNs"/>, then the deadlock detector's scan and the kernel's invariants.</summary>
    public void RunTo(long untilNs)
    {
        Sim.Run(untilNs);
        Daemons.Deadlocks.ScanAll();
        KernelChecker.Verify(Kernel, $"outcome rig at {SimTime.Format(Sim.Now)}");
    }

    /// <summary>The outcomes as summary.json would hold them now.</summary>
    public OutcomesSummary Outcomes() =>
        OutcomesBuilder.From(Kernel, Daemons.Khungtaskd.Reports, Daemons.Deadlocks.Deadlocks, [.. scripts.SelectMany(s => s.Stats.Outcomes)], Sim.Now);
}
