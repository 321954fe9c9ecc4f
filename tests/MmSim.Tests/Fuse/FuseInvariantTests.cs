using MmSim.Fs;
using MmSim.Fs.Fuse;
using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Filemap;
using MmSim.Mm.Writeback;
using MmSim.Sim;
using MmSim.Tests.Support;

namespace MmSim.Tests.Fuse;

/// <summary>
/// Every kernel invariant, the FUSE connection's and the mount's included, holds after every scheduler event while
/// writers, mmap writers, readers, fsync, close, the flusher, cancels, a server that slows, stalls and resumes,
/// request timeouts and an abort run together.
/// </summary>
public class FuseInvariantTests
{
    private const long Ms = FuseRig.Ms;

    public static TheoryData<int> Seeds() => SeedRange.UpTo(24);

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
    public void Fuse_invariants_hold_after_every_event(int seed)
    {
        var rng = new Random(seed);
        string[] releases = ["6.15", "6.16", "6.17", "6.18"];
        var rig = new FuseRig(
            new FuseMountOptions
            {
                MaxBackground = rng.Next(1, 13),
                CongestionThreshold = rng.Next(1, 10),
                MaxPages = rng.Next(1, 33),
                WritebackCache = rng.Next(3) != 0,
                RequestTimeoutSecs = rng.Next(3) == 0 ? rng.Next(1, 30) : 0,
            },
            releases[rng.Next(releases.Length)],
            writeback: new WritebackSysctl { DirtyBytes = rng.Next(1, 8) << 20, DirtyBackgroundBytes = rng.Next(1, 4) << 20, DirtyExpireCentisecs = 50, DirtyWritebackCentisecs = 20 },
            normalPages: 1 << 13,
            seed: (ulong)seed);
        var check = new CheckOnSwitch(rig.Kernel, seed);
        rig.Sim.TraceSink = check;

        for (int t = 0; t < rng.Next(1, 4); t++)
        {
            var box = new FuseDevReader?[1];
            SimTask task = rig.Sim.Spawn("fuse-server" + t, Server(rig, box, new Random(rng.Next())));
            box[0] = new FuseDevReader(task, rng.Next(2) == 0);
            rig.Conn.RegisterReader(box[0]!);
        }

        var files = new List<CachedFile>();
        for (int i = 0; i < 3; i++)
        {
            files.Add(rig.Open("f" + i, rng.Next(8, 200)));
        }

        for (int t = 0; t < 4; t++)
        {
            rig.Sim.Spawn("io" + t, Io(rig, files, new Random(rng.Next())));
        }

        long abortAt = rng.Next(4) == 0 ? rng.Next(100, 1500) * Ms : long.MaxValue;
        for (long now = 10 * Ms; now <= 2000 * Ms; now += 10 * Ms)
        {
            rig.Sim.Run(now);
            if (now >= abortAt && rig.Conn.Connected)
            {
                rig.Kernel.FuseAbort("fuse");
            }
        }

        rig.Verify($"seed {seed} end");
        Assert.True(check.Checks > 100, $"{check.Checks} checks");
    }

    // A server thread: answers each request after a random service time; now and then stalls a while, then resumes.
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
        for (int op = 0; op < 300; op++)
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
            else if (roll < 80)
            {
                yield return Wait.Call(rig.Kernel.Read(f, index, rng.Next(1, 16), stats));
            }
            else if (roll < 85)
            {
                yield return Wait.Call(rig.Kernel.Fsync(f));
            }
            else if (roll < 90)
            {
                yield return Wait.Call(rig.Kernel.Close(f));
            }
            else if (roll < 94)
            {
                int pfn = f.Pfn[index];
                if (pfn >= 0 && rig.Pages[pfn].Has(PageFlags.Writeback) && rig.Kernel.FolioWait.FolioTrylock(pfn))
                {
                    rig.Ops.TryCancelWriteback(pfn);
                    rig.Kernel.FolioWait.FolioUnlock(pfn);
                }
            }

            yield return Wait.Sleep(rng.Next(1, 5000) * 1000L);
        }
    }
}
