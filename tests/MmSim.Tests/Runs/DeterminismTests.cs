using MmSim.Runs;
using MmSim.Runs.TimeSeries;
using MmSim.Scenario;
using Parquet;
using Parquet.Schema;

namespace MmSim.Tests.Runs;

public sealed class RunDeterminismTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "mmsim-determinism-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    // Untimed churn first (pre-fragmenting), then timed churn tasks with every daemon; a small hung-task timeout
    // so khungtaskd runs often. Page-cache-less churn at 90 % drives kswapd, boosts and kcompactd.
    private static ScenarioConfig Scenario() => TestScenarios.With(
        TestScenarios.Machine1G(
            "seed: 7\nduration: 3s\nsampling_interval: 500ms\nsysctl:\n  hung_task_timeout_secs: 2\n  hung_task_check_interval_secs: 1\n"
            + "workloads:\n  - type: churn\n    ops: 30000\n    fill: 50%\n"),
        new TestWorkloadConfig(TestBehaviour.Churn, Tasks: 3, FillPercent: 90),
        new TestWorkloadConfig(TestBehaviour.BlockForever));

    private static readonly string[] ResultFiles =
    [
        "summary.json", "timeseries.parquet", "vmstat.parquet", "tasks.parquet", "writeback.parquet", "pageblocks.parquet",
        "proc/buddyinfo", "proc/pagetypeinfo", "proc/vmstat", "proc/zoneinfo",
        "debugfs/extfrag/unusable_index", "debugfs/extfrag/extfrag_index",
    ];

    [Fact]
    public void SameScenarioAndSeedGiveByteIdenticalResultFiles()
    {
        string a = Path.Combine(root, "a");
        string b = Path.Combine(root, "b");
        RunFolder.Execute(Scenario(), TestTimedWorkloads.Options(), a);
        RunFolder.Execute(Scenario(), TestTimedWorkloads.Options(), b);

        // Every file but timing.json, and nothing unexpected.
        string[] files = [.. Directory.GetFiles(a, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(a, f).Replace('\\', '/'))
            .Where(f => f != RunFolder.TimingFile)
            .Order(StringComparer.Ordinal)];
        Assert.Equal(ResultFiles.Order(StringComparer.Ordinal), files);
        foreach (string f in files)
        {
            Assert.True(File.ReadAllBytes(Path.Combine(a, f)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(b, f))), $"{f} differs between identical runs");
        }
    }

    [Fact]
    public void DifferentSeedsGiveDifferentResultFiles()
    {
        string a = Path.Combine(root, "s7");
        string b = Path.Combine(root, "s8");
        RunFolder.Execute(Scenario(), TestTimedWorkloads.Options(), a);
        RunFolder.Execute(Scenario(), TestTimedWorkloads.Options(seed: 8), b);
        foreach (string f in new[] { "summary.json", "timeseries.parquet", "vmstat.parquet", "proc/buddyinfo" })
        {
            Assert.False(File.ReadAllBytes(Path.Combine(a, f)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(b, f))), $"{f} is the same for seeds 7 and 8");
        }
    }

    [Fact]
    public async Task ParquetFilesReadBackWithTheDocumentedColumns()
    {
        string dir = Path.Combine(root, "read");
        RunSummary summary = RunFolder.Execute(Scenario(), TestTimedWorkloads.Options(), dir);
        int zones = summary.Zones.Count;

        await using (ParquetReader ts = await ParquetReader.CreateAsync(Path.Combine(dir, TimeSeriesWriter.TimeSeriesFile), cancellationToken: TestContext.Current.CancellationToken))
        {
            string[] names = [.. ts.Schema.GetDataFields().Select(f => f.Name)];
            Assert.Equal([TimeSeriesColumns.TimeNs, TimeSeriesColumns.Zone, .. TimeSeriesColumns.Numeric], names);
            Assert.Equal(summary.TimeSeriesSamples * zones, ts.Metadata!.NumRows);
            Assert.Contains("free_o9_movable", names);
            Assert.Contains("mixed_unmovable", names);
            Assert.Contains("proactive_score", names);
        }

        await using (ParquetReader vm = await ParquetReader.CreateAsync(Path.Combine(dir, TimeSeriesWriter.VmstatFile), cancellationToken: TestContext.Current.CancellationToken))
        {
            Assert.Equal(["time_ns", "item", "value"], vm.Schema.GetDataFields().Select(f => f.Name));
            Assert.Equal(summary.TimeSeriesSamples * (long)MmSim.Mm.Vmstat.VmstatText.Count, vm.Metadata!.NumRows);
        }

        await using ParquetReader tasks = await ParquetReader.CreateAsync(Path.Combine(dir, TimeSeriesWriter.TasksFile), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(["time_ns", "pid", "comm", "state", "wchan"], tasks.Schema.GetDataFields().Select(f => f.Name));
        using ParquetRowGroupReader rg = tasks.OpenRowGroupReader(0);
        DataField comm = tasks.Schema.GetDataFields()[2];
        var comms = new string?[rg.RowCount];
        await rg.ReadAsync(comm, comms.AsMemory(), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Contains("kswapd0", comms);
        Assert.Contains("kcompactd0", comms);
        Assert.Contains("khungtaskd", comms);
        Assert.Contains("writer", comms);
    }
}
