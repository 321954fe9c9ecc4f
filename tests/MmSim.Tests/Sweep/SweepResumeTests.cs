using MmSim.Runs.Sweep;

namespace MmSim.Tests.Sweep;

/// <summary>
/// An interrupted sweep resumes: rerun, it runs only what is missing (finished folders are neither rerun nor
/// replaced), ignores a half-written run, and ends with the same sweep.csv and sweep.parquet as an uninterrupted run.
/// Shards run into separate folders (or one) merge to the same bytes.
/// </summary>
public sealed class SweepResumeTests : IDisposable
{
    private readonly SweepFixture f = new();

    public void Dispose() => f.Dispose();

    [Fact]
    public void Killed_midway_and_rerun_completes_without_redoing_finished_runs_and_matches_an_uninterrupted_sweep()
    {
        SweepDefinition sweep = f.Load();
        string whole = f.Dir("whole");
        SweepRunResult full = SweepFixture.Run(sweep, whole, cancel: TestContext.Current.CancellationToken);
        Assert.Equal(Enumerable.Range(0, 8), full.Ran);

        // The "kill": one worker, cancelled once three runs have finished.
        string resumed = f.Dir("resumed");
        using var cancel = new CancellationTokenSource();
        SweepRunResult first = SweepFixture.Run(sweep, resumed, jobs: 1, progress: p =>
        {
            if (p.Done == 3)
            {
                cancel.Cancel();
            }
        }, cancel: cancel.Token);
        Assert.True(first.Interrupted);
        Assert.Equal([0, 1, 2], first.Ran);

        // What a kill leaves: a half-written temporary run folder of a process that has gone (this machine), and one
        // of another machine sharing the folder; and a run folder without its marker.
        string runs = Path.Combine(resumed, SweepFiles.RunsDir);
        string deadTemp = Path.Combine(runs, $"{SweepFiles.TempPrefix}3-{Environment.MachineName}-{DeadPid()}-1");
        Directory.CreateDirectory(Path.Combine(deadTemp, "proc"));
        File.WriteAllText(Path.Combine(deadTemp, "summary.json"), "{\"trunc");
        string otherHost = Path.Combine(runs, $"{SweepFiles.TempPrefix}4-some-other-host-123-1");
        Directory.CreateDirectory(otherHost);
        string unmarked = SweepFiles.RunDir(resumed, 5);
        Directory.CreateDirectory(unmarked);
        File.WriteAllText(Path.Combine(unmarked, "summary.json"), "{");

        // Finished folders are not replaced: a file put in one survives, and its marker keeps its time.
        string keep = Path.Combine(SweepFiles.RunDir(resumed, 1), "kept");
        File.WriteAllText(keep, "x");
        DateTime markerTime = File.GetLastWriteTimeUtc(Path.Combine(SweepFiles.RunDir(resumed, 1), SweepFiles.DoneMarker));

        var ranNow = new List<int>();
        SweepRunResult second = SweepFixture.Run(sweep, resumed, progress: p =>
        {
            if (!p.Skipped)
            {
                lock (ranNow)
                {
                    ranNow.Add(p.Index);
                }
            }
        }, cancel: TestContext.Current.CancellationToken);
        Assert.False(second.Interrupted);
        Assert.Equal([0, 1, 2], second.Skipped);
        Assert.Equal([3, 4, 5, 6, 7], second.Ran);
        Assert.Equal([3, 4, 5, 6, 7], ranNow.Order());
        Assert.True(File.Exists(keep));
        Assert.Equal(markerTime, File.GetLastWriteTimeUtc(Path.Combine(SweepFiles.RunDir(resumed, 1), SweepFiles.DoneMarker)));
        Assert.False(Directory.Exists(deadTemp));
        Assert.True(Directory.Exists(otherHost));
        Assert.True(SweepFiles.IsDone(resumed, 5));

        Assert.Equal(File.ReadAllBytes(Path.Combine(whole, SweepFiles.CsvFile)), File.ReadAllBytes(Path.Combine(resumed, SweepFiles.CsvFile)));
        Assert.Equal(File.ReadAllBytes(Path.Combine(whole, SweepFiles.ParquetFile)), File.ReadAllBytes(Path.Combine(resumed, SweepFiles.ParquetFile)));

        // A third run has nothing to do.
        SweepRunResult third = SweepFixture.Run(sweep, resumed, cancel: TestContext.Current.CancellationToken);
        Assert.Empty(third.Ran);
        Assert.Equal(8, third.Skipped.Count);
    }

    [Fact]
    public void Shards_in_two_folders_merge_to_the_bytes_of_one_full_run()
    {
        SweepDefinition sweep = f.Load();
        string whole = f.Dir("whole");
        SweepFixture.Run(sweep, whole, cancel: TestContext.Current.CancellationToken);
        string a = f.Dir("shard0"), b = f.Dir("shard1");
        Assert.True(SweepIndices.TryResolve(null, "0/2", _ => null, sweep.Count, out IReadOnlyList<int> i0, out _, out _));
        Assert.True(SweepIndices.TryResolve(null, "1/2", _ => null, sweep.Count, out IReadOnlyList<int> i1, out _, out _));
        Assert.Equal([0, 2, 4, 6], i0);
        Assert.Equal([1, 3, 5, 7], i1);
        SweepFixture.Run(sweep, a, i0, cancel: TestContext.Current.CancellationToken);
        SweepFixture.Run(sweep, b, i1, cancel: TestContext.Current.CancellationToken);

        string merged = f.Dir("merged");
        SweepTable table = SweepTable.Read([a, b], out SweepManifest manifest, out IReadOnlyList<int> missing);
        Assert.Empty(missing);
        table.WriteFiles(merged, manifest);
        string csv = File.ReadAllText(Path.Combine(whole, SweepFiles.CsvFile));
        Assert.Equal(9, csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(csv, File.ReadAllText(Path.Combine(merged, SweepFiles.CsvFile)));
        Assert.Equal(File.ReadAllBytes(Path.Combine(whole, SweepFiles.ParquetFile)), File.ReadAllBytes(Path.Combine(merged, SweepFiles.ParquetFile)));

        // A shard's own table holds only its rows; the merge of one shard reports the others missing.
        SweepTable.Read([a], out _, out IReadOnlyList<int> notInA);
        Assert.Equal([1, 3, 5, 7], notInA);
    }

    [Fact]
    public void Shards_writing_into_one_folder_give_the_same_table()
    {
        SweepDefinition sweep = f.Load();
        string whole = f.Dir("whole");
        SweepFixture.Run(sweep, whole, cancel: TestContext.Current.CancellationToken);
        string shared = f.Dir("shared");
        SweepFixture.Run(sweep, shared, [1, 3, 5, 7], cancel: TestContext.Current.CancellationToken);
        SweepFixture.Run(sweep, shared, [0, 2, 4, 6], cancel: TestContext.Current.CancellationToken);
        Assert.Equal(File.ReadAllBytes(Path.Combine(whole, SweepFiles.CsvFile)), File.ReadAllBytes(Path.Combine(shared, SweepFiles.CsvFile)));
    }

    [Fact]
    public void The_table_holds_parameters_compare_columns_and_metrics_of_every_run()
    {
        SweepDefinition sweep = f.Load();
        string dir = f.Dir("t");
        SweepFixture.Run(sweep, dir, [0, 7], cancel: TestContext.Current.CancellationToken);
        string[] lines = File.ReadAllText(Path.Combine(dir, SweepFiles.CsvFile)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] header = lines[0].Split(',');
        Assert.Equal(["index", "workloads_type_filewrite_file_log_size"], header[..2]);
        Assert.Equal(MmSim.Runs.Compare.CompareColumns.Names, header[2..^2]);
        Assert.Equal(["outcomes_waits_false_aborts", "outcomes_steps_0_latency_ns"], header[^2..]);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("0,2MiB,linux-6.18,7,", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("7,4MiB,wait-timeout,8,", lines[2], StringComparison.Ordinal);
        PointJson p = PointJson.Read(SweepFiles.RunDir(dir, 7));
        Assert.Equal((7, 1, "wait-timeout", 8UL, "4MiB"), (p.Index, p.Point, p.Design, p.Seed, p.Parameters[0].Value));
        Assert.Contains("size: 4MiB", File.ReadAllText(Path.Combine(SweepFiles.RunDir(dir, 7), "config.resolved.yaml")), StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_of_another_sweep_is_refused()
    {
        SweepDefinition sweep = f.Load();
        string dir = f.Dir("x");
        SweepFixture.Run(sweep, dir, [0], cancel: TestContext.Current.CancellationToken);
        SweepDefinition other = f.Load(SweepFixture.Sweep.Replace("seeds: 2", "seeds: 3", StringComparison.Ordinal), "other.yaml");
        Assert.Throws<IOException>(() => SweepRunner.Prepare(other, dir));
    }

    private static int DeadPid()
    {
        // A pid no process has: above the kernel's pid_max.
        return 1 << 30;
    }
}
