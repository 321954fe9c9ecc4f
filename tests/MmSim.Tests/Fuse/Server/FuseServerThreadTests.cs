using MmSim.Fs.Fuse;
using MmSim.Scenario;
using MmSim.Sim;
using MmSim.Tests.Support;
using MmSim.Workloads.Timed;

namespace MmSim.Tests.Fuse.Server;

/// <summary>The server's threads: concurrency, service times, naming, splice.</summary>
public class FuseServerThreadTests
{
    private const long Ms = ServerRig.Ms;

    [Fact]
    public void N_threads_serve_N_requests_at_once()
    {
        var rig = new ServerRig(ServerRig.Config(threads: 4, write: ServerRig.Const(10 * Ms)));
        FuseReq[] reqs = [.. Enumerable.Range(0, 4).Select(_ => rig.QueueBackground(FuseOpcode.Write))];

        rig.RunTo(5 * Ms);
        Assert.All(reqs, r => Assert.Equal(FuseReqState.Processing, r.State));
        Assert.Equal(4, reqs.Select(r => r.Holder!.Pid).Distinct().Count());

        // One service time later all four are answered: served side by side, not one after another (40 ms).
        rig.RunTo(15 * Ms);
        Assert.All(reqs, r => Assert.Equal(FuseReqState.Ended, r.State));
        Assert.All(reqs, r => Assert.Equal(0, r.Error));
        Assert.Equal(4, rig.Stats.Metric("answered_write"));
        Assert.Equal(4, rig.Stats.Metric(FuseServerMetrics.PagesWritten));
    }

    [Fact]
    public void One_thread_serves_them_one_after_another()
    {
        var rig = new ServerRig(ServerRig.Config(threads: 1, write: ServerRig.Const(10 * Ms)));
        FuseReq[] reqs = [.. Enumerable.Range(0, 4).Select(_ => rig.QueueBackground(FuseOpcode.Write))];

        rig.RunTo(25 * Ms);
        Assert.Equal(2, reqs.Count(r => r.State == FuseReqState.Ended));
        Assert.Equal(FuseReqState.Processing, reqs[2].State);
        Assert.Equal(FuseReqState.Pending, reqs[3].State);
    }

    [Fact]
    public void Threads_are_named_like_a_process_and_its_clones()
    {
        var rig = new ServerRig(ServerRig.Config(threads: 3));
        Assert.Equal(["fuse-server", "fuse-server1", "fuse-server2"], rig.Server.Readers.Select(r => r.Task.Comm));
        Assert.Same(rig.Server.Readers, rig.Server.Readers);
        Assert.Equal(3, rig.Conn.Readers.Count);
    }

    [Fact]
    public void The_first_share_of_threads_reads_with_splice()
    {
        var rig = new ServerRig(ServerRig.Config(threads: 4, splicePercent: 50, write: ServerRig.Const(10 * Ms)));
        Assert.Equal([true, true, false, false], rig.Server.Readers.Select(r => r.Splice));
        FuseReq[] reqs = [.. Enumerable.Range(0, 4).Select(_ => rig.QueueBackground(FuseOpcode.Write))];
        rig.RunTo(5 * Ms);
        Assert.Equal(2, reqs.Count(r => r.Spliced));
        Assert.All(reqs, r => Assert.Equal(rig.Server.Readers.Single(x => x.Task == r.Holder).Splice, r.Spliced));
    }

    [Fact]
    public void A_write_costs_its_per_page_service_time_times_its_pages()
    {
        var rig = new ServerRig(ServerRig.Config(write: ServerRig.Const(1 * Ms)));
        FuseReq req = rig.QueueBackground(FuseOpcode.Write, pages: 8);
        rig.RunTo(7 * Ms + 900 * SimTime.NsPerUs);
        Assert.Equal(FuseReqState.Processing, req.State);
        rig.RunTo(12 * Ms);
        Assert.Equal(FuseReqState.Ended, req.State);
        Assert.Equal(8, rig.Stats.Metric(FuseServerMetrics.PagesWritten));
        Assert.InRange(rig.Stats.Metric(FuseServerMetrics.ServiceNsMax), 8 * Ms, 9 * Ms);
    }

    [Fact]
    public void A_slow_server_multiplies_service_times()
    {
        var rig = new ServerRig(ServerRig.Config(other: ServerRig.Const(1 * Ms), behaviour: FuseServerBehaviour.Slow, slowFactor: 5));
        FuseReq req = rig.QueueBackground(FuseOpcode.Setattr, pages: 0);
        rig.RunTo(4 * Ms);
        Assert.Equal(FuseReqState.Processing, req.State);
        rig.RunTo(6 * Ms);
        Assert.Equal(FuseReqState.Ended, req.State);
        Assert.Equal(5 * Ms, rig.Stats.Metric(FuseServerMetrics.ServiceNsMax));
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Service_times_follow_the_distribution_and_the_seed(int seedNo)
    {
        ulong seed = (ulong)seedNo;
        const int N = 2000;
        var uniform = new DistributionSpec(MmSim.Scenario.DistributionKind.Uniform, 1 * Ms, 3 * Ms, 0);
        (long total, long max, long min) = Serve(seed, uniform, N);
        Assert.InRange(min, 1 * Ms, 3 * Ms);
        Assert.InRange(max, 1 * Ms, 3 * Ms);
        Assert.InRange(total / N, 1_950 * SimTime.NsPerUs, 2_050 * SimTime.NsPerUs); // mean 2 ms; σ/√N ≈ 13 µs

        // The same seed gives the same times; another seed gives others.
        Assert.Equal((total, max, min), Serve(seed, uniform, N));
        Assert.NotEqual(total, Serve(seed + 1000, uniform, N).Total);
    }

    public static TheoryData<int> Seeds() => SeedRange.UpTo(3);

    // One thread answers N FUSE_SETATTR requests (no work besides the service time): their latencies.
    private static (long Total, long Max, long Min) Serve(ulong seed, DistributionSpec spec, int n)
    {
        var rig = new ServerRig(ServerRig.Config(other: spec), seed);
        long min = long.MaxValue;
        FuseReq[] reqs = [.. Enumerable.Range(0, n).Select(_ => rig.QueueBackground(FuseOpcode.Setattr, pages: 0))];
        var ended = new long[n];
        for (int i = 0; i < n; i++)
        {
            int k = i;
            reqs[i].End = r => ended[k] = rig.Sim.Now;
        }

        rig.RunTo(n * 4 * Ms);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(FuseReqState.Ended, reqs[i].State);
            min = Math.Min(min, ended[i] - (i == 0 ? 0 : ended[i - 1]));
        }

        return (rig.Stats.Metric(FuseServerMetrics.ServiceNsTotal), rig.Stats.Metric(FuseServerMetrics.ServiceNsMax), min);
    }
}
