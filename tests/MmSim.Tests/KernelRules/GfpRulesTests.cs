using MmSim.Mm;
using MmSim.Mm.PageAlloc;
using MmSim.Tests.KernelRules.Support;

namespace MmSim.Tests.KernelRules;

/// <summary>include/linux/gfp.h: gfp_migratetype and gfp_zone (GFP_ZONE_TABLE, x86-64: no ZONE_HIGHMEM).</summary>
public class GfpRulesTests
{
    // gfp_migratetype: (gfp & GFP_MOVABLE_MASK) >> GFP_MOVABLE_SHIFT; UNMOVABLE when
    // page_group_by_mobility_disabled. Both bits give 3 (MIGRATE_HIGHATOMIC, the kernel warns).
    [Theory]
    [InlineData(GfpFlags.Kernel, false, MigrateType.Unmovable)]
    [InlineData(GfpFlags.Atomic, false, MigrateType.Unmovable)]
    [InlineData(GfpFlags.NoFs | GfpFlags.HighMem, false, MigrateType.Unmovable)]
    [InlineData(GfpFlags.Kernel | GfpFlags.Reclaimable, false, MigrateType.Reclaimable)]
    [InlineData(GfpFlags.HighUserMovable, false, MigrateType.Movable)]
    [InlineData(GfpFlags.TransHuge, false, MigrateType.Movable)]
    [InlineData(GfpFlags.TransHugeLight, false, MigrateType.Movable)]
    [InlineData(GfpFlags.Movable | GfpFlags.Reclaimable, false, MigrateType.HighAtomic)]
    [InlineData(GfpFlags.HighUserMovable, true, MigrateType.Unmovable)]
    public void GfpMigratetype(GfpFlags gfp, bool mobilityDisabled, MigrateType expected) =>
        Assert.Equal(expected, Gfp.Migratetype(gfp, mobilityDisabled));

    // GFP_ZONE_TABLE: no zone bit → NORMAL; __GFP_DMA → DMA; __GFP_DMA32 → DMA32; __GFP_MOVABLE alone →
    // NORMAL; __GFP_MOVABLE|__GFP_HIGHMEM → MOVABLE; __GFP_HIGHMEM alone → NORMAL (no HIGHMEM on x86-64);
    // __GFP_MOVABLE with __GFP_DMA32/__GFP_DMA keeps the DMA zone.
    [Theory]
    [InlineData(GfpFlags.Kernel, ZoneType.Normal)]
    [InlineData(GfpFlags.Kernel | GfpFlags.Dma, ZoneType.Dma)]
    [InlineData(GfpFlags.Kernel | GfpFlags.Dma32, ZoneType.Dma32)]
    [InlineData(GfpFlags.Movable, ZoneType.Normal)]
    [InlineData(GfpFlags.HighMem, ZoneType.Normal)]
    [InlineData(GfpFlags.HighUserMovable, ZoneType.Movable)]
    [InlineData(GfpFlags.TransHuge, ZoneType.Movable)]
    [InlineData(GfpFlags.Movable | GfpFlags.Dma32, ZoneType.Dma32)]
    [InlineData(GfpFlags.Movable | GfpFlags.Dma, ZoneType.Dma)]
    public void GfpZone(GfpFlags gfp, ZoneType expected) => Assert.Equal(expected, Gfp.Zone(gfp));

    // prepare_alloc_pages + the zonelist: the preferred zone is the highest populated zone ≤ gfp_zone();
    // GFP_DMA32 on a machine with a Normal zone allocates from DMA32 (no ALLOC_NOFRAGMENT: the preferred
    // zone is not ZONE_NORMAL), GFP_HIGHUSER_MOVABLE without a Movable zone from Normal.
    [Fact]
    public void PreferredZone_IsHighestPopulatedZoneAtOrBelowGfpZone()
    {
        var spec = new MachineSpec([new ZoneSpec(ZoneType.Dma32, 4096), new ZoneSpec(ZoneType.Normal, 4096)], []);
        PageAllocator a = MmInit.Boot(spec, new PageAllocOptions { PcpEnabled = false });
        Assert.Equal(0, a.AllocPages(GfpFlags.Kernel | GfpFlags.Dma32, 0));
        Assert.Equal(4096, a.AllocPages(GfpFlags.HighUserMovable, 0));
        Assert.Equal(MigrateType.Unmovable, a.Node.PageblockMigratetype(0));
        Assert.Equal(MigrateType.Movable, a.Node.PageblockMigratetype(4096));
        Shape.AssertClean(a);
    }
}
