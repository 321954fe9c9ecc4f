using MmSim.Mm;
using MmSim.Mm.Folio;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;
using MmSim.Mm.Swap;

namespace MmSim.Tests.Vmscan;

/// <summary>The LRU lists of Mm/Swap/Lru.cs against mm/swap.c and include/linux/mm_inline.h.</summary>
public class LruTests
{
    [Fact]
    public void Folio_add_lru_puts_a_file_folio_at_the_head_of_the_inactive_file_list_and_counts_it()
    {
        var rig = new ReclaimRig();
        Lru lru = rig.Kernel.Lru;
        int a = NewFileFolio(rig, 0);
        int b = NewFileFolio(rig, 2);
        Lruvec root = lru.LruvecOf(0);
        Assert.Equal(b, root.First(LruList.InactiveFile));
        Assert.Equal(a, root.Last(LruList.InactiveFile));
        Assert.Equal(5, root.LruSize(LruList.InactiveFile));
        Assert.Equal(5, rig.Stat(NodeStatItem.NrInactiveFile));
        Assert.Equal(5, rig.Zone.ZonePageState(ZoneStatItem.NrZoneInactiveFile));
        Assert.True(rig.Node.Pages[a].Has(PageFlags.Lru));
        Assert.Null(lru.Verify());

        lru.LruvecDelFolio(a);
        Assert.False(rig.Node.Pages[a].Has(PageFlags.Lru));
        Assert.Equal(4, rig.Stat(NodeStatItem.NrInactiveFile));
        lru.FolioPutLru(b);
        lru.FolioPutLru(b); // off the LRU already: nothing to do
        Assert.Equal(-1, root.First(LruList.InactiveFile));
        Assert.Null(lru.Verify());
    }

    [Fact]
    public void Mark_accessed_twice_activates_and_counts_pgactivate()
    {
        var rig = new ReclaimRig();
        Lru lru = rig.Kernel.Lru;
        int pfn = NewFileFolio(rig, 0);
        lru.FolioMarkAccessed(pfn);
        Assert.True(rig.Node.Pages[pfn].Has(PageFlags.Referenced));
        Assert.False(rig.Node.Pages[pfn].Has(PageFlags.Active));
        long age = lru.LruvecOf(0).NonresidentAge;
        lru.FolioMarkAccessed(pfn);
        Assert.True(rig.Node.Pages[pfn].Has(PageFlags.Active));
        Assert.False(rig.Node.Pages[pfn].Has(PageFlags.Referenced));
        Assert.Equal(pfn, lru.LruvecOf(0).First(LruList.ActiveFile));
        Assert.Equal(1, rig.Vm(VmEventItem.Pgactivate));
        Assert.Equal(age + 1, lru.LruvecOf(0).NonresidentAge); // workingset_activation
        Assert.Null(lru.Verify());
    }

    [Fact]
    public void Rotate_reclaimable_moves_a_clean_folio_to_the_inactive_tail_but_not_a_dirty_one()
    {
        var rig = new ReclaimRig();
        Lru lru = rig.Kernel.Lru;
        int a = NewFileFolio(rig, 0);
        int b = NewFileFolio(rig, 0);
        lru.FolioActivate(b);
        Assert.True(lru.FolioRotateReclaimable(b));
        Assert.Equal(b, lru.LruvecOf(0).Last(LruList.InactiveFile));
        Assert.False(rig.Node.Pages[b].Has(PageFlags.Active));
        Assert.Equal(1, rig.Vm(VmEventItem.Pgrotated));

        rig.Node.Pages[a].Set(PageFlags.Dirty);
        Assert.False(lru.FolioRotateReclaimable(a));
        Assert.Equal(1, rig.Vm(VmEventItem.Pgrotated));
        Assert.Null(lru.Verify());
    }

    [Fact]
    public void A_folio_of_an_unevictable_mapping_goes_to_the_unevictable_list_and_is_never_activated()
    {
        var rig = new ReclaimRig();
        Lru lru = rig.Kernel.Lru;
        var ramfs = rig.Kernel.Mappings.Register(new SlotMapping("ramfs", 16, MappingKind.File) { Flags = AsFlags.Unevictable });
        int pfn = rig.Kernel.AllocPages(GfpFlags.HighUserMovable, 0, OwnerKind.File);
        int slot = ramfs.Insert(pfn, 0);
        rig.Kernel.Rmap.SetFolioMapping(pfn, ramfs, slot);
        Assert.False(lru.FolioEvictable(pfn));
        lru.FolioAddLru(pfn);
        Assert.True(rig.Node.Pages[pfn].Has(PageFlags.Unevictable));
        Assert.Equal(1, lru.LruvecOf(0).LruSize(LruList.Unevictable));
        lru.FolioMarkAccessed(pfn);
        lru.FolioMarkAccessed(pfn);
        Assert.False(rig.Node.Pages[pfn].Has(PageFlags.Active));
        Assert.Null(lru.Verify());
    }

    [Fact]
    public void Verify_catches_a_folio_whose_flags_name_another_list_and_a_broken_link()
    {
        var rig = new ReclaimRig();
        Lru lru = rig.Kernel.Lru;
        int a = NewFileFolio(rig, 0);
        int b = NewFileFolio(rig, 0);
        Assert.Null(lru.Verify());

        rig.Node.Pages[a].Set(PageFlags.Active);
        Assert.Contains("flags say ActiveFile", lru.Verify(), StringComparison.Ordinal);
        rig.Node.Pages[a].Clear(PageFlags.Active);

        int saved = rig.Node.Pages[a].Prev;
        rig.Node.Pages[a].Prev = -1;
        Assert.NotNull(lru.Verify());
        rig.Node.Pages[a].Prev = saved;
        Assert.Null(lru.Verify());

        rig.Node.ModNodePageState(NodeStatItem.NrInactiveFile, 1);
        Assert.Contains("node counter", lru.Verify(), StringComparison.Ordinal);
        rig.Node.ModNodePageState(NodeStatItem.NrInactiveFile, -1);
        _ = b;
    }

    // A cached page of a fresh file (order 0 or a large folio allocated directly): PG_lru through folio_add_lru.
    private static int NewFileFolio(ReclaimRig rig, int order)
    {
        var m = rig.Kernel.Mappings.Register(new SlotMapping($"f{rig.Kernel.Mappings.Count}", 16, MappingKind.File));
        int pfn = rig.Kernel.AllocPages(GfpFlags.HighUserMovable, order, OwnerKind.File);
        Assert.True(pfn >= 0);
        int slot = m.Insert(pfn, order);
        rig.Kernel.Rmap.SetFolioMapping(pfn, m, slot);
        rig.Kernel.Lru.FolioAddLru(pfn);
        return pfn;
    }
}
