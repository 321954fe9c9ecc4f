using MmSim.Mm.Filemap;
using MmSim.Mm.Writeback;
using MmSim.Sim;
using MmSim.Tests.Support;

namespace MmSim.Tests.Writeback;

/// <summary>
/// Dirty and writeback counts equal the flags (per file, per node, per wb) and every kernel invariant
/// holds after every step, while writers, mmap writers, fsync, sync, truncate and the flushers of two
/// mounts with random devices run together.
/// </summary>
public class WritebackInvariantTests
{
    private const long Ms = SimTime.NsPerMs;

    public static TheoryData<int> Seeds() => SeedRange.UpTo(100);

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Writeback_counts_match_the_flags_through_concurrent_io(int seed)
    {
        var rng = new Random(seed);
        Block.BlockDeviceParams Dev(string n) => WritebackRig.Dev(n, bandwidth: (1L << 20) * rng.Next(1, 64), latencyNs: rng.Next(1, 20) * Ms);
        var rig = new WritebackRig(
            [WritebackRig.Mount("root", Dev("sda"), stable: rng.Next(2) == 0), WritebackRig.Mount("slow", Dev("sdb"), strict: rng.Next(2) == 0, maxRatio: rng.Next(1, 100))],
            new WritebackSysctl { DirtyBytes = rng.Next(1, 16) << 20, DirtyBackgroundBytes = rng.Next(1, 8) << 20, DirtyExpireCentisecs = 50, DirtyWritebackCentisecs = 20 },
            normalPages: 1 << 13,
            seed: (ulong)seed);
        var files = new List<CachedFile>();
        for (int i = 0; i < 4; i++)
        {
            files.Add(rig.Kernel.OpenFile(i % 2 == 0 ? null : "slow", "f" + i, rng.Next(16, 512)));
        }

        var tasks = new List<SimTask>();
        for (int t = 0; t < 4; t++)
        {
            tasks.Add(rig.Kernel.Sim.Spawn("io" + t, Io(rig, files, new Random(rng.Next()))));
        }

        for (long now = Ms; now <= 1500 * Ms; now += Ms)
        {
            rig.Kernel.Sim.Run(now);
            rig.Verify($"seed {seed} at {now}");
        }

        Assert.Null(rig.Cache.VerifyWritebackCounts());
    }

    private static IEnumerable<Wait> Io(WritebackRig rig, List<CachedFile> files, Random rng)
    {
        var stats = new Mm.AllocTally();
        for (int op = 0; op < 400; op++)
        {
            CachedFile f = files[rng.Next(files.Count)];
            long index = rng.Next((int)f.NrPages);
            int roll = rng.Next(100);
            if (roll < 70)
            {
                yield return Wait.Call(rig.Cache.Write(f, index, stats));
            }
            else if (roll < 80)
            {
                yield return Wait.Call(rig.Cache.SharedWriteFault(f, index, stats));
            }
            else if (roll < 88)
            {
                yield return Wait.Call(rig.Kernel.Fsync(f));
            }
            else if (roll < 92)
            {
                yield return Wait.Call(rig.Kernel.SyncAll());
            }
            else if (roll < 96)
            {
                yield return Wait.Call(rig.Cache.UnlinkWait(f));
            }
            else
            {
                rig.Kernel.Flusher.WakeupFlusherThreads(WbReason.Vmscan);
            }

            yield return Wait.Sleep(rng.Next(1, 2000) * 1000L);
        }
    }
}
