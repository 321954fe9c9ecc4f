using MmSim.Kernel;
using MmSim.Kernel.Designs;
using MmSim.Mm;
using MmSim.Mm.Compaction;
using MmSim.Mm.Compaction.Impl;
using MmSim.Mm.Folio;
using MmSim.Mm.PageAlloc;
using MmSim.Sim;

namespace MmSim.Tests.Compaction;

/// <summary>
/// A small booted kernel with mainline compaction (one Normal zone, pcp lists off so frees reach the
/// buddy lists at once) and one anonymous and one file mapping whose LRU folios the tests place.
/// </summary>
internal sealed class CompactionRig
{
    public const long Ms = SimTime.NsPerMs;

    public CompactionRig(long normalPages = 1 << 14, CompactionSysctl? sysctl = null, bool pcp = false, ulong seed = 1, Mm.Writeback.WritebackDesign? design = null)
    {
        Kernel = LinuxKernel.Boot(
            new MachineSpec([new ZoneSpec(ZoneType.Normal, normalPages, 0, 0)], []),
            new KernelParams
            {
                Alloc = new PageAllocOptions { PcpEnabled = pcp },
                Compaction = sysctl ?? new CompactionSysctl(),
                Compact = deps => Mechanisms.Compaction.Create("mainline", deps),
                Reclaim = _ => Mm.Vmscan.Impl.NoReclaim.Instance,
                WritebackDesign = design ?? Mm.Writeback.WritebackDesign.Mainline,
            },
            seed);
        Compact = (MainlineCompaction)Kernel.Compact;
        Anon = Kernel.Mappings.Register(new SlotMapping("anon", (int)normalPages));
        File = Kernel.Mappings.Register(new SlotMapping("file", (int)normalPages, MappingKind.File, AopsCaps.None));
        FileWithMigrate = Kernel.Mappings.Register(new SlotMapping("file-mig", (int)normalPages, MappingKind.File, AopsCaps.MigrateFolio));
    }

    public LinuxKernel Kernel { get; }

    public MainlineCompaction Compact { get; }

    public SlotMapping Anon { get; }

    public SlotMapping File { get; }

    public SlotMapping FileWithMigrate { get; }

    public PgData Node => Kernel.Node;

    public Zone Zone => Kernel.Node.Zones[(int)ZoneType.Normal];

    public PageFrame[] Pages => Kernel.Node.Pages;

    /// <summary>Allocates an LRU folio in <paramref name="mapping"/> (the anonymous one by default).</summary>
    public int AddFolio(SlotMapping? mapping = null, int order = 0, PageFlags extra = PageFlags.None)
    {
        SlotMapping m = mapping ?? Anon;
        int pfn = Kernel.AllocPages(GfpFlags.HighUserMovable, order, m.Kind == MappingKind.Anon ? OwnerKind.Anon : OwnerKind.File);
        Assert.True(pfn >= 0, "out of memory while placing folios");
        Place(m, pfn, order, extra);
        return pfn;
    }

    public void Place(SlotMapping m, int pfn, int order, PageFlags extra)
    {
        int index = m.Insert(pfn, order);
        Kernel.Rmap.SetFolioMapping(pfn, m, index);
        PageFlags flags = PageFlags.Uptodate | (m.Kind == MappingKind.Anon ? PageFlags.SwapBacked | PageFlags.Mapped : PageFlags.None);
        Pages[pfn].Set(flags | (extra & ~PageFlags.Lru));
        Kernel.Lru.FolioAddLru(pfn);
    }

    /// <summary>Frees a folio placed by <see cref="AddFolio"/> (its owner lets go).</summary>
    public void Free(int pfn) => Kernel.Migrate.FolioPutMapped(pfn);

    /// <summary>Fills the zone with order-0 anonymous folios until allocation fails at the min watermark; returns them in PFN order.</summary>
    public List<int> FillWithFolios(SlotMapping? mapping = null)
    {
        var pfns = new List<int>();
        while (Zone.ZonePageState(Mm.Stat.ZoneStatItem.NrFreePages) > Zone.Watermark[(int)WatermarkIndex.High] + 64)
        {
            pfns.Add(AddFolio(mapping));
        }

        pfns.Sort();
        return pfns;
    }

    /// <summary>Free blocks of at least <paramref name="order"/>, in pages.</summary>
    public long FreePagesAtOrAbove(int order)
    {
        long n = 0;
        for (int o = order; o < MmConstants.NrPageOrders; o++)
        {
            n += Zone.NrFree[o] << o;
        }

        return n;
    }

    /// <summary>Runs <paramref name="path"/> in a new task until it ends (or <paramref name="limitNs"/>), checking invariants at the end.</summary>
    public SimTask RunTask(string comm, IEnumerable<Wait> path, long limitNs = 10_000 * Ms)
    {
        SimTask t = Kernel.Sim.Spawn(comm, path);
        Kernel.Sim.Run(Kernel.Sim.Now + limitNs);
        return t;
    }

    public void Verify(string context) => KernelChecker.Verify(Kernel, context);

    public long Event(Mm.Stat.VmEventItem item) => Kernel.Node.VmEvents[(int)item];
}

/// <summary>Rig helpers that shape the free lists directly.</summary>
internal static class CompactionRigShaping
{
    /// <summary>Takes every free page of the zone as unmovable-by-compaction kernel pages (no LRU), so the test decides where free pages are.</summary>
    public static void TakeAllFree(this CompactionRig rig)
    {
        Zone zone = rig.Zone;
        for (int order = 0; order < MmConstants.NrPageOrders; order++)
        {
            for (int mt = 0; mt < MigrateTypes.Count; mt++)
            {
                int pfn;
                while ((pfn = zone.FreeListHead(order, (MigrateType)mt)) >= 0)
                {
                    rig.Kernel.Alloc.DelFromFreeList(zone, pfn, order, (MigrateType)mt);
                    rig.Kernel.Alloc.PostAllocHookIsolated(pfn, order);
                }
            }
        }
    }
}
