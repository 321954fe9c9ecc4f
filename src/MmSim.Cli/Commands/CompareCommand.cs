using System.CommandLine;
using System.Globalization;
using System.Text;
using MmSim.Kernel.Designs;
using MmSim.Runs;
using MmSim.Scenario;
using Spectre.Console;

namespace MmSim.Cli.Commands;

/// <summary>
/// <c>mmsim compare [SCENARIO] [--designs A,B,…] [--seeds N] [--out DIR]</c>: runs one scenario under
/// each design over several seeds and prints a side-by-side table with 95 % intervals.
/// </summary>
/// <remarks>
/// The designs come from the registry in Core (<see cref="Designs"/>); each column is the scenario
/// loaded under that design, with the same rule as <c>run --design</c>: switches the scenario writes
/// that change its own design still win (a note on stderr names them).
/// </remarks>
internal static class CompareCommand
{
    public static Command Create()
    {
        var scenario = new Argument<string?>("scenario") { Description = "scenario file (default: scenarios/default.yaml)", Arity = ArgumentArity.ZeroOrOne };
        var designs = new Option<string?>("--designs") { Description = "designs to compare, comma-separated (default: every design the scenario can run; see 'mmsim designs')" };
        var seeds = new Option<int?>("--seeds") { Description = "number of seeds (default: the scenario's 'seeds')" };
        var outDir = new Option<string?>("--out") { Description = "result folder (default: out/compare-NAME)" };
        var cmd = new Command("compare", "Run a scenario under each design over several seeds and compare them side by side.")
        {
            scenario, designs, seeds, outDir,
        };
        cmd.SetAction(parse =>
        {
            string path = parse.GetValue(scenario) ?? ScenarioFiles.FindDefault();
            ScenarioConfig? config = ScenarioFiles.LoadOrReport(path);
            if (config == null)
            {
                return ExitCodes.BadInput;
            }

            IReadOnlyList<Design>? chosen = parse.GetValue(designs) is string list ? DesignNames.FindAll(list) : RunnableDesigns(config);
            if (chosen == null)
            {
                return ExitCodes.BadInput;
            }

            int n = parse.GetValue(seeds) ?? config.Seeds;
            if (n < 1)
            {
                Console.Error.WriteLine("mmsim: --seeds must be at least 1");
                return ExitCodes.BadInput;
            }

            ScenarioConfig[]? configs = LoadUnderEach(path, chosen);
            if (configs == null)
            {
                return ExitCodes.BadInput;
            }

            string dir = parse.GetValue(outDir) ?? Path.Combine("out", $"compare-{config.Name}");
            RunSummary[,] results = RunAll(configs, n, dir);
            PrintTable(config, chosen, results, n);
            AtomicFile.WriteAllText(Path.Combine(dir, "compare.csv"), Csv(configs, results, n));
            AnsiConsole.MarkupLine($"results in {Markup.Escape(dir)} (compare.csv and one folder per run)");
            return 0;
        });
        return cmd;
    }

    // Every registered design for now; a design that needs what the scenario lacks (a FUSE mount for
    // the writeback designs) will be left out here.
    private static IReadOnlyList<Design> RunnableDesigns(ScenarioConfig config) => Designs.All;

    private static ScenarioConfig[]? LoadUnderEach(string path, IReadOnlyList<Design> designs)
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
            configs[d] = c;
        }

        return configs;
    }

    // Each run is single-threaded and deterministic; runs go in parallel and land by index, so the
    // table does not depend on which finishes first.
    private static RunSummary[,] RunAll(ScenarioConfig[] configs, int nSeeds, string dir)
    {
        var results = new RunSummary[configs.Length, nSeeds];
        var jobs = new List<(int D, int S)>();
        for (int d = 0; d < configs.Length; d++)
        {
            for (int s = 0; s < nSeeds; s++)
            {
                jobs.Add((d, s));
            }
        }

        var options = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount };
        Parallel.ForEach(jobs, options, job =>
        {
            ScenarioConfig c = configs[job.D];
            ulong seed = c.Seed + (ulong)job.S;
            string runDir = Path.Combine(dir, c.Kernel.Design, $"seed{seed}");
            results[job.D, job.S] = RunCommand.Execute(c, new RunOptions { Seed = seed }, runDir);
        });
        return results;
    }

    private static readonly (string Column, string Header, Func<RunSummary, double> Get)[] Metrics =
    [
        ("huge_pct", "THP fault success %", s => Pct(s.ThpFaultAlloc, s.ThpFaultAlloc + s.ThpFaultFallback)),
        ("alloc_fail_pct", "alloc failures %", s => Pct(s.Workloads.Sum(w => w.AllocFailures), s.Workloads.Sum(w => w.Allocs))),
        ("order9_fail_pct", "order-9 failures %", s => Pct(s.Workloads.Sum(w => w.AllocFailuresByOrder[9]), s.Workloads.Sum(w => w.Allocs))),
        ("unmovable_blocks", "unmovable blocks", s => s.Pageblocks[0]),
        ("reclaimable_blocks", "reclaimable blocks", s => s.Pageblocks[2]),
        ("mixed_blocks", "mixed blocks", s => s.MixedBlocks.Sum()),
        ("free_order9_blocks", "free order-9+ blocks", s => s.FreeOrder9Blocks),
        ("extfrag_events", "extfrag events", s => s.ExtfragEvents),
        ("extfrag_fragmenting", "fragmenting fallbacks", s => s.ExtfragFragmenting),
    ];

    private static double Pct(long part, long whole) => whole == 0 ? 0 : 100.0 * part / whole;

    private static void PrintTable(ScenarioConfig config, IReadOnlyList<Design> designs, RunSummary[,] results, int nSeeds)
    {
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(config.Name)}[/]: {designs.Count} designs × {nSeeds} seeds (mean ± 95 % interval)");
        var table = new Table().AddColumn("metric");
        foreach (Design d in designs)
        {
            table.AddColumn(d.Name);
        }

        foreach (var m in Metrics)
        {
            var row = new List<string> { m.Header };
            for (int d = 0; d < designs.Count; d++)
            {
                var values = new double[nSeeds];
                for (int s = 0; s < nSeeds; s++)
                {
                    values[s] = m.Get(results[d, s]);
                }

                (double mean, double half) = Stats.MeanAndInterval95(values);
                row.Add(string.Create(CultureInfo.InvariantCulture, $"{mean:0.##} ± {half:0.##}"));
            }

            table.AddRow(row.ToArray());
        }

        AnsiConsole.Write(table);
        foreach (Design d in designs)
        {
            AnsiConsole.MarkupLine($"  {d.Name} ({Markup.Escape(d.StandsFor)}): {Markup.Escape(d.Change)}");
        }
    }

    private static string Csv(ScenarioConfig[] configs, RunSummary[,] results, int nSeeds)
    {
        var sb = new StringBuilder("design,seed");
        foreach (var m in Metrics)
        {
            sb.Append(',').Append(m.Column);
        }

        sb.Append('\n');
        for (int d = 0; d < configs.Length; d++)
        {
            for (int s = 0; s < nSeeds; s++)
            {
                RunSummary r = results[d, s];
                sb.Append(configs[d].Kernel.Design).Append(',').Append(r.Seed.ToString(CultureInfo.InvariantCulture));
                foreach (var m in Metrics)
                {
                    sb.Append(',').Append(m.Get(r).ToString("0.####", CultureInfo.InvariantCulture));
                }

                sb.Append('\n');
            }
        }

        return sb.ToString();
    }
}
