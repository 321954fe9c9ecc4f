using MmSim.Runs;
using MmSim.Scenario;
using MmSim.Tests.Scenario;
using MmSim.Workloads;
using MmSim.Workloads.Timed;

namespace MmSim.Tests.Writeback;

/// <summary>The <c>dbmix</c> workload: the shipped example runs with every metric moving; bad input names its field.</summary>
public class DbMixWorkloadTests
{
    [Fact]
    public void The_example_writes_reads_fsyncs_and_is_throttled_on_the_slow_disk()
    {
        ScenarioConfig config = ScenarioLoader.Load(Path.Combine(TestFiles.RepoRoot, "scenarios", "examples", "dbmix.yaml")).Config
            ?? throw new InvalidOperationException("the example does not load");
        var c = (DbMixWorkloadConfig)Assert.Single(config.Workloads);
        var runner = new ScenarioRunner(config, new RunOptions());
        WorkloadStats s = Assert.Single(runner.Run()).Stats;

        Assert.True(s.Metric(DbMixWorkload.BytesWritten) > 0);
        Assert.True(s.Metric(DbMixWorkload.BytesRead) > 0);
        Assert.True(s.Metric(DbMixWorkload.LogBytes) > 0);

        // One commit per fsync_interval at most (the next one starts an interval after the last ended).
        long fsyncs = s.Metric(DbMixWorkload.Fsyncs);
        Assert.InRange(fsyncs, 1, config.DurationNs / c.FsyncIntervalNs);
        Assert.True(s.Metric(DbMixWorkload.FsyncNsMax) > 0);
        Assert.True(s.Metric(DbMixWorkload.FsyncNsMax) * fsyncs >= s.Metric(DbMixWorkload.FsyncNsTotal));

        // 8000 pages/s (31 MiB/s) into a 10 MiB/s disk: the writer's hot set (25 MiB) passes dirty_bytes (16 MiB) and it sleeps in balance_dirty_pages.
        Assert.True(s.Metric(DbMixWorkload.ThrottledNs) > 0);
        Assert.True(runner.Kernel!.Fs.Find("db")!.Bdi.Wb.Lifetimes.Count > 0);
    }

    [Fact]
    public void Bad_dbmix_fields_are_reported()
    {
        string[] errors = TestFiles.Errors(TestFiles.Minimal(
            "workloads:\n  - { type: dbmix, size: 1MiB, write_rate: 10/s, read_rate: 1/s, log_rate: 1/s, log: db.data }\n"
            + "  - { type: dbmix, size: 1MiB, read_rate: 1/s, log_rate: 1/s, hot: 0% }\n"
            + "  - { type: dbmix, size: 1MiB, write_rate: 10/s, read_rate: 1/s, log_rate: 1/s, mount: nope, fsync_interval: 0s }\n"));
        Assert.Contains(errors, e => e.Contains("workloads[0].log", StringComparison.Ordinal) && e.Contains("another file", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("workloads[1].write_rate", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("workloads[1].hot", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("workloads[2].fsync_interval", StringComparison.Ordinal));
        Assert.All(errors, e => Assert.StartsWith("test.yaml:", e, StringComparison.Ordinal));
    }

    [Fact]
    public void A_dbmix_naming_an_unknown_mount_is_an_error()
    {
        string[] errors = TestFiles.Errors(TestFiles.Minimal(
            "mounts:\n  - { name: data }\nworkloads:\n  - { type: dbmix, size: 1MiB, write_rate: 10/s, read_rate: 1/s, log_rate: 1/s, mount: nope }\n"));
        Assert.Contains(errors, e => e.Contains("dbmix names mount 'nope'", StringComparison.Ordinal));
    }
}
