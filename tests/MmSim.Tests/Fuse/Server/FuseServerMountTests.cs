using MmSim.Fs.Fuse;
using MmSim.Mm;
using MmSim.Mm.Filemap;
using MmSim.Scenario;
using MmSim.Sim;
using MmSim.Workloads.Timed;

namespace MmSim.Tests.Fuse.Server;

/// <summary>The server behind a real FUSE mount: writeback and fsync reach it, and it answers them.</summary>
public class FuseServerMountTests
{
    private const long Ms = ServerRig.Ms;

    [Fact]
    public void Fsync_of_a_fuse_file_is_written_back_through_the_server_and_answered()
    {
        var rig = new ServerRig(ServerRig.Config(threads: 2, write: ServerRig.Const(20 * SimTime.NsPerUs)), mounted: true);
        CachedFile file = rig.Kernel.OpenFile("fuse0", "data", 256);
        bool synced = false;
        SimTask writer = rig.Sim.Spawn("dd", Body());

        rig.RunTo(2 * SimTime.NsPerSec);
        Assert.True(synced);
        Assert.Equal(TaskState.Dead, writer.State);
        Assert.Equal(0, file.NrWriteback);
        Assert.Equal(1, rig.Stats.Metric("answered_fsync"));
        Assert.Equal(100, rig.Stats.Metric(FuseServerMetrics.PagesWritten)); // every dirty page reached the backing file once
        Assert.True(rig.Stats.Metric("answered_write") >= 100 / rig.Conn.Options.MaxPages);

        IEnumerable<Wait> Body()
        {
            var stats = new AllocTally();
            for (long i = 0; i < 100; i++)
            {
                yield return Wait.Call(rig.Kernel.Write(file, i, stats));
            }

            yield return Wait.Call(rig.Kernel.Fsync(file));
            synced = true;
        }
    }

    [Fact]
    public void Fsync_on_a_stalled_server_sleeps_with_a_chain_to_the_server()
    {
        var rig = new ServerRig(ServerRig.Config(threads: 1, behaviour: FuseServerBehaviour.Stall, stallAtNs: 1 * Ms), mounted: true);
        CachedFile file = rig.Kernel.OpenFile("fuse0", "data", 64);
        SimTask writer = rig.Sim.Spawn("dd", Body());

        rig.RunTo(5 * SimTime.NsPerSec);
        Assert.Equal(TaskState.Uninterruptible, writer.State);
        WaitChain chain = WaitChain.Walk(writer);
        Assert.False(chain.HasCycle);
        Assert.Equal(rig.Thread(0).Pid, chain.Links[^1].Pid);
        Assert.Equal(FuseServer.SiteDoSignalStop, chain.Links[^1].WaitSite);

        IEnumerable<Wait> Body()
        {
            yield return Wait.Sleep(2 * Ms);
            var stats = new AllocTally();
            for (long i = 0; i < 16; i++)
            {
                yield return Wait.Call(rig.Kernel.Write(file, i, stats));
            }

            yield return Wait.Call(rig.Kernel.Fsync(file));
        }
    }
}
