using MmSim.Mm;
using MmSim.Mm.Compaction;
using MmSim.Mm.Compaction.Impl;
using MmSim.Mm.Migrate;

namespace MmSim.Tests.Compaction;

/// <summary>
/// isolate_migratepages_block: which folios the migrate scanner takes in each migration mode
/// (ISOLATE_ASYNC_MIGRATE in every mode but MIGRATE_SYNC; ISOLATE_UNEVICTABLE with
/// vm.compact_unevictable_allowed).
/// </summary>
public class IsolateMigratepagesRuleTests
{
    private enum Kind
    {
        AnonClean,
        KernelNonLru,
        MovableOps,
        PinnedAnon,
        UnevictableAnon,
        FileUnderWriteback,
        DirtyFileNoMigrateFolio,
        DirtyFileWithMigrateFolio,
        DirtyAnon,
        AnonWithExtraRef,
    }

    // The kinds each mode isolates (compact_unevictable_allowed = 1).
    public static TheoryData<MigrateMode, string> Expected => new()
    {
        { MigrateMode.Async, "AnonClean MovableOps UnevictableAnon DirtyFileWithMigrateFolio DirtyAnon" },
        { MigrateMode.SyncLight, "AnonClean MovableOps UnevictableAnon DirtyFileWithMigrateFolio DirtyAnon" },
        { MigrateMode.Sync, "AnonClean MovableOps UnevictableAnon FileUnderWriteback DirtyFileNoMigrateFolio DirtyFileWithMigrateFolio DirtyAnon" },
    };

    [Theory]
    [MemberData(nameof(Expected))]
    public void The_migrate_scanner_takes_exactly_the_folios_the_mode_allows(MigrateMode mode, string expected)
    {
        var rig = new CompactionRig();
        Dictionary<int, Kind> placed = PlaceOneOfEach(rig);
        Assert.Equal(expected, string.Join(' ', Isolate(rig, placed, mode, unevictableAllowed: true)));
        rig.Verify("after putback");
    }

    [Theory]
    [InlineData(MigrateMode.Async)]
    [InlineData(MigrateMode.Sync)]
    public void Without_compact_unevictable_allowed_unevictable_folios_stay(MigrateMode mode)
    {
        var rig = new CompactionRig(sysctl: new CompactionSysctl { CompactUnevictableAllowed = false });
        Dictionary<int, Kind> placed = PlaceOneOfEach(rig);
        Assert.DoesNotContain("UnevictableAnon", Isolate(rig, placed, mode, unevictableAllowed: false));
        Assert.Contains("AnonClean", Isolate(rig, placed, mode, unevictableAllowed: false));
    }

    [Fact]
    public void The_isolate_mode_sets_async_migrate_in_every_mode_but_sync()
    {
        Assert.Equal(IsolateMode.AsyncMigrate | IsolateMode.Unevictable, MainlineCompaction.IsolateModeFor(MigrateMode.Async, true));
        Assert.Equal(IsolateMode.AsyncMigrate | IsolateMode.Unevictable, MainlineCompaction.IsolateModeFor(MigrateMode.SyncLight, true));
        Assert.Equal(IsolateMode.Unevictable, MainlineCompaction.IsolateModeFor(MigrateMode.Sync, true));
        Assert.Equal(IsolateMode.None, MainlineCompaction.IsolateModeFor(MigrateMode.Sync, false));
    }

    [Fact]
    public void An_isolated_folio_leaves_its_LRU_and_putback_returns_it()
    {
        var rig = new CompactionRig();
        int pfn = rig.AddFolio();
        CompactControl cc = Control(rig, MigrateMode.Async);
        rig.Compact.IsolateMigratepagesBlock(cc, pfn, pfn + 1, MainlineCompaction.IsolateModeFor(MigrateMode.Async, true));
        Assert.Equal(1, cc.NrMigratepages);
        Assert.True(rig.Pages[pfn].Has(PageFlags.Isolated) && !rig.Pages[pfn].Has(PageFlags.Lru));
        rig.Kernel.Migrate.PutbackMovablePages(cc.Migratepages);
        Assert.True(rig.Pages[pfn].Has(PageFlags.Lru) && !rig.Pages[pfn].Has(PageFlags.Isolated));
    }

    private static CompactControl Control(CompactionRig rig, MigrateMode mode) => new()
    {
        Zone = rig.Zone,
        Order = -1,
        Mode = mode,
        GfpMask = GfpFlags.Kernel,
        IgnoreSkipHint = true,
    };

    private static List<string> Isolate(CompactionRig rig, Dictionary<int, Kind> placed, MigrateMode mode, bool unevictableAllowed)
    {
        int lo = placed.Keys.Min(), hi = placed.Keys.Max() + 1;
        CompactControl cc = Control(rig, mode);
        rig.Compact.IsolateMigratepagesBlock(cc, lo, hi, MainlineCompaction.IsolateModeFor(mode, unevictableAllowed));
        var kinds = new List<Kind>();
        for (int i = 0; i < cc.Migratepages.Count; i++)
        {
            kinds.Add(placed[cc.Migratepages[i]]);
        }

        Assert.Equal(kinds.Count, cc.NrMigratepages);
        rig.Kernel.Migrate.PutbackMovablePages(cc.Migratepages);
        kinds.Sort();
        return [.. kinds.Select(k => k.ToString())];
    }

    // One folio of each kind, in consecutive PFNs of one pageblock.
    private static Dictionary<int, Kind> PlaceOneOfEach(CompactionRig rig)
    {
        var placed = new Dictionary<int, Kind>();
        foreach (Kind kind in Enum.GetValues<Kind>())
        {
            int pfn;
            switch (kind)
            {
                case Kind.KernelNonLru:
                    pfn = rig.Kernel.AllocPages(GfpFlags.HighUserMovable, 0, OwnerKind.Kernel);
                    break;
                case Kind.MovableOps:
                    pfn = rig.Kernel.AllocPages(GfpFlags.HighUserMovable, 0, OwnerKind.MovableOps);
                    rig.Pages[pfn].Set(PageFlags.MovableOps);
                    break;
                case Kind.PinnedAnon:
                    pfn = rig.AddFolio();
                    rig.Kernel.Refs.AddPins(pfn, 1);
                    break;
                case Kind.UnevictableAnon:
                    pfn = rig.AddFolio(extra: PageFlags.Unevictable | PageFlags.Mlocked);
                    break;
                case Kind.FileUnderWriteback:
                    pfn = rig.AddFolio(rig.FileWithMigrate);
                    rig.Kernel.FolioWait.FolioStartWriteback(pfn, null);
                    break;
                case Kind.DirtyFileNoMigrateFolio:
                    pfn = rig.AddFolio(rig.File, extra: PageFlags.Dirty);
                    break;
                case Kind.DirtyFileWithMigrateFolio:
                    pfn = rig.AddFolio(rig.FileWithMigrate, extra: PageFlags.Dirty);
                    break;
                case Kind.DirtyAnon:
                    pfn = rig.AddFolio(extra: PageFlags.Dirty);
                    break;
                case Kind.AnonWithExtraRef:
                    pfn = rig.AddFolio();
                    rig.Kernel.Refs.AddExtraRefs(pfn, 1);
                    break;
                default:
                    pfn = rig.AddFolio();
                    break;
            }

            placed.Add(pfn, kind);
        }

        int first = placed.Keys.Min();
        Assert.All(placed.Keys, p => Assert.Equal(first >> MmConstants.PageblockOrder, p >> MmConstants.PageblockOrder));
        return placed;
    }
}
