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

    private sealed class CheckOnSwitch(LinuxKernel kernel, int seed) : ISchedTraceSink
    {
        public int Checks { get; private set; }

        public void Record(in SchedTraceEvent traceEvent)
        {
            if (traceEvent.Kind is SchedTraceKind.Switch or SchedTraceKind.ProcessExit)
            {
                Checks++;
                KernelChecker.Verify(kernel, $"seed {seed}: {traceEvent}");
            }
        }
    }

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
        var check = new CheckOnSwitch(rig.Kernel, seed);
        rig.Sim.TraceSink = check;
        for (int t = 0; t < rng.Next(1, 3); t++)
        {
            var box = new FuseDevReader?[1];
            SimTask task = rig.Sim.Spawn("fuse-server" + t, Server(rig, box, new Random(rng.Next())));
            box[0] = new FuseDevReader(task, splice: false);
            rig.Conn.RegisterReader(box[0]!);
        }

        var files = new List<CachedFile>();
        for (int i = 0; i < 3; i++)
        {
            files.Add(rig.Open("f" + i, rng.Next(8, 300)));
        }

        for (int t = 0; t < 3; t++)
        {
            rig.Sim.Spawn("io" + t, Io(rig, files, new Random(rng.Next())));
        }

        rig.Sim.Spawn("migrate", Migrator(rig, files, new Random(rng.Next())));
        long abortAt = rng.Next(5) == 0 ? rng.Next(100, 800) * Ms : long.MaxValue;
        for (long now = 10 * Ms; now <= 1000 * Ms; now += 10 * Ms)
        {
            rig.Sim.Run(now);
            if (now >= abortAt && rig.Conn.Connected)
            {
                rig.Kernel.FuseAbort("fuse");
            }
        }

        rig.Verify($"seed {seed} end");
        var copies = (FuseTempPages)rig.Ops.Copies!;
        Assert.Equal(copies.NrTempPages, rig.Kernel.Node.NrWritebackTemp);
        Assert.True(check.Checks > 50, $"{check.Checks} checks");
    }

    // A server thread: answers after a random service time; now and then it stalls for a long while.
    private static IEnumerable<Wait> Server(FuseRig rig, FuseDevReader?[] box, Random rng)
    {
        FuseDevReader reader = box[0]!;
        while (rig.Conn.Connected)
        {
            yield return Wait.Call(rig.Conn.DevRead(reader));
            if (reader.Req is null)
            {
                yield break;
            }

            long service = rng.Next(10) == 0 ? rng.Next(50, 400) * Ms : rng.Next(10, 2000) * 1000L;
            yield return Wait.Sleep(service);
            rig.Conn.DevWrite(reader, rng.Next(20) == 0 ? -5 : 0);
        }
    }

    private static IEnumerable<Wait> Io(FuseRig rig, List<CachedFile> files, Random rng)
    {
        var stats = new AllocTally();
        for (int op = 0; op < 200; op++)
        {
            CachedFile f = files[rng.Next(files.Count)];
            long index = rng.Next((int)f.NrPages);
            int roll = rng.Next(100);
            if (roll < 50)
            {
                yield return Wait.Call(rig.Kernel.Write(f, index, stats));
            }
            else if (roll < 62)
            {
                yield return Wait.Call(rig.Kernel.SharedWriteFault(f, index, stats));
            }
            else if (roll < 78)
            {
                yield return Wait.Call(rig.Kernel.Read(f, index, rng.Next(1, 16), stats));
            }
            else if (roll < 84)
            {
                yield return Wait.Call(rig.Kernel.Fsync(f));
            }
            else if (roll < 90)
            {
                yield return Wait.Call(rig.Kernel.Close(f));
            }
            else if (roll < 93)
            {
                rig.Kernel.DropCaches(1);
            }

            yield return Wait.Sleep(rng.Next(1, 5000) * 1000L);
        }
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
