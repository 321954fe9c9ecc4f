using MmSim.Mm.Writeback;
using MmSim.Runs;
using MmSim.Runs.TimeSeries;
using MmSim.Scenario;
using MmSim.Tests.Scenario;
using Parquet;
using Parquet.Schema;

namespace MmSim.Tests.Writeback;

/// <summary>
/// writeback.parquet (issue 8 §3): per mount the pages under writeback, the dirty pages, the folios
/// completed in each interval and their p99/max lifetime, and the global dirty thresholds.
/// </summary>
public sealed class WritebackTimeSeriesTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "mmsim-wbts-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static string Scenario(string workloads) => TestFiles.Minimal(
        "duration: 4s\nsampling_interval: 500ms\nsysctl:\n  dirty_ratio: 5\n  dirty_background_ratio: 1\n" +
        "mounts:\n  - { name: fast, fs: ext4, device: nvme0n1, latency: 50us, bandwidth: 800MiB }\n" +
        "  - { name: Slow-Disk, fs: xfs, device: sdb, latency: 5ms, bandwidth: 10MiB, queue_depth: 2 }\n" + workloads);

    private static (ScenarioRunner Runner, TimeSeriesRecorder Series) Run(string yaml)
    {
        var runner = new ScenarioRunner(TestFiles.LoadOk(yaml), new RunOptions());
        runner.Run();
        return (runner, runner.TimeSeries!);
    }

    private static List<long> Column(TimeSeriesRecorder s, string name)
    {
        int i = s.WbColumns.IndexOf(name);
        Assert.True(i >= 0, "no column " + name + " in " + string.Join(",", s.WbColumns));
        return s.WbValues[i];
    }

    [Fact]
    public void A_slow_device_shows_writeback_dirty_pages_and_interval_lifetimes()
    {
        (ScenarioRunner runner, TimeSeriesRecorder s) = Run(
            Scenario("workloads:\n  - { type: filewrite, file: f, mount: Slow-Disk, size: 64MiB, rate: 20000/s }\n"));
        Assert.Equal(
            ["nr_dirty_threshold", "nr_dirty_background_threshold",
             "wb_fast_writeback_pages", "wb_fast_dirty_pages", "wb_fast_completed_folios", "wb_fast_lifetime_p99_us", "wb_fast_lifetime_max_us",
             "wb_slow_disk_writeback_pages", "wb_slow_disk_dirty_pages", "wb_slow_disk_completed_folios", "wb_slow_disk_lifetime_p99_us", "wb_slow_disk_lifetime_max_us"],
            s.WbColumns);
        Assert.Equal(s.Samples, s.WbTimeNs.Count);
        Assert.All(s.WbValues, v => Assert.Equal(s.Samples, v.Count));

        List<long> wb = Column(s, "wb_slow_disk_writeback_pages");
        List<long> dirty = Column(s, "wb_slow_disk_dirty_pages");
        List<long> done = Column(s, "wb_slow_disk_completed_folios");
        List<long> p99 = Column(s, "wb_slow_disk_lifetime_p99_us");
        List<long> max = Column(s, "wb_slow_disk_lifetime_max_us");
        Assert.Equal(0, wb[0]);
        Assert.Equal(0, dirty[0]);
        Assert.True(wb.Max() > 0, "pages under writeback on the slow disk");
        Assert.True(dirty.Max() > 0, "dirty pages on the slow disk");

        // The interval counts add up to the cumulative histogram; p99 ≤ max; an interval with completions has a lifetime ≥ the device latency.
        BdiWriteback slow = runner.Kernel!.Fs.Find("Slow-Disk")!.Bdi.Wb;
        Assert.Equal(slow.Lifetimes.Count, done.Sum());
        Assert.True(done.Sum() > 0);
        Assert.Equal((slow.Lifetimes.MaxNs + 999) / 1000, max.Max());
        for (int i = 0; i < s.Samples; i++)
        {
            Assert.True(p99[i] <= max[i], $"sample {i}: p99 {p99[i]} > max {max[i]}");
            Assert.Equal(done[i] == 0, max[i] == 0);
            if (done[i] > 0)
            {
                Assert.True(max[i] >= 5000, $"sample {i}: max {max[i]} µs below the 5 ms latency");
            }
        }

        Assert.All(Column(s, "wb_fast_writeback_pages"), v => Assert.Equal(0, v));
        Assert.All(Column(s, "wb_fast_completed_folios"), v => Assert.Equal(0, v));
    }

    [Fact]
    public void A_run_without_writeback_has_the_columns_at_zero()
    {
        (_, TimeSeriesRecorder s) = Run(Scenario(""));
        Assert.True(s.Samples > 1);
        for (int c = TimeSeriesColumns.WritebackGlobal.Count; c < s.WbColumns.Count; c++)
        {
            Assert.All(s.WbValues[c], v => Assert.Equal(0, v));
        }

        Assert.All(Column(s, "nr_dirty_threshold"), v => Assert.True(v > 0));
        List<long> bg = Column(s, "nr_dirty_background_threshold");
        List<long> fg = Column(s, "nr_dirty_threshold");
        for (int i = 0; i < s.Samples; i++)
        {
            Assert.True(bg[i] < fg[i]);
        }
    }

    [Fact]
    public async Task The_run_folder_holds_writeback_parquet_with_one_row_per_sample()
    {
        string dir = Path.Combine(root, "file");
        ScenarioConfig c = TestFiles.LoadOk(Scenario("workloads:\n  - { type: filewrite, file: f, mount: Slow-Disk, size: 8MiB, rate: 5000/s }\n"));
        RunSummary summary = RunFolder.Execute(c, new RunOptions(), dir);
        await using ParquetReader r = await ParquetReader.CreateAsync(Path.Combine(dir, TimeSeriesWriter.WritebackFile), cancellationToken: TestContext.Current.CancellationToken);
        DataField[] fields = r.Schema.GetDataFields();
        Assert.Equal("time_ns", fields[0].Name);
        Assert.Equal(2 + (2 * TimeSeriesColumns.WritebackPerMount.Count), fields.Length - 1);
        Assert.Equal(summary.TimeSeriesSamples, r.Metadata!.NumRows);
    }
}
