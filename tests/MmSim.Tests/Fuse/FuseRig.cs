using MmSim.Fs;
using MmSim.Fs.Fuse;
using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Compaction.Impl;
using MmSim.Mm.Filemap;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Writeback;
using MmSim.Sim;

namespace MmSim.Tests.Fuse;

/// <summary>A kernel with one FUSE mount "fuse", its connection, and a tiny in-test server.</summary>
internal sealed class FuseRig
{
    public const long Ms = SimTime.NsPerMs;
    public const long Sec = SimTime.NsPerSec;

    public FuseRig(
        FuseMountOptions? options = null,
        string release = "6.18",
        WritebackDesign? design = null,
        FuseSysctl? sysctl = null,
        WritebackSysctl? writeback = null,
        long normalPages = 1 << 14,
        ulong seed = 1,
        bool largeFolios = false)
    {
        Kernel = LinuxKernel.Boot(
            new MachineSpec([new ZoneSpec(ZoneType.Normal, normalPages, 0, 0)], []),
            new KernelParams
            {
                Alloc = new PageAllocOptions(),
                Compact = _ => NoCompaction.Instance,
                Reclaim = _ => Mm.Vmscan.Impl.NoReclaim.Instance,
                Writeback = writeback ?? new WritebackSysctl(),
                Mounts = [new MountSpec("root", FsType.Ext4, Block.BlockDeviceParams.Default), new MountSpec("fuse", FsType.Fuse, null, LargeFolios: largeFolios ? true : null, Fuse: options ?? new FuseMountOptions())],
                Release = release,
                WritebackDesign = design ?? WritebackDesign.Mainline,
                Fuse = sysctl ?? new FuseSysctl(),
            },
            seed);
        Sb = Kernel.Fs.Find("fuse")!;
        Conn = Kernel.FuseConnection("fuse")!;
    }

    public LinuxKernel Kernel { get; }

    public SuperBlock Sb { get; }

    public FuseConn Conn { get; }

    public FuseFsOps Ops => (FuseFsOps)Sb.Ops;

    public PageCache Cache => Kernel.PageCache;

    public Simulator Sim => Kernel.Sim;

    public PageFrame[] Pages => Kernel.Node.Pages;

    public CachedFile Open(string name, long pages) => Kernel.OpenFile("fuse", name, pages);

    /// <summary>Spawns a server thread: it reads a request, serves it for <paramref name="serviceNs"/> and answers, until
    /// <paramref name="stallAt"/> (then it holds the request it read and sleeps forever), or until the connection dies.</summary>
    public (SimTask Task, FuseDevReader Reader) Server(string comm = "fuse-server", long serviceNs = 100_000, long stallAt = long.MaxValue, bool splice = false)
    {
        var box = new FuseDevReader?[1];
        SimTask task = Sim.Spawn(comm, ServerBody(box, serviceNs, stallAt));
        var reader = new FuseDevReader(task, splice);
        box[0] = reader;
        Conn.RegisterReader(reader);
        return (task, reader);
    }

    private IEnumerable<Wait> ServerBody(FuseDevReader?[] box, long serviceNs, long stallAt)
    {
        FuseDevReader reader = box[0]!;
        while (Conn.Connected)
        {
            yield return Wait.Call(Conn.DevRead(reader));
            if (reader.Req is null)
            {
                yield break;
            }

            if (Sim.Now >= stallAt)
            {
                yield return Wait.On(new WaitQueue("stalled server"), TaskState.Interruptible, "stalled");
            }

            yield return Wait.For(serviceNs);
            Conn.DevWrite(reader, 0);
        }
    }

    /// <summary>Writes pages [first, first + count) of the file from a new task; returns the task.</summary>
    public SimTask Writer(CachedFile file, long first, long count, string comm = "writer")
    {
        return Sim.Spawn(comm, Body());

        IEnumerable<Wait> Body()
        {
            var stats = new AllocTally();
            for (long i = first; i < first + count; i++)
            {
                yield return Wait.Call(Kernel.Write(file, i, stats));
            }
        }
    }

    /// <summary>Runs one coroutine as a task to its end (or the limit) and returns it.</summary>
    public SimTask Run(string comm, IEnumerable<Wait> body, long forNs = 10 * Sec)
    {
        SimTask t = Sim.Spawn(comm, body);
        Sim.Run(Sim.Now + forNs);
        return t;
    }

    /// <summary>fuse_writepages of the file in a task, with <paramref name="mode"/> and budget; returns the wbc after.</summary>
    public WritebackControl Writepages(CachedFile file, WbSyncMode mode, long nrToWrite = long.MaxValue)
    {
        var wbc = new WritebackControl { SyncMode = mode, NrToWrite = nrToWrite };
        Run("wb", Sb.Ops.Writepages(Sb, file, wbc), Ms);
        return wbc;
    }

    /// <summary>Requests queued or being served, in list order: bg_queue, pending, processing.</summary>
    public List<FuseReq> Requests() => [.. Conn.BgQueue, .. Conn.Pending, .. Conn.Processing];

    public void Verify(string context) => KernelChecker.Verify(Kernel, context);
}
