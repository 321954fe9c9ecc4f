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
        var check = new FuseChaos.CheckOnSwitch(rig.Kernel, seed);
        rig.Sim.TraceSink = check;

        FuseChaos.SpawnServers(rig, rng.Next(1, 4), rng, () => rng.Next(2) == 0);

        var files = new List<CachedFile>();
        for (int i = 0; i < 3; i++)
        {
            files.Add(rig.Open("f" + i, rng.Next(8, 200)));
        }

        FuseChaos.SpawnIo(rig, 4, files, rng, 300, new FuseChaos.IoMix(50, 62, 80, 85, 90, 94), (f, index) =>
        {
            // cancel-writeback's TryCancelWriteback on a folio under writeback, as a waiter past T would.
            int pfn = f.Pfn[index];
            if (pfn >= 0 && rig.Pages[pfn].Has(PageFlags.Writeback) && rig.Kernel.FolioWait.FolioTrylock(pfn))
            {
                rig.Ops.TryCancelWriteback(pfn);
                rig.Kernel.FolioWait.FolioUnlock(pfn);
            }
        });

        long abortAt = rng.Next(4) == 0 ? rng.Next(100, 1500) * Ms : long.MaxValue;
        FuseChaos.RunWithAbort(rig, abortAt, 2000);
        rig.Verify($"seed {seed} end");
        Assert.True(check.Checks > 100, $"{check.Checks} checks");
    }
}
