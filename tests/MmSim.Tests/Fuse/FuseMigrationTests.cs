using MmSim.Fs;
using MmSim.Mm;
using MmSim.Mm.Filemap;
using MmSim.Mm.Migrate;
using MmSim.Mm.PageAlloc;
using MmSim.Sim;

namespace MmSim.Tests.Fuse;

/// <summary>Dirty FUSE folios stay migratable (fuse_file_aops.migrate_folio = filemap_migrate_folio) while a stalled
/// server keeps other folios of the file under writeback, which compaction's MIGRATE_SYNC_LIGHT fails with -EBUSY.</summary>
public class FuseMigrationTests
{
    private const long Ms = FuseRig.Ms;

    [Fact]
    public void A_dirty_folio_migrates_under_compaction_while_a_stalled_server_holds_others()
    {
        var rig = new FuseRig(new FuseMountOptions { MaxPages = 8 });
        rig.Server(stallAt: 0);
        CachedFile f = rig.Open("f", 64);
        rig.Writer(f, 0, 8);
        rig.Sim.Run(10 * Ms);
        rig.Writepages(f, WbSyncMode.All);
        rig.Writer(f, 32, 1, "writer2");
        rig.Sim.Run(rig.Sim.Now + (10 * Ms));
        int stuck = f.Pfn[0];
        int dirty = f.Pfn[32];
        Assert.True(rig.Pages[stuck].Has(PageFlags.Writeback) && rig.Pages[dirty].Has(PageFlags.Dirty) && !rig.Pages[dirty].Has(PageFlags.Writeback));

        var result = new MigrateResult();
        rig.Run("kcompactd0", Migrate(), 100 * Ms);
        Assert.Equal((1, 1), (result.NrSucceeded, result.NrFailed));
        Assert.Equal(stuck, f.Pfn[0]);
        int moved = f.Pfn[32];
        Assert.NotEqual(dirty, moved);
        Assert.True(rig.Pages[moved].Has(PageFlags.Dirty), "the copy keeps PG_dirty");
        Assert.Equal((1L, 8L), (f.NrDirty, f.NrWriteback));
        rig.Verify("migrated");

        IEnumerable<Wait> Migrate()
        {
            var list = new MigrateList();
            Assert.True(rig.Kernel.Migrate.FolioIsolateLru(stuck));
            Assert.True(rig.Kernel.Migrate.FolioIsolateLru(dirty));
            list.Add(stuck);
            list.Add(dirty);
            yield return Wait.Call(rig.Kernel.Migrate.MigratePages(
                rig.Kernel.Current, list, (src, order) => rig.Kernel.AllocPages(GfpFlags.HighUserMovable, order, OwnerKind.File), null, MigrateMode.SyncLight, MigrateReason.Compaction, result));
            rig.Kernel.Migrate.PutbackMovablePages(list);
        }
    }
}
