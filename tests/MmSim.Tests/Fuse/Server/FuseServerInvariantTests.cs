using MmSim.Fs.Fuse;
using MmSim.Mm;
using MmSim.Mm.Filemap;
using MmSim.Scenario;
using MmSim.Sim;
using MmSim.Tests.Support;

namespace MmSim.Tests.Fuse.Server;

/// <summary>
/// Every kernel invariant and the server's own check hold every 2 ms while writers, mmap stores,
/// reads, fsync and close go through a FUSE mount whose server is healthy, slow, stalls, never writes or dies.
/// </summary>
public class FuseServerInvariantTests
{
    private const long Ms = ServerRig.Ms;

    public static TheoryData<int> Seeds() => SeedRange.UpTo(20);

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Invariants_hold_whatever_the_server_does(int seed)
    {
        var rng = new Random(seed);
        var behaviour = (FuseServerBehaviour)(seed % 5);
        long at = rng.Next(10, 250) * Ms;
        FuseServerWorkloadConfig config = ServerRig.Config(
            threads: rng.Next(1, 5),
            write: new DistributionSpec(MmSim.Scenario.DistributionKind.Exp, rng.Next(5, 200) * SimTime.NsPerUs, 0, 0),
            other: new DistributionSpec(MmSim.Scenario.DistributionKind.Exp, rng.Next(5, 500) * SimTime.NsPerUs, 0, 0),
            behaviour: behaviour,
            stallAtNs: behaviour == FuseServerBehaviour.Stall ? at : -1,
            resumeAtNs: behaviour == FuseServerBehaviour.Stall && rng.Next(2) == 0 ? at + (rng.Next(10, 400) * Ms) : -1,
            dieAtNs: behaviour == FuseServerBehaviour.Die ? at : -1,
            slowFactor: behaviour == FuseServerBehaviour.Slow ? rng.Next(2, 20) : 1,
            splicePercent: rng.Next(0, 101));
        var rig = new ServerRig(config, (ulong)seed, cgroup: rng.Next(2) == 0 ? "fused" : null, maxBackground: rng.Next(1, 16), mounted: true);
        var files = new List<CachedFile>();
        for (int i = 0; i < 3; i++)
        {
            files.Add(rig.Kernel.OpenFile("fuse0", "f" + i, rng.Next(16, 256)));
        }

        for (int t = 0; t < 3; t++)
        {
            rig.Sim.Spawn("io" + t, Io(rig, files, new Random(rng.Next())));
        }

        for (long now = 2 * Ms; now <= 500 * Ms; now += 2 * Ms)
        {
            rig.RunTo(now);
        }

        Assert.True(rig.Conn.Sent > 0);
        Assert.Null(rig.Server.Verify());
    }

    private static IEnumerable<Wait> Io(ServerRig rig, List<CachedFile> files, Random rng)
    {
        var stats = new AllocTally();
        for (int op = 0; op < 300; op++)
        {
            CachedFile f = files[rng.Next(files.Count)];
            long index = rng.Next((int)f.NrPages);
            int roll = rng.Next(100);
            if (roll < 70)
            {
                yield return Wait.Call(rig.Kernel.Write(f, index, stats));
            }
            else if (roll < 80)
            {
                yield return Wait.Call(rig.Kernel.SharedWriteFault(f, index, stats));
            }
            else if (roll < 88)
            {
                yield return Wait.Call(rig.Kernel.Read(f, index, 1, stats));
            }
            else if (roll < 94)
            {
                yield return Wait.Call(rig.Kernel.Fsync(f));
            }
            else
            {
                yield return Wait.Call(rig.Kernel.Close(f));
            }

            yield return Wait.Sleep(rng.Next(1, 2000) * SimTime.NsPerUs);
        }
    }
}
