using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Folio;
using MmSim.Mm.Migrate;
using MmSim.Mm.PageAlloc;
using MmSim.Tests.Kernel;

namespace MmSim.Tests.Migrate;

/// <summary>A booted kernel with one anonymous-like mapping whose folios the tests isolate and migrate.</summary>
internal sealed class MigrateFixture
{
    public MigrateFixture(long normalPages = 1 << 15)
    {
        Kernel = BlockingKernelTests.Boot(normalPages: normalPages);
        Anon = Kernel.Mappings.Register(new SlotMapping("anon", 1024));
        NewFolio = (src, order) =>
        {
            NewFolioCalls++;
            return Kernel.AllocPages(GfpFlags.HighUserMovable, order, OwnerKind.Anon);
        };
    }

    public LinuxKernel Kernel { get; }

    public SlotMapping Anon { get; }

    public PageFrame[] Pages => Kernel.Node.Pages;

    public int NewFolioCalls { get; private set; }

    /// <summary>get_new_folio: a fresh movable page (alloc_migration_target).</summary>
    public NewFolioCallback NewFolio { get; }

    /// <summary>Allocates an LRU folio in <paramref name="mapping"/> (the anonymous one by default).</summary>
    public (int Pfn, int Index) AddFolio(SlotMapping? mapping = null, int order = 0, PageFlags extra = PageFlags.None)
    {
        SlotMapping m = mapping ?? Anon;
        int pfn = Kernel.AllocPages(GfpFlags.HighUserMovable, order, m.Kind == MappingKind.Anon ? OwnerKind.Anon : OwnerKind.File);
        Assert.True(pfn >= 0);
        int index = m.Insert(pfn, order);
        Kernel.Rmap.SetFolioMapping(pfn, m, index);
        PageFlags flags = PageFlags.Uptodate | (m.Kind == MappingKind.Anon ? PageFlags.SwapBacked | PageFlags.Mapped : PageFlags.None);
        Pages[pfn].Set(flags | (extra & ~PageFlags.Lru));
        Kernel.Lru.FolioAddLru(pfn);
        return (pfn, index);
    }

    /// <summary>Isolates the folios into a new list, as a scanner does.</summary>
    public MigrateList Isolate(params int[] pfns)
    {
        var list = new MigrateList();
        foreach (int pfn in pfns)
        {
            Assert.True(Kernel.Migrate.FolioIsolateLru(pfn));
            list.Add(pfn);
        }

        return list;
    }

    public long Event(Mm.Stat.VmEventItem item) => Kernel.Node.VmEvents[(int)item];

    public long NodeStat(Mm.Stat.NodeStatItem item) => Kernel.Node.VmStat[(int)item];
}
