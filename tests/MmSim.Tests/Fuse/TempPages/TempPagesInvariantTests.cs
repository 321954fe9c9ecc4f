using MmSim.Fs;
using MmSim.Fs.Fuse;
using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Filemap;
using MmSim.Mm.Migrate;
using MmSim.Mm.Writeback;
using MmSim.Sim;
using MmSim.Tests.Support;

namespace MmSim.Tests.Fuse.TempPages;

/// <summary>
/// Copies in flight = NR_WRITEBACK_TEMP = allocated temp pages (or pool pages in use), every copy belongs to a live
/// request, pool free + used = size, and every other kernel invariant, after every scheduler event, while writers, mmap
/// writers, readers, fsync, close, drop_caches, MIGRATE_SYNC migration of file folios, the flusher and a server that
/// slows, stalls, resumes and is sometimes aborted run on a 6.15 temp-page or pool mount.
/// </summary>
public class TempPagesInvariantTests
{
    private const long Ms = FuseRig.Ms;

    public static TheoryData<int> Seeds() => SeedRange.UpTo(100);

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Temp_page_invariants_hold_after_every_event(int seed)
    {
        var rng = new Random(seed);
        bool pool = rng.Next(2) == 0;
        var design = new WritebackDesign
        {
            FuseWriteback = pool ? FuseWritebackMode.TempPool : FuseWritebackMode.TempPages,
            FuseSetsReclaimFlag = false,
            TempPoolPages = rng.Next(1, 5) * 64,
        };
        var rig = new FuseRig(
            new FuseMountOptions { MaxBackground = rng.Next(1, 13), CongestionThreshold = rng.Next(1, 10), MaxPages = rng.Next(1, 33), WritebackCache = rng.Next(4) != 0 },
            "6.15",
            design,
            writeback: new WritebackSysctl { DirtyBytes = rng.Next(1, 8) << 20, DirtyBackgroundBytes = rng.Next(1, 4) << 20, DirtyExpireCentisecs = 50, DirtyWritebackCentisecs = 20 },
            normalPages: 1 << 13,
            seed: (ulong)seed);
        var check = new FuseChaos.CheckOnSwitch(rig.Kernel, seed);
        rig.Sim.TraceSink = check;
        FuseChaos.SpawnServers(rig, rng.Next(1, 3), rng, () => false);

        var files = new List<CachedFile>();
        for (int i = 0; i < 3; i++)
        {
            files.Add(rig.Open("f" + i, rng.Next(8, 300)));
        }

        FuseChaos.SpawnIo(rig, 3, files, rng, 200, new FuseChaos.IoMix(50, 62, 78, 84, 90, 93), (_, _) => rig.Kernel.DropCaches(1));

        rig.Sim.Spawn("migrate", Migrator(rig, files, new Random(rng.Next())));
        long abortAt = rng.Next(5) == 0 ? rng.Next(100, 800) * Ms : long.MaxValue;
        FuseChaos.RunWithAbort(rig, abortAt, 1000);
        rig.Verify($"seed {seed} end");
        var copies = (FuseTempPages)rig.Ops.Copies!;
        Assert.Equal(copies.NrTempPages, rig.Kernel.Node.NrWritebackTemp);
        Assert.True(check.Checks > 50, $"{check.Checks} checks");
    }

    // MIGRATE_SYNC of random cached folios: those with a copy in flight move at once, those under writeback wait.
    private static IEnumerable<Wait> Migrator(FuseRig rig, List<CachedFile> files, Random rng)
    {
        for (int op = 0; op < 60; op++)
        {
            yield return Wait.Sleep(rng.Next(1, 30) * Ms);
            CachedFile f = files[rng.Next(files.Count)];
            int pfn = f.Pfn[rng.Next((int)f.NrPages)];
            if (pfn < 0 || !rig.Pages[pfn].Has(PageFlags.Lru) || !rig.Kernel.Migrate.FolioIsolateLru(pfn))
            {
                continue;
            }

            var list = new MigrateList();
            list.Add(pfn);
            var result = new MigrateResult();
            yield return Wait.Call(rig.Kernel.Migrate.MigratePages(rig.Kernel.Current, list,
                (_, order) => rig.Kernel.AllocPages(GfpFlags.HighUserMovable, order, OwnerKind.File), null, MigrateMode.Sync, MigrateReason.Syscall, result));
        }
    }
}
