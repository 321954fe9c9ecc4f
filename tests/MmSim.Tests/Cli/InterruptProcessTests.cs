using System.Diagnostics;
using MmSim.Runs.Compare;
using MmSim.Tests.Sweep;

namespace MmSim.Tests.Cli;

/// <summary>
/// A real signal to a real <c>mmsim compare</c> process (<c>dotnet mmsim.dll</c> from the test's bin folder): SIGINT
/// after the second run exits 130, SIGTERM exits 143, and either way the finished runs are kept with their table and
/// no half-written folder is left.
/// </summary>
public sealed class InterruptProcessTests : IDisposable
{
    private readonly SweepFixture f = new();

    public void Dispose() => f.Dispose();

    [Theory]
    [InlineData("INT", 130)]
    [InlineData("TERM", 143)]
    public async Task A_signal_to_compare_keeps_the_finished_runs_and_their_table(string signal, int exitCode)
    {
        string outDir = f.Dir("cmp");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = f.Root,
        };
        foreach (string a in new[] { Path.Combine(AppContext.BaseDirectory, "mmsim.dll"), "compare", "tiny.yaml", "--designs", "linux-6.18", "--seeds", "60", "--jobs", "1", "--out", outDir })
        {
            start.ArgumentList.Add(a);
        }

        using var p = Process.Start(start)!;
        var stderr = new System.Text.StringBuilder();
        using var second = new ManualResetEventSlim();
        p.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (stderr)
            {
                stderr.AppendLine(e.Data);
            }

            if (e.Data.StartsWith("mmsim: [2/60]", StringComparison.Ordinal))
            {
                second.Set();
            }
        };
        p.BeginErrorReadLine();
        Task<string> stdout = p.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        Assert.True(second.Wait(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken), "no second run within 2 minutes: " + stderr);
        using (var kill = Process.Start("kill", ["-" + signal, p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            kill.WaitForExit();
        }

        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(1)), "did not stop within a minute of the signal");
        p.WaitForExit();
        string err;
        lock (stderr)
        {
            err = stderr.ToString();
        }

        string output = await stdout.ConfigureAwait(true);
        Assert.True(p.ExitCode == exitCode, $"exit {p.ExitCode}: {err}");
        CompareResult result = CompareFiles.Read(outDir)!;
        Assert.Equal(60, result.RunsPlanned);
        Assert.InRange(result.Rows.Count, 2, 59);
        Assert.Contains($"mmsim: interrupted: {result.Rows.Count} of 60 runs finished; the table covers those", err, StringComparison.Ordinal);
        Assert.Contains($"interrupted: {result.Rows.Count} of 60", output, StringComparison.Ordinal);
        Assert.Equal(result.Rows.Count + 1, File.ReadAllLines(Path.Combine(outDir, CompareFiles.CsvFile)).Length);

        // One complete folder per finished run, nothing else, and no staging folder anywhere.
        string[] runs = [.. Directory.GetDirectories(Path.Combine(outDir, "linux-6.18")).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        Assert.Equal(result.Rows.Select(r => $"seed{r.Seed}").Order(StringComparer.Ordinal), runs);
        Assert.All(result.Rows, r => Assert.True(File.Exists(Path.Combine(outDir, CompareResult.RunDir(r.Design, r.Seed), "timing.json"))));
        Assert.Empty(Directory.GetDirectories(f.Root, ".*", SearchOption.AllDirectories));
    }
}
