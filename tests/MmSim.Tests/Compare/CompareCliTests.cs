using MmSim.Kernel.Designs;
using MmSim.Runs.Compare;
using MmSim.Tests.Support;

namespace MmSim.Tests.Compare;

/// <summary>
/// <c>mmsim compare</c> end to end on the stalled FUSE server scaled down: every design, every metric, plain output
/// when piped, byte-identical files on a rerun, and <c>show</c> printing the same table.
/// </summary>
[Collection("Console")]
public sealed class CompareCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mmsim-compare").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Compare_prints_every_design_and_metric_plainly_and_show_prints_the_same()
    {
        string scenario = Path.Combine(_dir, "small.yaml");
        File.WriteAllText(scenario, SmallStalledServer.Yaml());
        string outDir = Path.Combine(_dir, "out");
        (int code, string stdout, string stderr) = MmsimCli.Run("compare", scenario, "--seeds", "2", "--jobs", "2", "--out", outDir);
        Assert.True(code == 0, stderr);

        // Piped: no escape codes anywhere, progress as plain lines on stderr, and no line wrapped (each table row is
        // one line holding the metric and every design's cell; every table line has the same width).
        Assert.DoesNotContain('\u001b', stdout);
        Assert.DoesNotContain('\u001b', stderr);
        Assert.All(stderr.TrimEnd('\n').Split('\n'), l => Assert.Matches(@"^mmsim: (\[\d+/\d+\] |\d+ runs$)", l));
        Assert.Contains($"mmsim: [{2 * Designs.All.Count}/{2 * Designs.All.Count}] ", stderr, StringComparison.Ordinal);
        string[] lines = stdout.Split('\n');
        string[] tableLines = [.. lines.Where(l => l.StartsWith('│') || l.StartsWith('┌') || l.StartsWith('├') || l.StartsWith('└'))];
        Assert.Single(tableLines.Select(l => l.Length).Distinct());
        string header = lines.Single(l => l.StartsWith("│ metric", StringComparison.Ordinal));
        Assert.All(Designs.All, d => Assert.Contains($" {d.Name} ", header, StringComparison.Ordinal));
        Assert.All(CompareMetrics.All, m => Assert.Single(lines, l => l.StartsWith($"│ {m.Header} ", StringComparison.Ordinal)));
        Assert.All(Verdicts.Derive(CompareFiles.Read(outDir)!), v => Assert.Contains(v.Answer, stdout, StringComparison.Ordinal));

        // The stalled server separates the designs: temp pages keep CMA and offlining working, 6.16+ does not.
        CompareResult result = CompareFiles.Read(outDir)!;
        Assert.Equal(2 * Designs.All.Count, result.Rows.Count);
        Assert.All(result.Rows.Where(r => r.Design == "linux-6.15"), r => Assert.Equal("ok", r.OfflineOutcome));
        Assert.All(result.Rows.Where(r => r.Design == "linux-6.18"), r => Assert.Equal("hung", r.OfflineOutcome));
        Assert.Contains(result.Rows, r => r.Design == "linux-6.15" && r.TempPagesPeakMib > 0);

        (int showCode, string shown, _) = MmsimCli.Run("show", outDir);
        Assert.Equal(0, showCode);
        Assert.StartsWith(shown, stdout, StringComparison.Ordinal);

        // The command it reports reruns the comparison; the result files come out byte for byte the same.
        Assert.Equal($"mmsim compare {scenario} --designs {string.Join(',', Designs.Names)} --seeds 2 --out {outDir}", result.Command);
        string again = Path.Combine(_dir, "again");
        Assert.Equal(0, MmsimCli.Run("compare", scenario, "--seeds", "2", "--jobs", "1", "--out", again).Code);
        foreach (string file in new[] { CompareFiles.CsvFile, CompareFiles.ParquetFile, Path.Combine("linux-6.18", "seed2", "summary.json") })
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(outDir, file)), File.ReadAllBytes(Path.Combine(again, file)));
        }

        // One run's resolved configuration, rerun with `mmsim run`, gives every result file byte for byte (Parquet
        // time series included; timing.json holds wall-clock figures and is the one exception).
        string runDir = Path.Combine(outDir, CompareResult.RunDir("wait-timeout", 2));
        string rerun = Path.Combine(_dir, "rerun");
        Assert.Equal(0, MmsimCli.Run("run", Path.Combine(runDir, "config.resolved.yaml"), "--out", rerun).Code);
        string[] files = [.. Directory.GetFiles(runDir, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(runDir, f)).Where(f => f != "timing.json").Order(StringComparer.Ordinal)];
        Assert.Contains("timeseries.parquet", files);
        Assert.Equal(files, Directory.GetFiles(rerun, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(rerun, f)).Where(f => f != "timing.json").Order(StringComparer.Ordinal));
        Assert.All(files, f => Assert.True(File.ReadAllBytes(Path.Combine(runDir, f)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(rerun, f))), $"{f} differs on rerun"));
    }

    [Fact]
    public void Help_is_a_synonym_of_dash_dash_help_and_every_command_shows_examples()
    {
        Assert.Equal(MmsimCli.Run("--help").Out, MmsimCli.Run("help").Out);
        foreach (string command in new[] { "run", "validate", "compare", "designs", "scenarios", "show", "sweep", "merge" })
        {
            (int code, string help, _) = MmsimCli.Run("help", command);
            Assert.Equal(0, code);
            Assert.Equal(MmsimCli.Run(command, "--help").Out, help);
            Assert.Contains("Examples:", help, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Scenarios_lists_every_shipped_scenario_with_its_description()
    {
        string cwd = Environment.CurrentDirectory;
        Environment.CurrentDirectory = Scenario.TestFiles.RepoRoot;
        try
        {
            (int code, string stdout, _) = MmsimCli.Run("scenarios");
            Assert.Equal(0, code);
            string[] files = [.. Directory.GetFiles("scenarios", "*.yaml", SearchOption.AllDirectories).Where(f => !Scenario.ShippedScenarioTests.IsSweep(Path.GetFullPath(f)))];
            Assert.Equal(files.Length, stdout.TrimEnd('\n').Split('\n').Length);
            Assert.Contains("A FUSE server stalls with writeback in flight", stdout.Split('\n').Single(l => l.StartsWith("scenarios/default.yaml ", StringComparison.Ordinal)), StringComparison.Ordinal);
        }
        finally
        {
            Environment.CurrentDirectory = cwd;
        }
    }

    [Fact]
    public void Show_of_a_folder_that_is_not_a_result_is_one_line_and_exit_code_2()
    {
        (int code, _, string err) = MmsimCli.Run("show", _dir);
        Assert.Equal(2, code);
        Assert.Equal($"mmsim: {_dir}: neither a comparison (compare.json) nor a run (summary.json)", err.TrimEnd());
    }
}
