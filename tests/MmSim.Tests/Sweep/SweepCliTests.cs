using MmSim.Runs.Sweep;
using MmSim.Tests.Support;

namespace MmSim.Tests.Sweep;

/// <summary><c>mmsim sweep</c> and <c>mmsim merge</c> end to end: shards merged equal one run byte for byte; bad input is
/// one line per problem and exit code 2.</summary>
[Collection("Console")]
public sealed class SweepCliTests : IDisposable
{
    private readonly SweepFixture f = new();

    public void Dispose() => f.Dispose();

    [Fact]
    public void Shard_0_of_2_and_1_of_2_merged_equal_one_full_sweep()
    {
        string sweep = f.Write(SweepFixture.Sweep);
        (int code, string stdout, string stderr) = MmsimCli.Run("sweep", sweep, "--out", f.Dir("full"), "--jobs", "2", "--workers", "thread");
        Assert.True(code == 0, stderr);
        Assert.Contains("2 points × 2 designs × 2 seeds = 8 runs, into", stdout, StringComparison.Ordinal);
        Assert.Contains("ran 8, 0 already done; 8 of 8 runs finished", stdout, StringComparison.Ordinal);

        Assert.Equal(0, MmsimCli.Run("sweep", sweep, "--out", f.Dir("a"), "--shard", "0/2", "--workers", "thread").Code);
        (code, stdout, _) = MmsimCli.Run("sweep", sweep, "--out", f.Dir("b"), "--shard", "1/2", "--workers", "thread");
        Assert.Equal(0, code);
        Assert.Contains("(4 of them, from --shard)", stdout, StringComparison.Ordinal);
        (code, stdout, stderr) = MmsimCli.Run("merge", f.Dir("a"), f.Dir("b"), "--out", f.Dir("merged"));
        Assert.True(code == 0, stderr);
        Assert.Contains("merged 8 of 8 runs from 2 folders", stdout, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllBytes(Path.Combine(f.Dir("full"), SweepFiles.CsvFile)), File.ReadAllBytes(Path.Combine(f.Dir("merged"), SweepFiles.CsvFile)));
        Assert.Equal(File.ReadAllBytes(Path.Combine(f.Dir("full"), SweepFiles.ParquetFile)), File.ReadAllBytes(Path.Combine(f.Dir("merged"), SweepFiles.ParquetFile)));

        // Rerun: nothing left to do.
        (code, stdout, _) = MmsimCli.Run("sweep", sweep, "--out", f.Dir("full"), "--workers", "thread");
        Assert.Equal(0, code);
        Assert.Contains("ran 0, 8 already done", stdout, StringComparison.Ordinal);

        // A merge missing a part says which runs are missing.
        (code, _, stderr) = MmsimCli.Run("merge", f.Dir("a"), "--out", f.Dir("half"));
        Assert.Equal(0, code);
        Assert.Contains("4 runs are in none of the folders: 1, 3, 5, 7", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_sweep_file_is_one_line_per_problem_and_exit_code_2()
    {
        string sweep = f.Write("scenario: tiny.yaml\nseeds: many\ngrid:\n  workloads[5].size: [1MiB]\n");
        (int code, string stdout, string stderr) = MmsimCli.Run("sweep", sweep, "--out", f.Dir("x"));
        Assert.Equal(2, code);
        Assert.Equal(string.Empty, stdout);
        string[] lines = stderr.TrimEnd('\n').Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.StartsWith($"{sweep}:2:8: seeds: ", lines[0], StringComparison.Ordinal);
        Assert.StartsWith($"{sweep}:4:3: grid.workloads[5].size: 'workloads' has 3 items", lines[1], StringComparison.Ordinal);
        Assert.False(Directory.Exists(f.Dir("x")));
    }

    [Theory]
    [InlineData("--index", "8", "mmsim: --index 8: the sweep has indices 0 .. 7")]
    [InlineData("--shard", "3/3", "mmsim: --shard '3/3': expected I/N with 0 <= I < N, e.g. 0/4")]
    [InlineData("--jobs", "0", "mmsim: --jobs 0: must be at least 1")]
    public void Bad_options_are_one_line_and_exit_code_2(string option, string value, string expected)
    {
        string sweep = f.Write(SweepFixture.Sweep);
        (int code, _, string stderr) = MmsimCli.Run("sweep", sweep, "--out", f.Dir("x"), option, value);
        Assert.Equal(2, code);
        Assert.Equal(expected + "\n", stderr.Replace("\r", string.Empty, StringComparison.Ordinal));
    }

    [Fact]
    public void Worker_processes_cannot_be_started_from_a_host_that_is_not_mmsim_and_say_so()
    {
        // Here Program.Main runs inside the test host: mmsim is not the process's program, so it cannot start itself.
        string sweep = f.Write(SweepFixture.Sweep);
        (int code, string stdout, string stderr) = MmsimCli.Run("sweep", sweep, "--out", f.Dir("x"));
        Assert.Equal(2, code);
        Assert.Equal(string.Empty, stdout);
        Assert.StartsWith("mmsim: --workers process: this process (", stderr, StringComparison.Ordinal);
        Assert.EndsWith("is not the mmsim program, so it cannot start mmsim workers; use --workers thread\n", stderr.Replace("\r", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.False(Directory.Exists(f.Dir("x")));

        // One index runs in this process whatever --workers says.
        (code, stdout, stderr) = MmsimCli.Run("sweep", sweep, "--out", f.Dir("one"), "--index", "2");
        Assert.True(code == 0, stderr);
        Assert.DoesNotContain("worker processes", stdout, StringComparison.Ordinal);
        Assert.True(SweepFiles.IsDone(f.Dir("one"), 2));

        (code, _, stderr) = MmsimCli.Run("sweep", sweep, "--out", f.Dir("x"), "--workers", "fibres");
        Assert.Equal(2, code);
        Assert.Contains("fibres", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Merging_parts_of_different_sweeps_is_refused()
    {
        string one = f.Write(SweepFixture.Sweep, "one.yaml");
        string two = f.Write(SweepFixture.Sweep.Replace("seeds: 2", "seeds: 1", StringComparison.Ordinal), "two.yaml");
        Assert.Equal(0, MmsimCli.Run("sweep", one, "--out", f.Dir("one"), "--index", "0").Code);
        Assert.Equal(0, MmsimCli.Run("sweep", two, "--out", f.Dir("two"), "--index", "0").Code);
        (int code, _, string stderr) = MmsimCli.Run("merge", f.Dir("one"), f.Dir("two"), "--out", f.Dir("m"));
        Assert.Equal(2, code);
        Assert.Contains("hold parts of different sweeps", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
    }
}
