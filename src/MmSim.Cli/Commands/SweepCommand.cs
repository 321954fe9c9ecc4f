using System.CommandLine;
using System.Globalization;
using MmSim.Runs.Sweep;
using MmSim.Scenario;

namespace MmSim.Cli.Commands;

/// <summary>
/// <c>mmsim sweep SWEEP.yaml --out DIR [--jobs N] [--index I | --shard I/N]</c>: runs a sweep (docs/sweeps.md), or
/// a part of it, into a folder of run folders and writes sweep.csv and sweep.parquet of every finished run.
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
        var cmd = new Command("sweep", """
            Run a sweep: scenario parameters (a grid or a list) × designs × seeds, one run folder per index.
            Finished indices are skipped on rerun, so an interrupted sweep resumes. Without --index or --shard, the index
            comes from JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID (Slurm array) when set.

            Examples:
              mmsim sweep scenarios/sweeps/stall-dirty.yaml --out out/stall
              mmsim sweep scenarios/sweeps/wait-timeout.yaml --out out/wt --jobs 4
              mmsim sweep scenarios/sweeps/wait-timeout.yaml --out out/wt-0 --shard 0/2
              JOB_COMPLETION_INDEX=5 mmsim sweep scenarios/sweeps/wait-timeout.yaml --out /results/wt
            """)
        {
            file, outDir, jobs, index, shard,
        };
        cmd.SetAction(parse => Execute(parse.GetValue(file)!, parse.GetValue(outDir), parse.GetValue(jobs), parse.GetValue(index), parse.GetValue(shard)));
        return cmd;
    }

    private static int Execute(string path, string? outDir, int? jobs, int? index, string? shard)
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
        Console.Out.WriteLine(I($"{path}: {sweep.Points.Count} points × {sweep.Designs.Count} designs × {sweep.Seeds} seeds = {sweep.Count} runs{part}, into {dir}"));

        using Interruption stop = Interruption.Listen("abandoning the runs in progress; finished runs are kept (rerun to resume)");
        object gate = new();
        var wall = System.Diagnostics.Stopwatch.StartNew();
        int ranSoFar = 0;
        SweepRunResult result = SweepRunner.Run(sweep, configs, indices, dir, jobs ?? Environment.ProcessorCount, p =>
        {
            SweepRun run = sweep.RunAt(p.Index);
            lock (gate)
            {
                // ETA from the runs made so far (skipped ones cost nothing), over the runs left.
                ranSoFar += p.Skipped ? 0 : 1;
                double eta = ranSoFar == 0 ? 0 : wall.Elapsed.TotalSeconds / ranSoFar * (p.Total - p.Done);
                string what = p.Skipped ? "already done" : I($"{p.WallSeconds:0.0} s; {p.Total - p.Done} left, ETA {eta:0} s");
                Console.Out.WriteLine(I($"[{p.Done}/{p.Total}] run {p.Index} (point {run.Point}, {run.Design.Name}, seed +{run.SeedOffset}): {what}"));
            }

            if (!p.Skipped)
            {
                stop.RunFinished();
            }
        }, stop.Token);

        SweepTable table = SweepTable.Read([dir], out _, out IReadOnlyList<int> missing);
        table.WriteFiles(dir, manifest);
        Console.Out.WriteLine(I($"ran {result.Ran.Count}, {result.Skipped.Count} already done; {table.Rows.Count} of {sweep.Count} runs finished in {Path.Combine(dir, SweepFiles.CsvFile)} (and {SweepFiles.ParquetFile})"));
        if (result.Interrupted)
        {
            Console.Error.WriteLine($"mmsim: interrupted; rerun the same command to finish the {missing.Count} runs left");
            return stop.ExitCode;
        }

        return 0;
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
