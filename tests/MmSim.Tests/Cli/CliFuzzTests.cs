using CsCheck;
using MmSim.Tests.Support;

namespace MmSim.Tests.Cli;

/// <summary>
/// Random command lines from the real command and option names and junk values, run in-process: mmsim exits 0 or 2,
/// never 70 ("internal error"), and its complaints are lines, not stack traces. Inputs are tiny (a 64 MiB machine, one
/// design and seed where it matters) and every output goes under a temporary folder, so a case takes milliseconds.
/// A failure prints its CsCheck seed; rerun with <c>CsCheck_Seed=SEED</c>.
/// </summary>
[Collection("Console")]
public sealed class CliFuzzTests : IDisposable
{
    private const int Seconds = 6;

    private const string Tiny = "version: 1\nseeds: 1\nduration: 10ms\nmachine:\n  zones:\n    - name: Normal\n      size: 64MiB\n";

    private readonly string dir = Directory.CreateTempSubdirectory("mmsim-clifuzz").FullName;

    public CliFuzzTests()
    {
        File.WriteAllText(Path.Combine(dir, "tiny.yaml"), Tiny);
        File.WriteAllText(Path.Combine(dir, "bad.yaml"), "version: 1\nmachine: [\n");
        File.WriteAllText(Path.Combine(dir, "sweep.yaml"), "scenario: tiny.yaml\ndesigns: [linux-6.18]\nseeds: 1\n");
        File.WriteAllText(Path.Combine(dir, "file"), "not a folder");
        File.Copy(Path.Combine(Scenario.TestFiles.RepoRoot, "tests", "MmSim.Tests", "Golden", "samples-6.18", "zoneinfo"), Path.Combine(dir, "zoneinfo"));
        Directory.CreateDirectory(Path.Combine(dir, "empty"));
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);

    // Found by the fuzzer: a run one sampling interval long gave the time-series figures one sample fewer in time
    // than in vmstat, and drawing the compare plots indexed past the end (exit 70).
    [Fact]
    public void A_compare_of_a_run_one_sampling_interval_long_draws_its_figures()
    {
        (int code, _, string stderr) = MmsimCli.Run("compare", Path.Combine(dir, "tiny.yaml"), "--designs", "linux-6.18", "--out", Path.Combine(dir, "c"));
        Assert.True(code == 0, stderr);
        Assert.True(File.Exists(Path.Combine(dir, "c", "report.html")));
    }

    [Fact]
    public void Random_command_lines_exit_0_or_2_with_readable_lines()
    {
        string[] files = [.. new[] { "tiny.yaml", "bad.yaml", "sweep.yaml", "missing.yaml", "file", "empty", "zoneinfo" }.Select(f => Path.Combine(dir, f))];
        string[] outs = [Path.Combine(dir, "o1"), Path.Combine(dir, "o2"), Path.Combine(dir, "file"), Path.Combine(dir, "file", "x"), "/proc/x", string.Empty];
        string[] values = ["abc", "0", "-1", "1", "2", "10001", "99999999999999999999", string.Empty, "1/2", "3/2", "0/0", "linux-6.18", "linux-6.15,linux-6.18", "nope", ",", "--", "-", " ", "\n", "ü", "1e3", "0x10", "always", "[madvise]", "always [madvise] never"];
        string[] options = ["--seed", "--design", "--designs", "--seeds", "--jobs", "--check", "--check-every", "--trace", "--index", "--shard", "--thp", "--out", "--help", "-h", "--version", "--no-such"];
        string[] commands = ["run", "validate", "compare", "sweep", "merge", "show", "designs", "scenarios", "help", "machine import", "machine", "rnu", string.Empty];

        Gen<string[]> options1 = Gen.Select(Gen.Int[0, options.Length - 1], Gen.Int[0, 63]).Select((o, v) =>
        {
            string option = options[o];
            string value = option == "--out" ? outs[v % outs.Length] : values[v % values.Length];
            return v % 5 == 0 ? new[] { option } : [option, value];
        });
        Gen<string[]> argv = Gen.Select(Gen.Int[0, commands.Length - 1], Gen.Int[0, files.Length - 1], options1.Array[0, 4]).Select((c, f, opts) =>
        {
            var args = new List<string>();
            args.AddRange(commands[c].Split(' ', StringSplitOptions.RemoveEmptyEntries));

            // compare without a scenario runs the full default comparison (minutes): always name one.
            args.Add(files[f]);
            foreach (string[] o in opts)
            {
                args.AddRange(o);
            }

            // Results stay under the temporary folder: without --out, run and compare would write under ./out.
            if (!args.Contains("--out"))
            {
                args.AddRange(["--out", Path.Combine(dir, "default")]);
            }

            // A comparison of every design would take seconds: one design unless the case names its own.
            if (commands[c] == "compare" && !args.Contains("--designs"))
            {
                args.AddRange(["--designs", "linux-6.18"]);
            }

            return args.ToArray();
        });

        argv.Sample(
            args =>
            {
                (int code, string stdout, string stderr) = MmsimCli.Run(args);
                string all = stderr + stdout;
                Assert.True(code is 0 or 2, $"exit {code}: {stderr}");
                Assert.DoesNotContain("internal error", all, StringComparison.Ordinal);
                Assert.DoesNotContain("   at ", all, StringComparison.Ordinal);
                Assert.DoesNotContain("Exception", stderr, StringComparison.Ordinal);
                Assert.DoesNotContain("System.", stderr, StringComparison.Ordinal);
                if (code == 2)
                {
                    Assert.False(string.IsNullOrWhiteSpace(all), "exit 2 without a word");
                }
            },
            time: Seconds,
            threads: 1,
            print: args => string.Join(' ', args.Select(a => $"'{a}'")));
    }
}
