using MmSim.Runs;
using MmSim.Scenario;
using MmSim.Sim;
using MmSim.Tests.Scenario;
using MmSim.Workloads;
using MmSim.Workloads.Timed;

namespace MmSim.Tests.Fuse.Server;

/// <summary>The shipped FUSE scenarios load and run: the stalled server hangs its users with chains to it, the healthy one does not.</summary>
public class FuseScenarioRunTests
{
    [Fact]
    public void The_stalled_server_scenario_reports_hung_tasks_whose_chains_end_at_the_stopped_server()
    {
        ScenarioRunner runner = Run("default.yaml", out IReadOnlyList<WorkloadResult> results);
        IReadOnlyList<HungTaskReport> hung = runner.Timed!.Daemons.Khungtaskd.Reports;
        Assert.NotEmpty(hung);
        Assert.All(hung, r =>
        {
            WaitChainLink end = r.Chain.Links[^1];
            Assert.StartsWith("fuse-server", end.Comm, StringComparison.Ordinal);
            Assert.Equal(FuseServer.SiteDoSignalStop, end.WaitSite);
        });

        // A MIGRATE_SYNC user is among them: the offline of the ZONE_MOVABLE block, which never ends.
        Assert.Contains(hung, r => r.Comm == "steps" && r.Chain.Links[0].WaitSite == "folio_wait_writeback");
        WorkloadStats server = results.Single(r => r.Type == "fuse_server").Stats;
        Assert.True(server.Metric(FuseServerMetrics.StalledNs) > 0);
        Assert.True(server.Metric(FuseServerMetrics.PagesWritten) > 0);
        Assert.Empty(runner.Timed.Daemons.Deadlocks.Deadlocks);
    }

    [Fact]
    public void The_healthy_scenario_answers_everything_and_hangs_nothing()
    {
        ScenarioRunner runner = Run("fuse-healthy.yaml", out IReadOnlyList<WorkloadResult> results);
        Assert.Empty(runner.Timed!.Daemons.Khungtaskd.Reports);
        Assert.Empty(runner.Timed.Daemons.Deadlocks.Deadlocks);
        WorkloadStats server = results.Single(r => r.Type == "fuse_server").Stats;
        Assert.True(server.Metric("answered_write") > 0);
        Assert.True(server.Metric("answered_fsync") > 0);
        Assert.Equal(0, server.Metric(FuseServerMetrics.StalledNs));
    }

    private static ScenarioRunner Run(string file, out IReadOnlyList<WorkloadResult> results)
    {
        ScenarioConfig config = ScenarioLoader.Load(Path.Combine(TestFiles.RepoRoot, "scenarios", file)).Config
            ?? throw new InvalidOperationException($"{file} does not load");
        var runner = new ScenarioRunner(config, new RunOptions());
        results = runner.Run();
        return runner;
    }
}
