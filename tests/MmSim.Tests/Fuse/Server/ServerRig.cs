using MmSim.Fs;
using MmSim.Fs.Fuse;
using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Compaction.Impl;
using MmSim.Mm.Filemap;
using MmSim.Mm.PageAlloc;
using MmSim.Scenario;
using MmSim.Sim;
using MmSim.Workloads;
using MmSim.Workloads.Timed;

namespace MmSim.Tests.Fuse.Server;

/// <summary>
/// A booted kernel with one ext4 mount (the backing file), a FUSE connection built directly (no mount:
/// requests are queued by the test as FUSE writeback and the VFS would), and a started server.
/// </summary>
internal sealed class ServerRig
{
    public const long Ms = SimTime.NsPerMs;

    /// <param name="config">The server.</param>
    /// <param name="seed">The run's seed.</param>
    /// <param name="cgroup">A memcg for the server, or null (root).</param>
    /// <param name="maxBackground">max_background (and congestion_threshold) of the connection.</param>
    /// <param name="mounted">True: a real FUSE mount `fuse0` (fuse_fill_super builds the connection) beside ext4 `root`;
    /// false: a bare connection the test queues requests on.</param>
    public ServerRig(FuseServerWorkloadConfig config, ulong seed = 1, string? cgroup = null, int maxBackground = 64, bool mounted = false)
    {
        var options = new FuseMountOptions { MaxBackground = maxBackground, CongestionThreshold = Math.Min(maxBackground, 9) };
        Kernel = LinuxKernel.Boot(
            new MachineSpec([new ZoneSpec(ZoneType.Normal, 1 << 15, 0, 0)], []),
            new KernelParams
            {
                Alloc = new PageAllocOptions(),
                Compact = _ => NoCompaction.Instance,
                Reclaim = _ => Mm.Vmscan.Impl.NoReclaim.Instance,
                Mounts = mounted
                    ? [new MountSpec("root", FsType.Ext4, Block.BlockDeviceParams.Default), new MountSpec("fuse0", FsType.Fuse, null, StrictLimit: true, Fuse: options)]
                    : [],
            },
            seed);
        Conn = mounted ? Kernel.FuseConnection("fuse0")! : new FuseConn(Kernel.Sim, "fuse0", options with { CongestionThreshold = maxBackground });
        Memcg = cgroup is null ? null : Kernel.Memcg.Create(cgroup);
        var ctx = new WorkloadContext(Kernel, new Prng(seed)) { MemcgId = Memcg?.Id ?? 0 };
        Backing = Kernel.OpenFile(mounted ? "root" : null, "backing", 4096);
        Server = new FuseServer(ctx, Conn, config, Backing, Stats);
        Server.Start();
    }

    public LinuxKernel Kernel { get; }

    public Simulator Sim => Kernel.Sim;

    public FuseConn Conn { get; }

    public Mm.Memcontrol.MemCgroup? Memcg { get; }

    public CachedFile Backing { get; }

    public WorkloadStats Stats { get; } = new();

    public FuseServer Server { get; }

    /// <summary>A server config with every default of the scenario type, overridden where given.</summary>
    public static FuseServerWorkloadConfig Config(
        int threads = 1,
        DistributionSpec? write = null,
        DistributionSpec? other = null,
        FuseServerBehaviour behaviour = FuseServerBehaviour.Healthy,
        long stallAtNs = -1,
        long resumeAtNs = -1,
        long dieAtNs = -1,
        int slowFactor = 1,
        int splicePercent = 0)
    {
        DistributionSpec w = write ?? Const(1 * Ms);
        DistributionSpec o = other ?? Const(1 * Ms);
        return new FuseServerWorkloadConfig(
            "fuse0", threads, Percent.FromWhole(splicePercent), w, o, o, o, o, behaviour, slowFactor, stallAtNs, resumeAtNs, dieAtNs, null, 16 * Units.MiB);
    }

    public static DistributionSpec Const(long ns) => new(MmSim.Scenario.DistributionKind.Const, ns, 0, 0);

    /// <summary>A background request (FUSE writeback's FUSE_WRITE, as fuse_writepages queues it).</summary>
    public FuseReq QueueBackground(FuseOpcode op, int pages = 1)
    {
        FuseReq req = Conn.NewRequest(op, background: true);
        req.NrPages = pages;
        Conn.QueueBackground(req);
        return req;
    }

    /// <summary>Spawns a task that sends a synchronous request at <paramref name="atNs"/> and waits for its answer.</summary>
    public SimTask SendSync(string comm, FuseOpcode op, long atNs, Action<FuseReq> sent, int pages = 0)
    {
        return Sim.Spawn(comm, Body());

        IEnumerable<Wait> Body()
        {
            if (atNs > Sim.Now)
            {
                yield return Wait.Sleep(atNs - Sim.Now);
            }

            FuseReq req = Conn.NewRequest(op, background: false);
            req.NrPages = pages;
            sent(req);
            yield return Wait.Call(Conn.SendAndWait(req));
        }
    }

    /// <summary>Runs the engine to <paramref name="untilNs"/>, checking the kernel's invariants at the end.</summary>
    public void RunTo(long untilNs)
    {
        Sim.Run(untilNs);
        KernelChecker.Verify(Kernel, $"fuse server rig at {SimTime.Format(Sim.Now)}");
    }

    public SimTask Thread(int i) => Server.Readers[i].Task;
}
