using System.CommandLine;
using System.Globalization;
using System.Text;
using MmSim.Runs;
using MmSim.Scenario;
using Spectre.Console;

namespace MmSim.Cli.Commands;

/// <summary>
/// <c>mmsim compare [SCENARIO] [--seeds N] [--out DIR]</c>: runs one scenario under each design over
/// several seeds and prints a side-by-side table with 95 % intervals.
/// </summary>
/// <remarks>
/// The designs available so far are the page allocator's release switches (the 6.12 and the 6.15+
/// fallback algorithms); the FUSE writeback designs join this list when they are modelled.
/// </remarks>
internal static class CompareCommand
{
    /// <summary>A named design: a label and the change it makes to the scenario.</summary>
    internal sealed record Design(string Name, string What, Func<ScenarioConfig, ScenarioConfig> Apply);

    internal static readonly Design[] Designs =
    [
        new("linux-6.12", "6.12.0–6.12.28 fallback: __rmqueue_fallback, carve from the largest buddy",
            c => c with { Kernel = c.Kernel with { Release = "6.12", Fallback = Mm.PageAlloc.FallbackAlgorithm.V6_12 } }),
        new("linux-6.18", "6.15+ fallback: __rmqueue_claim, then __rmqueue_steal of the smallest buddy",
            c => c with { Kernel = c.Kernel with { Release = "6.18", Fallback = Mm.PageAlloc.FallbackAlgorithm.V6_15 } }),
    ];

    public static Command Create()
    {
        var scenario = new Argument<string?>("scenario") { Description = "scenario file (default: scenarios/default.yaml)", Arity = ArgumentArity.ZeroOrOne };
        var seeds = new Option<int?>("--seeds") { Description = "number of seeds (default: the scenario's 'seeds')" };
        var outDir = new Option<string?>("--out") { Description = "result folder (default: out/compare-NAME)" };
        var cmd = new Command("compare", "Run a scenario under each design over several seeds and compare them side by side.")
        {
            scenario, seeds, outDir,
        };
        cmd.SetAction(parse =>
        {
            string path = parse.GetValue(scenario) ?? ScenarioFiles.FindDefault();
            ScenarioConfig? config = ScenarioFiles.LoadOrReport(path);
            if (config == null)
            {
                return ExitCodes.BadInput;
            }

            int n = parse.GetValue(seeds) ?? config.Seeds;
            if (n < 1)
            {
                Console.Error.WriteLine("mmsim: --seeds must be at least 1");
                return ExitCodes.BadInput;
            }

            string dir = parse.GetValue(outDir) ?? Path.Combine("out", $"compare-{config.Name}");
            RunSummary[,] results = RunAll(config, n, dir);
            PrintTable(config, results, n);
            AtomicFile.WriteAllText(Path.Combine(dir, "compare.csv"), Csv(results, n));
            AnsiConsole.MarkupLine($"results in {Markup.Escape(dir)} (compare.csv and one folder per run)");
            return 0;
        });
        return cmd;
    }

    // Each run is single-threaded and deterministic; runs go in parallel and land by index, so the
    // table does not depend on which finishes first.
    private static RunSummary[,] RunAll(ScenarioConfig config, int nSeeds, string dir)
    {
        var results = new RunSummary[Designs.Length, nSeeds];
        var jobs = new List<(int D, int S)>();
        for (int d = 0; d < Designs.Length; d++)
        {
            for (int s = 0; s < nSeeds; s++)
            {
                jobs.Add((d, s));
            }
        }

        var options = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount };
        Parallel.ForEach(jobs, options, job =>
        {
            ScenarioConfig c = Designs[job.D].Apply(config);
            ulong seed = config.Seed + (ulong)job.S;
            string runDir = Path.Combine(dir, Designs[job.D].Name, $"seed{seed}");
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

    private static void PrintTable(ScenarioConfig config, RunSummary[,] results, int nSeeds)
    {
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(config.Name)}[/]: {Designs.Length} designs × {nSeeds} seeds (mean ± 95 % interval)");
        var table = new Table().AddColumn("metric");
        foreach (Design d in Designs)
        {
            table.AddColumn(d.Name);
        }

        foreach (var m in Metrics)
        {
            var row = new List<string> { m.Header };
            for (int d = 0; d < Designs.Length; d++)
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
        foreach (Design d in Designs)
        {
            AnsiConsole.MarkupLine($"  {d.Name}: {Markup.Escape(d.What)}");
        }
    }

    private static string Csv(RunSummary[,] results, int nSeeds)
    {
        var sb = new StringBuilder("design,seed");
        foreach (var m in Metrics)
        {
            sb.Append(',').Append(m.Column);
        }

        sb.Append('\n');
        for (int d = 0; d < Designs.Length; d++)
        {
            for (int s = 0; s < nSeeds; s++)
            {
                RunSummary r = results[d, s];
                sb.Append(Designs[d].Name).Append(',').Append(r.Seed.ToString(CultureInfo.InvariantCulture));
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
