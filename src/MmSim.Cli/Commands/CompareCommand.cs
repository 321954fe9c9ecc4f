using System.CommandLine;
using MmSim.Kernel.Designs;
using MmSim.Report;
using MmSim.Report.Plots;
using MmSim.Runs;
using MmSim.Runs.Compare;
using MmSim.Scenario;
using Spectre.Console;

namespace MmSim.Cli.Commands;

/// <summary>
/// <c>mmsim compare [SCENARIO] [--designs A,B,…] [--seeds N] [--jobs N] [--out DIR] [--trace]</c>: runs one scenario
/// under each design over several seeds, in parallel, and writes the answer: the table (mean and 95 % interval per
/// design), the verdicts derived from it, compare.csv/.parquet/.json, the plots and report.html.
/// </summary>
/// <remarks>
/// Each column is the scenario loaded under that design with the rule of <c>run --design</c>: switches the scenario
/// writes that change its own design still win (a note on stderr names them). Runs are single-threaded and
/// deterministic and land by index, so nothing depends on which finishes first. The whole folder is staged and swapped
/// in at the end (<see cref="StagedFolder"/>); Ctrl-C or SIGTERM abandons the runs in progress and writes the table
/// of the finished ones (exit 130 or 143).
/// </remarks>
internal static class CompareCommand
{
    /// <summary>Upper bound of --seeds, as the scenario's own <c>seeds</c> field.</summary>
    private const int MaxSeeds = 10000;

    public static Command Create()
    {
        var scenario = new Argument<string?>("scenario") { Description = "scenario file (default: scenarios/default.yaml, the stalled FUSE server)", Arity = ArgumentArity.ZeroOrOne };
        var designs = new Option<string?>("--designs") { Description = "designs to compare, comma-separated (default: every design; see 'mmsim designs')" };
        var seeds = new Option<int?>("--seeds") { Description = "number of seeds, the scenario's seed and the ones after it (default: the scenario's 'seeds')" };
        var jobs = new Option<int?>("--jobs") { Description = "runs at once (default: the number of processors)" };
        var outDir = new Option<string?>("--out") { Description = "result folder (default: out/compare-NAME)" };
        var trace = new Option<bool>("--trace") { Description = "also write each run's kmem tracepoint lines (trace.txt; large)" };
        var cmd = new Command("compare", """
            Run a scenario under each design over several seeds and compare them: the table, verdicts, plots and report.html.

            Examples:
              mmsim compare                                         # every design on scenarios/default.yaml
              mmsim compare scenarios/fuse-healthy.yaml --seeds 5 --jobs 2
              mmsim compare --designs linux-6.15,linux-6.18,wait-timeout --out out/cmp
              mmsim show out/cmp                                    # the table and verdicts again
            """)
        {
            scenario, designs, seeds, jobs, outDir, trace,
        };
        cmd.SetAction(parse =>
        {
            string path = parse.GetValue(scenario) ?? ScenarioFiles.FindDefault();
            ScenarioConfig? config = ScenarioFiles.LoadOrReport(path);
            if (config == null)
            {
                return ExitCodes.BadInput;
            }

            IReadOnlyList<Design>? chosen = parse.GetValue(designs) is string list ? DesignNames.FindAll(list) : Designs.All;
            if (chosen == null)
            {
                return ExitCodes.BadInput;
            }

            int n = parse.GetValue(seeds) ?? config.Seeds;
            int parallel = parse.GetValue(jobs) ?? Environment.ProcessorCount;
            if (n is < 1 or > MaxSeeds || parallel < 1)
            {
                Console.Error.WriteLine(n is < 1 or > MaxSeeds ? $"mmsim: --seeds {n}: must be between 1 and {MaxSeeds}" : $"mmsim: --jobs {parallel}: must be at least 1");
                return ExitCodes.BadInput;
            }

            ScenarioConfig[]? configs = LoadUnderEach(path, chosen, parse.GetValue(trace));
            if (configs == null)
            {
                return ExitCodes.BadInput;
            }

            string dir = parse.GetValue(outDir) ?? Path.Combine("out", $"compare-{config.Name}");
            if (!OutputFolder.Prepare(dir))
            {
                return ExitCodes.BadInput;
            }

            string command = Reproduce(path, chosen, n, dir, parse.GetValue(trace));
            using Interruption stop = Interruption.Listen("abandoning the runs in progress; the table will cover the finished ones");
            try
            {
                return StagedFolder.Write(dir, CompareFiles.JsonFile, stage => Write(path, configs, n, parallel, stage, dir, command, stop));
            }
            catch (OperationCanceledException) when (stop.Requested)
            {
                // Not one run finished: an empty table is worth less than the folder already there.
                Console.Error.WriteLine($"mmsim: interrupted before any run finished; {dir} is left as it was");
                return stop.ExitCode;
            }
        });
        return cmd;
    }

    // Into the staged folder (swapped in whole at the end, so no file of an earlier comparison stays): the runs, then
    // the table, files, plots and report of what finished. Interrupted, the table covers the finished runs and the
    // plots and report are left out (they need every run of the grid).
    private static int Write(string path, ScenarioConfig[] configs, int n, int parallel, string stage, string dir, string command, Interruption stop)
    {
        CompareResult result = Run(path, configs, n, parallel, stage, command, stop);
        if (result.Rows.Count == 0)
        {
            stop.Token.ThrowIfCancellationRequested();
        }

        IReadOnlyList<Verdict> verdicts = Verdicts.Derive(result);
        CompareFiles.Write(result, stage);
        if (result.InterruptedNote is string note)
        {
            CompareOutput.Print(result, verdicts);
            Console.Error.WriteLine($"mmsim: {note}");
            AnsiConsole.MarkupLine($"results in {Markup.Escape(dir)}: compare.csv, compare.parquet, compare.json and one folder per finished run (no plots or report)");
            return stop.ExitCode;
        }

        IReadOnlyList<Figure> figures = ComparePlots.Write(result, stage);
        string report = CompareReport.Write(result, verdicts, figures, stage);
        CompareOutput.Print(result, verdicts);
        AnsiConsole.MarkupLine($"results in {Markup.Escape(dir)}: {Markup.Escape(Path.GetFileName(report))}, compare.csv, compare.parquet, {figures.Count} figures, one folder per run");
        return 0;
    }

    /// <summary>Runs every design × seed and collects the rows; after an interruption, the rows of the runs that
    /// finished (the runs in progress are abandoned and leave no folder).</summary>
    /// <param name="path">The scenario file.</param>
    /// <param name="configs">The scenario under each design, in column order.</param>
    /// <param name="nSeeds">Seeds per design.</param>
    /// <param name="jobs">Runs at once.</param>
    /// <param name="dir">The comparison's folder.</param>
    /// <param name="command">The command that reproduces it.</param>
    /// <param name="stop">Ctrl-C and SIGTERM: stops starting runs and abandons those running.</param>
    /// <returns>The comparison.</returns>
    public static CompareResult Run(string path, ScenarioConfig[] configs, int nSeeds, int jobs, string dir, string command, Interruption stop)
    {
        var seeds = new ulong[nSeeds];
        for (int s = 0; s < nSeeds; s++)
        {
            seeds[s] = configs[0].Seed + (ulong)s;
        }

        var rows = new CompareRow?[configs.Length * nSeeds];
        using (var progress = new CompareProgress(rows.Length))
        {
            var options = new ParallelOptions { MaxDegreeOfParallelism = jobs, CancellationToken = stop.Token };
            try
            {
                Parallel.For(0, rows.Length, options, i =>
                {
                    ScenarioConfig c = configs[i / nSeeds];
                    ulong seed = seeds[i % nSeeds];
                    RunSummary summary;
                    try
                    {
                        summary = RunCommand.Execute(c, new RunOptions { Seed = seed, Cancel = stop.Token }, Path.Combine(dir, CompareResult.RunDir(c.Kernel.Design, seed)));
                    }
                    catch (OperationCanceledException) when (stop.Requested)
                    {
                        return; // abandoned: its staged folder is gone
                    }

                    rows[i] = CompareRow.From(c.Kernel.Design, summary);
                    progress.Done($"{c.Kernel.Design} seed {seed}");
                    stop.RunFinished();
                });
            }
            catch (OperationCanceledException) when (stop.Requested)
            {
                // Parallel.For stops handing out runs; the finished ones are in rows.
            }
        }

        CompareRow[] finished = [.. rows.Where(r => r is not null).Select(r => r!)];
        return new CompareResult(configs[0].Name, path, File.ReadAllText(path), command, [.. configs.Select(c => c.Kernel.Design)], seeds, finished)
        {
            RunsPlanned = finished.Length < rows.Length ? rows.Length : null,
        };
    }

    private static ScenarioConfig[]? LoadUnderEach(string path, IReadOnlyList<Design> designs, bool trace)
    {
        var configs = new ScenarioConfig[designs.Count];
        for (int d = 0; d < designs.Count; d++)
        {
            ScenarioConfig? c = ScenarioFiles.LoadOrReport(path, designs[d]);
            if (c == null)
            {
                return null;
            }

            DesignNames.NoteOverrides(c, designs[d]);
            configs[d] = trace ? c with { Kernel = c.Kernel with { Trace = true } } : c;
        }

        return configs;
    }

    // Every choice spelled out, so the line reruns the same comparison whatever the defaults become (--jobs changes
    // nothing in the results and is left out).
    private static string Reproduce(string path, IReadOnlyList<Design> designs, int seeds, string dir, bool trace) =>
        $"mmsim compare {Quote(path)} --designs {string.Join(',', designs.Select(d => d.Name))} --seeds {seeds} --out {Quote(dir)}" + (trace ? " --trace" : string.Empty);

    private static string Quote(string s) => s.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"' or '$' or '`' or '\\') ? $"'{s.Replace("'", "'\\''", StringComparison.Ordinal)}'" : s;
}
