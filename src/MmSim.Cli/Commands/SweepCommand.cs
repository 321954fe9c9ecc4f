using System.CommandLine;
using System.Globalization;
using MmSim.Runs.Sweep;
using MmSim.Scenario;

namespace MmSim.Cli.Commands;

/// <summary>
/// <c>mmsim sweep SWEEP.yaml --out DIR [--jobs N] [--workers process|thread] [--index I | --shard I/N]</c>: runs a
/// sweep (docs/sweeps.md), or a part of it, on a pool of worker processes (or threads) into a folder of run folders,
/// and writes sweep.csv and sweep.parquet of every finished run.
/// </summary>
internal static class SweepCommand
{
    /// <summary>Exit code of a sweep stopped by Ctrl+C (128 + SIGINT; SIGTERM gives 143): finished runs are kept; rerun
    /// to resume.</summary>
    public const int ExitInterrupted = ExitCodes.Interrupted;

    public static Command Create()
    {
        var file = new Argument<string>("sweep") { Description = "sweep file (YAML; docs/sweeps.md)" };
        var outDir = new Option<string?>("--out") { Description = "sweep folder (default: out/sweep-NAME); rerunning into it resumes" };
        var jobs = new Option<int?>("--jobs") { Description = "runs at once (default: the processor count)" };
        var index = new Option<int?>("--index") { Description = "run only this index" };
        var shard = new Option<string?>("--shard") { Description = "run only indices i with i % N == I, given as I/N" };
        var workers = new Option<string>("--workers")
        {
            Description = "process: each run in its own mmsim process (a failing run is reported and does not stop the others); "
                + "thread: runs on threads of this process. Default: process (one run is always run in this process)",
            DefaultValueFactory = _ => "process",
        };
        workers.AcceptOnlyFromAmong("process", "thread");

        // Internal: the parent's worker processes run with it (one --index, no table; docs/sweeps.md).
        var worker = new Option<bool>(SweepWorkers.WorkerOption) { Hidden = true };
        var cmd = new Command("sweep", """
            Run a sweep: scenario parameters (a grid or a list) × designs × seeds, one run folder per index.
            Runs go to a pool of --jobs worker processes; a run that fails is named and the others go on.
            Finished indices are skipped on rerun, so an interrupted sweep resumes and failed runs are retried.
            Without --index or --shard, the index comes from JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or
            SLURM_ARRAY_TASK_ID (Slurm array) when set.

            Exit codes: 0 every run finished; 1 some runs failed (named; rerun to retry); 2 bad input;
            130 interrupted by Ctrl+C (rerun to resume).

            Examples:
              mmsim sweep scenarios/sweeps/stall-dirty.yaml --out out/stall
              mmsim sweep scenarios/sweeps/wait-timeout.yaml --out out/wt --jobs 4
              mmsim sweep scenarios/sweeps/wait-timeout.yaml --out out/wt --workers thread
              mmsim sweep scenarios/sweeps/wait-timeout.yaml --out out/wt-0 --shard 0/2
              JOB_COMPLETION_INDEX=5 mmsim sweep scenarios/sweeps/wait-timeout.yaml --out /results/wt
            """)
        {
            file, outDir, jobs, index, shard, workers, worker,
        };
        cmd.SetAction(parse => parse.GetValue(worker)
            ? ExecuteWorker(parse.GetValue(file)!, parse.GetValue(outDir), parse.GetValue(index))
            : Execute(parse.GetValue(file)!, parse.GetValue(outDir), parse.GetValue(jobs), parse.GetValue(index), parse.GetValue(shard),
                parse.GetValue(workers) == "process"));
        return cmd;
    }

    private static int Execute(string path, string? outDir, int? jobs, int? index, string? shard, bool processes)
    {
        SweepLoadResult loaded = SweepLoader.Load(path);
        if (loaded.Sweep is not { } sweep)
        {
            return Report(loaded.Errors);
        }

        if (jobs is < 1)
        {
            Console.Error.WriteLine($"mmsim: --jobs {jobs}: must be at least 1");
            return ExitCodes.BadInput;
        }

        if (!SweepIndices.TryResolve(index, shard, Environment.GetEnvironmentVariable, sweep.Count, out IReadOnlyList<int> indices, out string source, out string? error))
        {
            Console.Error.WriteLine($"mmsim: {error}");
            return ExitCodes.BadInput;
        }

        // One run needs no pool (a cluster task, a quick check): it runs in this process.
        processes &= indices.Count > 1;
        string self = string.Empty;
        IReadOnlyList<string> selfPrefix = [];
        if (processes && !SweepWorkers.TrySelf(out self, out selfPrefix, out string why))
        {
            Console.Error.WriteLine($"mmsim: --workers process: {why}; use --workers thread");
            return ExitCodes.BadInput;
        }

        // Every point the indices need is checked here, before any run or worker starts.
        IReadOnlyList<ScenarioError> problems = SweepRunner.LoadConfigs(sweep, indices, out ScenarioConfig?[,] configs);
        if (problems.Count > 0)
        {
            return Report(problems);
        }

        // As compare: say once per design when the scenario's own switches override it (its first point that runs).
        for (int d = 0; d < sweep.Designs.Count; d++)
        {
            for (int p = 0; p < sweep.Points.Count; p++)
            {
                if (configs[p, d] is { } config)
                {
                    DesignNames.NoteOverrides(config, sweep.Designs[d]);
                    break;
                }
            }
        }

        string dir = outDir ?? Path.Combine("out", "sweep-" + ScenarioName.FromFileName(Path.GetFileNameWithoutExtension(path)));
        if (!OutputFolder.Prepare(dir))
        {
            return ExitCodes.BadInput;
        }

        SweepManifest manifest = SweepRunner.Prepare(sweep, dir);
        string part = source == "all" ? string.Empty : $" ({indices.Count} of them, from {source})";
        int jobCount = jobs ?? Environment.ProcessorCount;
        string pool = processes ? I($"; {jobCount} worker processes") : string.Empty;
        Console.Out.WriteLine(I($"{path}: {sweep.Points.Count} points × {sweep.Designs.Count} designs × {sweep.Seeds} seeds = {sweep.Count} runs{part}, into {dir}{pool}"));

        // SIGINT/SIGTERM: threads abandon the runs in progress; worker processes finish theirs (each writes its run
        // atomically). Finished runs are kept either way and a rerun resumes.
        using Interruption stop = Interruption.Listen(processes
            ? "stopping after the worker processes in progress; finished runs are kept (rerun to resume)"
            : "abandoning the runs in progress; finished runs are kept (rerun to resume)");
        object gate = new();
        var wall = System.Diagnostics.Stopwatch.StartNew();
        int ranSoFar = 0;
        void Progress(SweepProgress p)
        {
            SweepRun run = sweep.RunAt(p.Index);
            lock (gate)
            {
                // ETA from the runs made so far (skipped ones cost nothing), over the runs left.
                ranSoFar += p.Skipped ? 0 : 1;
                double eta = ranSoFar == 0 ? 0 : wall.Elapsed.TotalSeconds / ranSoFar * (p.Total - p.Done);
                string what = p.Skipped ? "already done"
                    : p.Failure is { } f ? I($"FAILED, {Failure(f)}; {p.Total - p.Done} left")
                    : I($"{p.WallSeconds:0.0} s; {p.Total - p.Done} left, ETA {eta:0} s");
                Console.Out.WriteLine(I($"[{p.Done}/{p.Total}] run {p.Index} (point {run.Point}, {run.Design.Name}, seed +{run.SeedOffset}): {what}"));
            }

            if (!p.Skipped && p.Failure is null)
            {
                stop.RunFinished();
            }
        }

        SweepRunResult result = processes
            ? SweepProcessPool.Run(sweep.Count, indices, dir, jobCount, i => SweepWorkers.Start(self, selfPrefix, path, dir, i), Progress, stop.Token, CancellationToken.None)
            : SweepRunner.Run(sweep, configs, indices, dir, jobCount, Progress, stop.Token);

        SweepTable table = SweepTable.Read([dir], out _, out IReadOnlyList<int> missing);
        table.WriteFiles(dir, manifest);
        string failedNote = result.Failed.Count > 0 ? I($", {result.Failed.Count} failed") : string.Empty;
        Console.Out.WriteLine(I($"ran {result.Ran.Count}, {result.Skipped.Count} already done{failedNote}; {table.Rows.Count} of {sweep.Count} runs finished in {Path.Combine(dir, SweepFiles.CsvFile)} (and {SweepFiles.ParquetFile})"));
        foreach (SweepFailure f in result.Failed)
        {
            Console.Error.WriteLine(I($"mmsim: run {f.Index} failed: {Failure(f)}"));
        }

        if (result.Failed.Count > 0)
        {
            Console.Error.WriteLine(I($"mmsim: failed runs: {string.Join(", ", result.Failed.Select(f => f.Index))}; rerun the same command to retry them"));
        }

        if (result.Interrupted)
        {
            Console.Error.WriteLine($"mmsim: interrupted; rerun the same command to finish the {missing.Count} runs left");
            return stop.ExitCode;
        }

        return result.Failed.Count > 0 ? ExitCodes.RunsFailed : 0;
    }

    /// <summary>A pool worker (<see cref="SweepWorkers.WorkerOption"/>): runs its one index in this process. The parent
    /// has checked the sweep and prepared the folder; the worker writes neither sweep.json nor the table.</summary>
    private static int ExecuteWorker(string path, string? outDir, int? index)
    {
        SweepLoadResult loaded = SweepLoader.Load(path);
        if (loaded.Sweep is not { } sweep)
        {
            return Report(loaded.Errors);
        }

        if (outDir is null || index is not { } i || i < 0 || i >= sweep.Count)
        {
            Console.Error.WriteLine(I($"mmsim: {SweepWorkers.WorkerOption} needs --out and an --index in 0 .. {sweep.Count - 1}"));
            return ExitCodes.BadInput;
        }

        if (!SweepManifest.Read(outDir).SameSweep(SweepManifest.Of(sweep)))
        {
            Console.Error.WriteLine($"mmsim: {outDir} holds runs of another sweep ({SweepFiles.ManifestFile} differs)");
            return ExitCodes.BadInput;
        }

        if (SweepFiles.IsDone(outDir, i))
        {
            Console.Out.WriteLine(I($"run {i}: already done"));
            return 0;
        }

        IReadOnlyList<ScenarioError> problems = SweepRunner.LoadConfigs(sweep, [i], out ScenarioConfig?[,] configs);
        if (problems.Count > 0)
        {
            return Report(problems);
        }

        // Ctrl+C at a terminal reaches the whole process group: the parent decides, and this run finishes (as on
        // threads). A second Ctrl+C kills it; its temporary folder is removed by the next run.
        bool once = false;
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = !once;
            once = true;
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            var wall = System.Diagnostics.Stopwatch.StartNew();
            SweepRunner.RunOne(sweep, configs, i, outDir);
            Console.Out.WriteLine(I($"run {i}: {wall.Elapsed.TotalSeconds:0.000} s"));
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }

        return 0;
    }

    private static string Failure(SweepFailure f)
    {
        // On Linux a child killed by signal N exits with 128 + N.
        string code = f.ExitCode > 128 && f.ExitCode < 128 + 65 ? I($"exit code {f.ExitCode} (signal {f.ExitCode - 128})") : I($"exit code {f.ExitCode}");
        return f.LastLine.Length > 0 ? $"{code}: {f.LastLine}" : $"{code}, no output";
    }

    private static int Report(IReadOnlyList<ScenarioError> errors)
    {
        foreach (ScenarioError e in errors)
        {
            Console.Error.WriteLine(e.ToString());
        }

        return ExitCodes.BadInput;
    }

    private static string I(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
