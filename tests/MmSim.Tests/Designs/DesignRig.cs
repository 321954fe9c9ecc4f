using MmSim.Kernel;
using MmSim.Kernel.Designs;
using MmSim.Mm;
using MmSim.Mm.Compaction.Impl;
using MmSim.Mm.Filemap;
using MmSim.Mm.Folio;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Writeback;
using MmSim.Sim;

namespace MmSim.Tests.WritebackDesigns;

/// <summary>
/// Kernels booted under one writeback design, with one page-cache folio put under writeback by hand (no FUSE):
/// its mapping flagged or not, with a fake owner or none; the "server" is a task sleeping forever in S.
/// </summary>
internal static class DesignRig
{
    public const int Pb = MmConstants.PageblockNrPages;
    public const int BlockPages = 1 << 15;
    public const long Ms = SimTime.NsPerSec / 1000;
    public const long Sec = SimTime.NsPerSec;

    /// <summary>DMA32 (one memory block) and Normal (<paramref name="normalBlocks"/> blocks), an optional CMA area at Normal's start.</summary>
    public static LinuxKernel Boot(WritebackDesign design, long cmaPages = 0, int normalBlocks = 1, bool compaction = false, ulong seed = 1)
    {
        var zones = new List<ZoneSpec>
        {
            new(ZoneType.Dma32, BlockPages, 0, Pb),
            new(ZoneType.Normal, (long)normalBlocks * BlockPages),
        };
        var cma = cmaPages > 0 ? new List<CmaSpec> { new("cma0", ZoneType.Normal, cmaPages, BlockPages) } : [];
        return LinuxKernel.Boot(
            new MachineSpec(zones, cma),
            new KernelParams
            {
                Alloc = new PageAllocOptions(),
                Compact = compaction ? deps => Mechanisms.Compaction.Create("mainline", deps) : _ => NoCompaction.Instance,
                Reclaim = _ => Mm.Vmscan.Impl.NoReclaim.Instance,
                WritebackDesign = design,
            },
            seed);
    }

    /// <summary>A design: mainline with <paramref name="mode"/> and both timeouts <paramref name="tNs"/>.</summary>
    public static WritebackDesign Design(MigrateWritebackMode mode, long tNs = 10 * Ms) =>
        new() { MigrateWriteback = mode, WaitTimeoutNs = tNs, CancelAfterNs = tNs };

    /// <summary>A file whose page-cache pages are read until one lands in <c>[start, end)</c>; that folio is returned.</summary>
    public static (CachedFile File, int Pfn) FileFolioIn(LinuxKernel k, int start, int end, string name = "f")
    {
        CachedFile file = k.PageCache.Open(name, k.Node.NodeSpannedPages);
        var stats = new AllocTally();
        for (long i = 0; i < file.NrPages; i++)
        {
            Coroutines.RunInline(k.PageCache.Read(file, i, stats));
            int pfn = file.Pfn[i];
            Assert.True(pfn >= 0, "page cache read failed before a page landed in the range");
            if (pfn >= start && pfn < end)
            {
                return (file, pfn);
            }
        }

        throw new InvalidOperationException("no page landed in the range");
    }

    /// <summary>Flags the file (AS_WRITEBACK_MAY_DEADLOCK_ON_RECLAIM) if asked, gives it an owner, and puts the folio under writeback that only <paramref name="server"/> would end.</summary>
    public static void Stick(LinuxKernel k, CachedFile file, int pfn, SimTask server, bool flagged = true, IWritebackOwner? owner = null)
    {
        if (flagged)
        {
            file.Flags |= AsFlags.WritebackMayDeadlockOnReclaim;
        }

        file.WritebackOwner = owner;
        k.PageCache.FolioStartWriteback(file, pfn, new WaitQueue("fuse writeback request") { Releaser = server });
    }

    /// <summary>A task that sleeps forever in S: the server that never answers.</summary>
    public static SimTask Sleeper(LinuxKernel k, string comm = "fuse-server")
    {
        var never = new WaitQueue(comm + " requests");
        IEnumerable<Wait> Body()
        {
            yield return Wait.On(never, TaskState.Interruptible, "fuse_dev_do_read");
        }

        return k.Sim.Spawn(comm, Body());
    }

    /// <summary>Spawns a task that runs <paramref name="path"/> and records when it ended (−1 while it runs).</summary>
    public static (SimTask Task, long[] EndNs) Spawn(LinuxKernel k, string comm, Func<TaskContext, IEnumerable<Wait>> path)
    {
        long[] end = [-1];
        IEnumerable<Wait> Body()
        {
            yield return Wait.Call(path(k.Current));
            end[0] = k.Sim.Now;
        }

        return (k.Sim.Spawn(comm, Body()), end);
    }
}

/// <summary>
/// A stand-in for FUSE's IWritebackOwner: answers MayDeadlock as told, and cancels by ending the writeback and
/// redirtying the folio (the page cache's own calls), unless told the request is being copied or spliced.
/// </summary>
internal sealed class FakeOwner(LinuxKernel k, CachedFile file) : IWritebackOwner
{
    public bool Deadlock { get; set; }

    public bool Spliced { get; set; }

    public int MayDeadlockCalls { get; private set; }

    public TaskContext? LastWaiter { get; private set; }

    public bool MayDeadlock(int pfn, TaskContext waiter)
    {
        MayDeadlockCalls++;
        LastWaiter = waiter;
        return Deadlock;
    }

    public bool TryCancelWriteback(int pfn)
    {
        if (Spliced)
        {
            return false;
        }

        k.PageCache.FolioEndWriteback(pfn);
        k.PageCache.FolioMarkDirty(file, pfn);
        return true;
    }
}
