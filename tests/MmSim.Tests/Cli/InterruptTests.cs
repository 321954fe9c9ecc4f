using MmSim.Cli.Commands;
using MmSim.Runs;
using MmSim.Runs.Compare;
using MmSim.Runs.Sweep;
using MmSim.Scenario;
using MmSim.Tests.Support;
using MmSim.Tests.Sweep;

namespace MmSim.Tests.Cli;

/// <summary>
/// Nothing lost, nothing stale (issue 11 item 5), in-process: an interrupted <c>compare</c> keeps its finished runs and
/// writes their table (exit 130 or 143); an interrupted <c>run</c> leaves no folder; a rerun into the same folder leaves
/// no file of the earlier one. The interruption comes through <see cref="Interruption.StopForTests"/> after k runs, so
/// the runs that finish are known exactly.
/// </summary>
[Collection("Console")]
public sealed class InterruptTests : IDisposable
{
    private readonly SweepFixture f = new();

    public void Dispose()
    {
        Interruption.StopForTests = default;
        f.Dispose();
    }

    [Theory]
    [InlineData(2, 130)]
    [InlineData(15, 143)]
    public void Interrupting_compare_keeps_the_finished_runs_and_their_table(int signal, int exitCode)
    {
        string tiny = Path.Combine(f.Root, "tiny.yaml");
        string outDir = f.Dir("cmp");
        Interruption.StopForTests = (3, signal);
        (int code, string stdout, string stderr) = MmsimCli.Run("compare", tiny, "--designs", "linux-6.18,wait-timeout", "--seeds", "3", "--jobs", "1", "--out", outDir);
        Assert.True(code == exitCode, stderr);
        Assert.Contains("mmsim: interrupted: 3 of 6 runs finished; the table covers those", stderr, StringComparison.Ordinal);
        Assert.Contains("interrupted: 3 of 6 runs finished", stdout, StringComparison.Ordinal);

        // The first three runs in order (jobs 1): linux-6.18 seeds 7, 8, 9; the rest never started.
        CompareResult result = CompareFiles.Read(outDir)!;
        Assert.Equal(6, result.RunsPlanned);
        Assert.Equal(["linux-6.18/7", "linux-6.18/8", "linux-6.18/9"], result.Rows.Select(r => $"{r.Design}/{r.Seed}"));
        Assert.Equal(4, File.ReadAllLines(Path.Combine(outDir, CompareFiles.CsvFile)).Length);
        Assert.True(File.Exists(Path.Combine(outDir, CompareFiles.ParquetFile)));
        Assert.False(File.Exists(Path.Combine(outDir, "report.html")));
        Assert.Equal(["linux-6.18"], Directory.GetDirectories(outDir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(["seed7", "seed8", "seed9"], Directory.GetDirectories(Path.Combine(outDir, "linux-6.18")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.All(result.Rows, r => Assert.True(File.Exists(Path.Combine(outDir, CompareResult.RunDir(r.Design, r.Seed), "summary.json"))));
        AssertNoStaging(f.Root);

        // The finished runs are the same as in a whole comparison.
        Interruption.StopForTests = default;
        string whole = f.Dir("whole");
        Assert.Equal(0, MmsimCli.Run("compare", tiny, "--designs", "linux-6.18,wait-timeout", "--seeds", "3", "--jobs", "2", "--out", whole).Code);
        Assert.Null(CompareFiles.Read(whole)!.RunsPlanned);
        Assert.Equal(CompareFiles.Read(whole)!.Rows.Take(3), result.Rows);

        // show prints the note with the table.
        (int showCode, string shown, _) = MmsimCli.Run("show", outDir);
        Assert.Equal(0, showCode);
        Assert.Contains("interrupted: 3 of 6 runs finished; the table covers those", shown, StringComparison.Ordinal);
    }

    [Fact]
    public void A_compare_interrupted_before_any_run_finished_leaves_the_earlier_comparison()
    {
        string tiny = Path.Combine(f.Root, "tiny.yaml");
        string outDir = f.Dir("cmp");
        Assert.Equal(0, MmsimCli.Run("compare", tiny, "--designs", "linux-6.18", "--seeds", "1", "--out", outDir).Code);
        string[] before = Files(outDir);

        // Interrupted before any run finished: the earlier comparison stays, file for file, and no staging is left.
        Interruption.StopForTests = (-1, 2);
        (int code, _, string stderr) = MmsimCli.Run("compare", tiny, "--designs", "linux-6.18", "--seeds", "2", "--out", outDir);
        Assert.True(code == 130, stderr);
        Assert.Contains($"mmsim: interrupted before any run finished; {outDir} is left as it was", stderr, StringComparison.Ordinal);
        Assert.Equal(before, Files(outDir));
        Assert.Single(CompareFiles.Read(outDir)!.Rows);
        AssertNoStaging(f.Root);

        // A signal after the last run finished changes nothing: the comparison is complete.
        Interruption.StopForTests = (2, 2);
        (code, _, stderr) = MmsimCli.Run("compare", tiny, "--designs", "linux-6.18", "--seeds", "2", "--out", outDir);
        Assert.True(code == 0, stderr);
        Assert.Null(CompareFiles.Read(outDir)!.RunsPlanned);
        Assert.True(File.Exists(Path.Combine(outDir, "report.html")));
    }

    [Fact]
    public void An_interrupted_run_leaves_no_folder_and_an_earlier_result_untouched()
    {
        ScenarioConfig config = ScenarioLoader.LoadOrThrow(Path.Combine(f.Root, "tiny.yaml"));
        string dir = f.Dir("run");
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => RunCommand.Execute(config, new RunOptions { Cancel = cancelled.Token }, dir));
        Assert.False(Directory.Exists(dir));
        AssertNoStaging(f.Root);

        // Over an earlier result: it stays as it was, file for file.
        RunCommand.Execute(config, new RunOptions(), dir);
        string[] before = Files(dir);
        byte[] summary = File.ReadAllBytes(Path.Combine(dir, "summary.json"));
        Assert.ThrowsAny<OperationCanceledException>(() => RunCommand.Execute(config, new RunOptions { Seed = 99, Cancel = cancelled.Token }, dir));
        Assert.Equal(before, Files(dir));
        Assert.Equal(summary, File.ReadAllBytes(Path.Combine(dir, "summary.json")));
        AssertNoStaging(f.Root);
    }

    [Fact]
    public void A_rerun_with_fewer_seeds_into_the_same_out_leaves_no_stale_seed_folders_or_trace()
    {
        string tiny = Path.Combine(f.Root, "tiny.yaml");
        string outDir = f.Dir("cmp");
        Assert.Equal(0, MmsimCli.Run("compare", tiny, "--designs", "linux-6.18", "--seeds", "3", "--trace", "--out", outDir).Code);
        Assert.True(File.Exists(Path.Combine(outDir, "linux-6.18", "seed9", "trace.txt")));
        File.WriteAllText(Path.Combine(outDir, "mine.txt"), "a file of the earlier comparison");

        Assert.Equal(0, MmsimCli.Run("compare", tiny, "--designs", "linux-6.18", "--seeds", "2", "--out", outDir).Code);
        Assert.Equal(["seed7", "seed8"], Directory.GetDirectories(Path.Combine(outDir, "linux-6.18")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Empty(Directory.GetFiles(outDir, "trace.txt", SearchOption.AllDirectories));
        Assert.False(File.Exists(Path.Combine(outDir, "mine.txt")));
        Assert.Equal(3, File.ReadAllLines(Path.Combine(outDir, CompareFiles.CsvFile)).Length);
        AssertNoStaging(f.Root);

        // run: the same, into one run folder.
        string runDir = f.Dir("run");
        Assert.Equal(0, MmsimCli.Run("run", tiny, "--out", runDir).Code);
        File.WriteAllText(Path.Combine(runDir, "trace.txt"), "stale");
        Assert.Equal(0, MmsimCli.Run("run", tiny, "--seed", "8", "--out", runDir).Code);
        Assert.False(File.Exists(Path.Combine(runDir, "trace.txt")));
        Assert.Contains("seed: 8", File.ReadAllText(Path.Combine(runDir, "config.resolved.yaml")), StringComparison.Ordinal);
        AssertNoStaging(f.Root);
    }

    [Theory]
    [InlineData("run", "summary.json")]
    [InlineData("compare", "compare.json")]
    public void Out_naming_a_folder_that_is_not_a_result_is_refused_and_left_alone(string command, string resultFile)
    {
        string tiny = Path.Combine(f.Root, "tiny.yaml");
        string mine = f.Dir("mine");
        Directory.CreateDirectory(mine);
        File.WriteAllText(Path.Combine(mine, "notes.txt"), "not a result");
        string[] args = command == "run" ? ["run", tiny, "--out", mine] : ["compare", tiny, "--designs", "linux-6.18", "--seeds", "1", "--out", mine];
        (int code, _, string stderr) = MmsimCli.Run(args);
        Assert.Equal(2, code);
        Assert.Equal($"mmsim: {mine}: exists and is not an mmsim result (no {resultFile}); mmsim replaces a result folder as a whole, so give another --out or empty it", stderr.TrimEnd().Split('\n')[^1]);
        Assert.Equal(["notes.txt"], Files(mine));
        AssertNoStaging(f.Root);
    }

    [Fact]
    public void A_sweep_stopped_by_sigterm_exits_143_keeps_its_finished_runs_and_resumes()
    {
        string sweep = f.Write(SweepFixture.Sweep);
        string outDir = f.Dir("sweep");
        Interruption.StopForTests = (2, 15);
        (int code, _, string stderr) = MmsimCli.Run("sweep", sweep, "--out", outDir, "--jobs", "1", "--workers", "thread");
        Assert.True(code == 143, stderr);
        Assert.Contains("rerun the same command to finish the 6 runs left", stderr, StringComparison.Ordinal);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(outDir, SweepFiles.CsvFile)).Length);
        Assert.Equal(2, Directory.GetDirectories(Path.Combine(outDir, SweepFiles.RunsDir)).Length);

        Interruption.StopForTests = default;
        (code, string stdout, _) = MmsimCli.Run("sweep", sweep, "--out", outDir, "--jobs", "2", "--workers", "thread");
        Assert.Equal(0, code);
        Assert.Contains("ran 6, 2 already done; 8 of 8 runs finished", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Staging_folders_of_a_killed_process_are_removed_and_those_of_live_ones_kept()
    {
        string parent = f.Dir("staged");
        string dead = Path.Combine(parent, $".out.new-{Environment.MachineName}-{int.MaxValue - 1}-1");
        string live = Path.Combine(parent, $".out.old-{Environment.MachineName}-{Environment.ProcessId}-1");
        string other = Path.Combine(parent, $".out.new-another-host-{int.MaxValue - 1}-1");
        foreach (string d in new[] { dead, live, other })
        {
            Directory.CreateDirectory(d);
        }

        Assert.Equal(1, StagedFolder.RemoveStale(parent, "out"));
        Assert.False(Directory.Exists(dead));
        Assert.True(Directory.Exists(live));
        Assert.True(Directory.Exists(other));
    }

    private static string[] Files(string dir) =>
        [.. Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(dir, p)).Order(StringComparer.Ordinal)];

    // No staging sibling (.NAME.new-…/.NAME.old-…) left anywhere below the root.
    private static void AssertNoStaging(string root) =>
        Assert.Empty(Directory.GetDirectories(root, ".*", SearchOption.AllDirectories));
}
