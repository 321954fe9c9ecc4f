using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Compaction.Impl;
using MmSim.Mm.Filemap;
using MmSim.Mm.Memcontrol;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Vmscan;
using MmSim.Mm.Vmscan.Impl;
using MmSim.Mm.Writeback;
using MmSim.Sim;
using MmSim.Tests.Support;

namespace MmSim.Tests.Vmscan;

/// <summary>A kernel with mainline reclaim, a page cache to fill, and the helpers reclaim tests share.</summary>
internal sealed class ReclaimRig
{
    public const long Ms = SimTime.NsPerMs;

    public ReclaimRig(long normalPages = 1 << 13, CgroupVersion cgroups = CgroupVersion.V2, ulong seed = 1, bool compaction = false, Mm.Writeback.WritebackDesign? design = null)
    {
        Kernel = LinuxKernel.Boot(
            new MachineSpec([new ZoneSpec(ZoneType.Normal, normalPages, 0, 0)], []),
            new KernelParams
            {
                Alloc = new PageAllocOptions(),
                Compact = compaction ? d => new MainlineCompaction(d) : _ => NoCompaction.Instance,
                Reclaim = d => new MainlineReclaim(d),
                CgroupVersion = cgroups,
                WritebackDesign = design ?? Mm.Writeback.WritebackDesign.Mainline,
            },
            seed);
        Reclaim = (MainlineReclaim)Kernel.Reclaim;
        Reclaim.Flusher = Flusher;
    }

    public LinuxKernel Kernel { get; }

    public MainlineReclaim Reclaim { get; }

    public RecordingFlusher Flusher { get; } = new();

    public AllocTally Tally { get; } = new();

    public PgData Node => Kernel.Node;

    public Zone Zone => Kernel.Node.Zones[(int)ZoneType.Normal];

    public long Free => Zone.ZonePageState(Mm.Stat.ZoneStatItem.NrFreePages);

    public long Vm(Mm.Stat.VmEventItem item) => Kernel.Node.VmEvents[(int)item];

    public long Stat(Mm.Stat.NodeStatItem item) => Kernel.Node.VmStat[(int)item];

    /// <summary>Reads pages [from, from+count) of <paramref name="file"/> outside any task; returns their PFNs.</summary>
    public int[] Read(CachedFile file, long from, long count)
    {
        var pfns = new int[count];
        for (long i = 0; i < count; i++)
        {
            Assert.Equal(1, Kernel.RunAtomic(Kernel.PageCache.Read(file, from + i, Tally)));
            pfns[i] = file.Pfn[from + i];
            Assert.True(pfns[i] >= 0);
        }

        return pfns;
    }

    /// <summary>Moves a cached folio into <paramref name="memcg"/>'s lruvec (charging it there).</summary>
    public void Charge(int pfn, MemCgroup memcg)
    {
        bool onLru = Kernel.Node.Pages[pfn].Has(PageFlags.Lru);
        if (onLru)
        {
            Kernel.Lru.LruvecDelFolio(pfn);
        }

        Assert.Equal(0, Kernel.RunAtomic(Kernel.Memcg.ChargeFolio(pfn, memcg, GfpFlags.HighUserMovable, Kernel.Current)));
        if (onLru)
        {
            Kernel.Lru.FolioAddLru(pfn);
        }
    }

    /// <summary>A scan pass for <see cref="IReclaim.ShrinkNode"/> at <paramref name="priority"/>.</summary>
    public static ScanControl Pass(int priority, bool kswapd, long nrToReclaim = long.MaxValue / 4) => new()
    {
        NrToReclaim = nrToReclaim,
        GfpMask = GfpFlags.Kernel,
        Priority = priority,
        ReclaimIdx = (int)ZoneType.Movable,
        MayWritepage = true,
        MayUnmap = true,
        MaySwap = true,
        IsKswapd = kswapd,
    };

    /// <summary>Runs <paramref name="path"/> in a new task until it ends or <paramref name="untilNs"/>.</summary>
    public SimTask RunTask(string comm, IEnumerable<Wait> path, long untilNs, bool kernelThread = false)
    {
        SimTask t = Kernel.Sim.Spawn(comm, path, kernelThread);
        Kernel.Sim.Run(untilNs);
        return t;
    }

    public void Verify(string context) => KernelChecker.Verify(Kernel, context);

    /// <summary>A flusher that only records its wake-ups.</summary>
    internal sealed class RecordingFlusher : IFlusher
    {
        public List<WbReason> Wakeups { get; } = [];

        public void WakeupFlusherThreads(WbReason reason) => Wakeups.Add(reason);
    }
}
