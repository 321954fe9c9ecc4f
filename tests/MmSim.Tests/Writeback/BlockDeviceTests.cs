using MmSim.Block;
using MmSim.Sim;

namespace MmSim.Tests.Writeback;

/// <summary>The block device queue: service time, queue depth, FIFO order and the faults.</summary>
public class BlockDeviceTests
{
    private const long Us = SimTime.NsPerUs;

    private static BlockRequest Rq(BlockDevice dev, long bytes, List<(int Id, long Ns)> done, Simulator sim, int id)
    {
        BlockRequest rq = dev.AllocRequest(BlockOp.Write);
        rq.Bytes = bytes;
        rq.EndIo = _ => done.Add((id, sim.Now));
        return rq;
    }

    [Fact]
    public void Service_time_is_latency_plus_bytes_over_bandwidth_and_transfers_serialise()
    {
        var sim = new Simulator(1);
        // 1 MiB/s: 1024 bytes take 976.5625 µs; latency 100 µs.
        var dev = new BlockDevice(sim, new BlockDeviceParams("sdx", QueueDepth: 4, LatencyNs: 100 * Us, BandwidthBytesPerSec: 1 << 20));
        var done = new List<(int Id, long Ns)>();
        dev.Submit(Rq(dev, 1 << 20, done, sim, 1));
        dev.Submit(Rq(dev, 1 << 20, done, sim, 2));
        sim.Run(10 * SimTime.NsPerSec);
        Assert.Equal([(1, SimTime.NsPerSec + 100 * Us), (2, 2 * SimTime.NsPerSec + 100 * Us)], done);
        Assert.Equal(2, dev.Completed);
        Assert.Equal(2L << 20, dev.BytesCompleted);
        Assert.Equal(0, dev.InFlight);
    }

    [Fact]
    public void Only_queue_depth_requests_are_in_service_and_the_rest_dispatch_in_order()
    {
        var sim = new Simulator(1);
        var dev = new BlockDevice(sim, new BlockDeviceParams("sdx", QueueDepth: 2, LatencyNs: 1000 * Us, BandwidthBytesPerSec: long.MaxValue / 2));
        var done = new List<(int Id, long Ns)>();
        for (int i = 0; i < 5; i++)
        {
            dev.Submit(Rq(dev, 4096, done, sim, i));
        }

        Assert.Equal(2, dev.InFlight);
        Assert.Equal(3, dev.Queued);
        sim.Run(10 * SimTime.NsPerSec);
        Assert.Equal([0, 1, 2, 3, 4], done.ConvertAll(d => d.Id));

        // Pure latency, depth 2: pairs complete together, one latency apart.
        Assert.Equal(1000 * Us, done[0].Ns);
        Assert.Equal(1000 * Us, done[1].Ns);
        Assert.Equal(2000 * Us, done[2].Ns);
        Assert.Equal(3000 * Us, done[4].Ns);
    }

    [Fact]
    public void A_device_that_never_completes_keeps_its_requests_and_a_submitter_sleeps_for_a_tag()
    {
        var sim = new Simulator(1);
        var dev = new BlockDevice(sim, new BlockDeviceParams("sdx", QueueDepth: 2, NrRequests: 3, NeverCompletes: true));
        var done = new List<(int Id, long Ns)>();
        SimTask t = sim.Spawn("writer", Submitter(dev, 4, done, sim));
        sim.Run(SimTime.NsPerSec);
        Assert.Empty(done);
        Assert.Equal(2, dev.InFlight);
        Assert.Equal(1, dev.Queued);
        Assert.Equal(TaskState.Uninterruptible, t.State);
        Assert.Equal(BlockDevice.SiteGetTag, t.WaitSite);
        Assert.Same(dev, t.WaitingOn);
    }

    [Fact]
    public void A_stall_holds_completions_until_it_ends()
    {
        var sim = new Simulator(1);
        long ms = SimTime.NsPerMs;
        var dev = new BlockDevice(sim, new BlockDeviceParams("sdx", LatencyNs: ms, BandwidthBytesPerSec: long.MaxValue / 2, StallFromNs: 10 * ms, StallUntilNs: 50 * ms));
        var done = new List<(int Id, long Ns)>();
        dev.Submit(Rq(dev, 4096, done, sim, 1));
        sim.Schedule(20 * ms, () => dev.Submit(Rq(dev, 4096, done, sim, 2)));
        sim.Run(SimTime.NsPerSec);
        Assert.Equal([(1, ms), (2, 50 * ms)], done);
    }

    private static IEnumerable<Wait> Submitter(BlockDevice dev, int n, List<(int Id, long Ns)> done, Simulator sim)
    {
        for (int i = 0; i < n; i++)
        {
            yield return Wait.Call(dev.SubmitBio(Rq(dev, 4096, done, sim, i)));
        }
    }
}
