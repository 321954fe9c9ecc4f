using System.Diagnostics;
using System.Globalization;
using MmSim.Runs.Sweep;

namespace MmSim.Tests.Sweep;

/// <summary>
/// The real process pool: <c>dotnet mmsim.dll sweep …</c> (the mmsim.dll built next to the tests) starts one worker
/// process per run. Its results equal a thread-pool run byte for byte; a child that fails (an index whose folder
/// cannot be written) or is killed is named, does not stop the others, and a rerun retries it; Ctrl+C (SIGINT to the
/// parent alone) stops handing out runs, keeps the one running, exits 130, and a rerun resumes.
/// </summary>
public sealed class SweepProcessPoolTests : IDisposable
{
    /// <summary>3 runs of 5 s simulated (long enough for a child to be caught alive), one design, one seed.</summary>
    private const string SlowSweep = """
        scenario: tiny.yaml
        designs: [linux-6.18]
        list:
          - { duration: 5s }
          - { duration: 6s }
          - { duration: 7s }
        """;

    private readonly SweepFixture f = new();

    public void Dispose() => f.Dispose();

    [Fact]
    public void A_process_pool_run_equals_a_thread_pool_run_byte_for_byte()
    {
        string sweep = f.Write(SweepFixture.Sweep);
        (int code, string stdout, string stderr) = Mmsim("sweep", sweep, "--out", f.Dir("proc"), "--jobs", "2");
        Assert.True(code == 0, stderr);
        Assert.Contains("= 8 runs, into", stdout, StringComparison.Ordinal);
        Assert.Contains("; 2 worker processes", stdout, StringComparison.Ordinal);
        Assert.Contains("ran 8, 0 already done; 8 of 8 runs finished", stdout, StringComparison.Ordinal);

        SweepFixture.Run(f.Load(), f.Dir("thread"), cancel: TestContext.Current.CancellationToken);
        AssertSameTables(f.Dir("thread"), f.Dir("proc"));
        for (int i = 0; i < 8; i++)
        {
            foreach (string file in new[] { "summary.json", "config.resolved.yaml", SweepFiles.PointFile })
            {
                Assert.Equal(File.ReadAllBytes(Path.Combine(SweepFiles.RunDir(f.Dir("thread"), i), file)), File.ReadAllBytes(Path.Combine(SweepFiles.RunDir(f.Dir("proc"), i), file)));
            }
        }

        // No temporary folder is left behind by the children.
        Assert.Empty(Directory.GetDirectories(Path.Combine(f.Dir("proc"), SweepFiles.RunsDir), SweepFiles.TempPrefix + "*"));
    }

    [Fact]
    public void A_failing_child_is_named_with_its_error_the_others_finish_and_a_rerun_retries_it()
    {
        string sweep = f.Write(SweepFixture.Sweep);
        string dir = f.Dir("proc");

        // Index 3 cannot be written: a plain file holds its folder's name.
        Directory.CreateDirectory(Path.Combine(dir, SweepFiles.RunsDir));
        string blocker = SweepFiles.RunDir(dir, 3);
        File.WriteAllText(blocker, "not a folder");
        (int code, string stdout, string stderr) = Mmsim("sweep", sweep, "--out", dir, "--jobs", "2");
        Assert.True(code == 1, $"exit {code}: {stderr}");
        Assert.Contains("run 3 (point 0, wait-timeout, seed +1): FAILED, exit code 2: mmsim: ", stdout, StringComparison.Ordinal);
        Assert.Contains("ran 7, 0 already done, 1 failed; 7 of 8 runs finished", stdout, StringComparison.Ordinal);
        Assert.Contains($"mmsim: run 3 failed: exit code 2: mmsim: ", stderr, StringComparison.Ordinal);
        Assert.Contains(blocker, stderr, StringComparison.Ordinal);
        Assert.Contains("mmsim: failed runs: 3; rerun the same command to retry them", stderr, StringComparison.Ordinal);
        Assert.Equal([0, 1, 2, 4, 5, 6, 7], Enumerable.Range(0, 8).Where(i => SweepFiles.IsDone(dir, i)));

        File.Delete(blocker);
        (code, stdout, stderr) = Mmsim("sweep", sweep, "--out", dir, "--jobs", "2");
        Assert.True(code == 0, stderr);
        Assert.Contains("ran 1, 7 already done; 8 of 8 runs finished", stdout, StringComparison.Ordinal);
        SweepFixture.Run(f.Load(), f.Dir("thread"), cancel: TestContext.Current.CancellationToken);
        AssertSameTables(f.Dir("thread"), dir);
    }

    [Fact]
    public void A_killed_child_is_named_the_others_finish_and_a_rerun_retries_it()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "finds the children in /proc");
        string sweep = f.Write(SlowSweep, "slow.yaml");
        string dir = f.Dir("proc");
        using Process parent = Start("sweep", sweep, "--out", dir, "--jobs", "2");
        (int pid, int index) = WaitForChild(parent);
        using (Process child = Process.GetProcessById(pid))
        {
            child.Kill();
        }

        (int code, string stdout, string stderr) = Finish(parent);
        Assert.True(code == 1, $"exit {code}: {stderr}");
        Assert.Contains(I($"mmsim: run {index} failed: exit code 137 (signal 9)"), stderr, StringComparison.Ordinal);
        Assert.Contains(I($"mmsim: failed runs: {index}; rerun"), stderr, StringComparison.Ordinal);
        Assert.Contains("ran 2, 0 already done, 1 failed", stdout, StringComparison.Ordinal);
        Assert.False(SweepFiles.IsDone(dir, index));

        (code, stdout, stderr) = Mmsim("sweep", sweep, "--out", dir, "--jobs", "2");
        Assert.True(code == 0, stderr);
        Assert.Contains("ran 1, 2 already done; 3 of 3 runs finished", stdout, StringComparison.Ordinal);
        SweepFixture.Run(f.Load(SlowSweep, "slow.yaml"), f.Dir("thread"), cancel: TestContext.Current.CancellationToken);
        AssertSameTables(f.Dir("thread"), dir);
        Assert.Empty(Directory.GetDirectories(Path.Combine(dir, SweepFiles.RunsDir), SweepFiles.TempPrefix + "*"));
    }

    [Fact]
    public void Sigint_stops_handing_out_runs_keeps_the_running_one_exits_130_and_a_rerun_resumes()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "signals the parent with kill(1)");
        string sweep = f.Write(SlowSweep, "slow.yaml");
        string dir = f.Dir("proc");
        using Process parent = Start("sweep", sweep, "--out", dir, "--jobs", "1");
        (_, int index) = WaitForChild(parent);
        Assert.Equal(0, index);
        using (Process kill = Process.Start("kill", ["-INT", parent.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            kill.WaitForExit();
        }

        (int code, string stdout, string stderr) = Finish(parent);
        Assert.True(code == 130, $"exit {code}: {stderr}");
        Assert.Contains("stopping after the worker processes in progress", stderr, StringComparison.Ordinal);
        Assert.Contains("ran 1, 0 already done; 1 of 3 runs finished", stdout, StringComparison.Ordinal);
        Assert.True(SweepFiles.IsDone(dir, 0));

        (code, stdout, stderr) = Mmsim("sweep", sweep, "--out", dir, "--jobs", "2");
        Assert.True(code == 0, stderr);
        Assert.Contains("ran 2, 1 already done; 3 of 3 runs finished", stdout, StringComparison.Ordinal);
        SweepFixture.Run(f.Load(SlowSweep, "slow.yaml"), f.Dir("thread"), cancel: TestContext.Current.CancellationToken);
        AssertSameTables(f.Dir("thread"), dir);
    }

    private static void AssertSameTables(string expected, string actual)
    {
        Assert.Equal(File.ReadAllText(Path.Combine(expected, SweepFiles.CsvFile)), File.ReadAllText(Path.Combine(actual, SweepFiles.CsvFile)));
        Assert.Equal(File.ReadAllBytes(Path.Combine(expected, SweepFiles.ParquetFile)), File.ReadAllBytes(Path.Combine(actual, SweepFiles.ParquetFile)));
    }

    /// <summary>Waits for the parent's first worker process; returns its pid and the index it runs.</summary>
    private static (int Pid, int Index) WaitForChild(Process parent)
    {
        var wait = Stopwatch.StartNew();
        while (wait.Elapsed < TimeSpan.FromSeconds(60))
        {
            Assert.False(parent.HasExited, "the sweep ended before a worker was seen");
            foreach (string proc in Directory.GetDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(proc), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
                {
                    continue;
                }

                try
                {
                    // /proc/PID/stat: "pid (comm) state ppid …"; comm may hold spaces, so parse after the last ')'.
                    string stat = File.ReadAllText(Path.Combine(proc, "stat"));
                    string[] after = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                    if (int.Parse(after[1], CultureInfo.InvariantCulture) != parent.Id)
                    {
                        continue;
                    }

                    string[] args = File.ReadAllText(Path.Combine(proc, "cmdline")).Split('\0');
                    int at = Array.IndexOf(args, "--index");
                    if (at > 0)
                    {
                        return (pid, int.Parse(args[at + 1], CultureInfo.InvariantCulture));
                    }
                }
                catch (IOException)
                {
                    // The process went away while read.
                }
                catch (UnauthorizedAccessException)
                {
                }
            }

            Thread.Sleep(10);
        }

        throw new TimeoutException("no worker process appeared in 60 s");
    }

    private static (int Code, string Out, string Err) Mmsim(params string[] args) => Finish(Start(args));

    /// <summary>Starts <c>dotnet mmsim.dll ARGS</c>, mmsim.dll being the one built next to the tests.</summary>
    private static Process Start(params string[] args)
    {
        var start = new ProcessStartInfo(Dotnet())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "mmsim.dll"));
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment.Remove("JOB_COMPLETION_INDEX");
        start.Environment.Remove("SLURM_ARRAY_TASK_ID");
        return Process.Start(start)!;
    }

    private static (int Code, string Out, string Err) Finish(Process p)
    {
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(5)), "mmsim did not finish in 5 minutes");
        p.WaitForExit();
        int code = p.ExitCode;
        p.Dispose();
        return (code, stdout.Result, stderr.Result);
    }

    private static string Dotnet()
    {
        // Under 'dotnet test' the SDK names its host; the test host itself usually runs under it too.
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
        {
            return host;
        }

        string? self = Environment.ProcessPath;
        return self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }

    private static string I(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
