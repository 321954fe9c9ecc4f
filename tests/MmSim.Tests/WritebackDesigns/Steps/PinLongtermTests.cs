using MmSim.Mm;
using MmSim.Runs;
using static MmSim.Tests.WritebackDesigns.Steps.StepsRig;

namespace MmSim.Tests.WritebackDesigns.Steps;

/// <summary>
/// pin_user_pages(FOLL_LONGTERM) of FUSE file pages that sit in ZONE_MOVABLE (mm/gup.c:
/// check_and_migrate_movable_folios): once their writeback is done they are migrated out (MIGRATE_SYNC,
/// MR_LONGTERM_PIN) and the pin holds; while it is stuck the pin waits (linux-6.16) or fails (skip-sync-migration).
/// </summary>
public class PinLongtermTests
{
    [Fact]
    public void Folios_in_zone_movable_are_migrated_out_when_their_writeback_is_done()
    {
        var rig = new StepsRig("linux-6.16", stallAtNs: -1);
        rig.Writer(64);
        rig.RunTo(1 * Sec);
        Assert.Empty(rig.StuckIndices());
        Mm.Filemap.CachedFile file = rig.File!;
        for (long i = 0; i < 64; i++)
        {
            Assert.Equal(ZoneType.Movable, rig.Kernel.Node.PageZone(file.Pfn[i]).Type);
        }

        long pgmigrate = rig.Kernel.Node.VmEvents[(int)Mm.Stat.VmEventItem.PgmigrateSuccess];
        rig.Steps("      - { at: 1s, do: pin_longterm, file: dd.dat, index: 0, pages: 64 }\n");
        rig.RunTo(2 * Sec);
        StepOutcomeSummary s = Step(rig.Outcomes(), "pin_longterm");
        Assert.Equal("ok", s.Outcome);
        for (long i = 0; i < 64; i++)
        {
            int pfn = file.Pfn[i];
            Assert.Equal(ZoneType.Normal, rig.Kernel.Node.PageZone(pfn).Type);
            Assert.Equal(0, rig.Kernel.Refs.Pins(pfn));
        }

        Assert.Equal(64, rig.Kernel.Node.VmEvents[(int)Mm.Stat.VmEventItem.PgmigrateSuccess] - pgmigrate);
    }

    [Fact]
    public void Skip_sync_migration_fails_the_pin_with_enomem_while_the_folio_is_stuck()
    {
        var rig = new StepsRig("skip-sync-migration", stallAtNs: 300 * Ms);
        rig.Writer(1024);
        rig.RunTo(1 * Sec);
        long index = rig.StuckIndices()[0];
        int pfn = rig.File!.Pfn[index];
        rig.Steps($"      - {{ at: 1s, do: pin_longterm, file: dd.dat, index: {index} }}\n");
        rig.RunTo(3 * Sec);
        StepOutcomeSummary s = Step(rig.Outcomes(), "pin_longterm");
        Assert.Equal("enomem", s.Outcome);
        Assert.Equal((pfn, 0), (rig.File.Pfn[index], rig.Kernel.Refs.Pins(pfn)));
    }
}
