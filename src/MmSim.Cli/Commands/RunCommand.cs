using System.CommandLine;
using System.Globalization;
using MmSim.Kernel.Designs;
using MmSim.Runs;
using MmSim.Scenario;
using MmSim.Sim;
using Spectre.Console;

namespace MmSim.Cli.Commands;

/// <summary><c>mmsim run SCENARIO [--design NAME] [--seed N] [--out DIR] [--check]</c>: one run, its result folder and a summary.</summary>
/// <remarks>
/// <c>--design</c> replaces the scenario's <c>kernel.design</c>; switches the scenario writes that change its own
/// design still win, and a note on stderr names them (docs/designs.md).
/// </remarks>
internal static class RunCommand
{
    public static Command Create()
    {
        var scenario = new Argument<string>("scenario") { Description = "scenario file (YAML)" };
        var design = new Option<string?>("--design") { Description = "design to run (see 'mmsim designs'; default: the scenario's kernel.design); switches the scenario changes still win" };
        var seed = new Option<ulong?>("--seed") { Description = "seed (default: the scenario's)" };
        var outDir = new Option<string?>("--out") { Description = "result folder (default: out/NAME-seedN)" };
        var check = new Option<bool>("--check") { Description = "run the invariant checker after every operation (slow on big machines)" };
        var checkEvery = new Option<long?>("--check-every") { Description = "run the invariant checker after every N operations (N >= 1)" };
        var cmd = new Command("run", """
            Run one scenario with one seed; write /proc snapshots, the resolved config, time series and a summary.

            Examples:
              mmsim run scenarios/default.yaml --design linux-6.15 --seed 3
              mmsim run scenarios/presets/frag.yaml --check --out out/frag
              mmsim show out/frag
            """)
        {
            scenario, design, seed, outDir, check, checkEvery,
        };
        cmd.SetAction(parse =>
        {
            Design? chosen = null;
            if (parse.GetValue(design) is string name && (chosen = DesignNames.Find(name)) is null)
            {
                return ExitCodes.BadInput;
            }

            ScenarioConfig? config = ScenarioFiles.LoadOrReport(parse.GetValue(scenario)!, chosen);
            if (config == null)
            {
                return ExitCodes.BadInput;
            }

            if (chosen is not null)
            {
                DesignNames.NoteOverrides(config, chosen);
            }

            // 0 would silently check nothing: "every 0 operations" is not a schedule, so it is refused.
            long? everyGiven = parse.GetValue(checkEvery);
            if (everyGiven is < 1)
            {
                Console.Error.WriteLine($"mmsim: --check-every {everyGiven}: must be at least 1 (operations between checks); leave it out for no checks, or use --check for every operation");
                return ExitCodes.BadInput;
            }

            long every = parse.GetValue(check) ? 1 : everyGiven ?? 0;
            string dir = parse.GetValue(outDir) ?? Path.Combine("out", $"{config.Name}-seed{parse.GetValue(seed) ?? config.Seed}");
            if (!OutputFolder.Prepare(dir))
            {
                return ExitCodes.BadInput;
            }

            using Interruption stop = Interruption.Listen("abandoning the run; its result folder is left as it was");
            var options = new RunOptions { Seed = parse.GetValue(seed), CheckEvery = every, Cancel = stop.Token };
            RunSummary summary;
            try
            {
                summary = Execute(config, options, dir);
            }
            catch (OperationCanceledException) when (stop.Requested)
            {
                return stop.ExitCode;
            }

            Print(summary, config.Kernel.Design, dir);
            return 0;
        });
        return cmd;
    }

    /// <summary>Runs and writes the result folder, staged (<see cref="StagedFolder"/>): it appears complete when the run
    /// ends and replaces whatever was there as a whole, so no file of an earlier run stays beside the new ones; a run
    /// that fails or is interrupted (<see cref="RunOptions.Cancel"/>) leaves the folder as it was.</summary>
    public static RunSummary Execute(ScenarioConfig config, RunOptions options, string dir)
    {
        ulong seed = options.Seed ?? config.Seed;
        return StagedFolder.Write(dir, "summary.json", stage =>
        {
            AtomicFile.WriteAllText(Path.Combine(stage, "config.resolved.yaml"), ScenarioWriter.WriteResolvedYaml(config with { Seed = seed }));
            return RunFolder.Execute(config, options, stage);
        });
    }

    /// <summary>Prints a run's summary (run and show).</summary>
    internal static void Print(RunSummary s, string design, string dir)
    {
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(s.Scenario)}[/] seed {s.Seed}  design {Markup.Escape(design)}  Linux {s.Release}  fallback {s.Fallback}  pcp {(s.Pcp ? "on" : "off")}  min_free_kbytes {s.MinFreeKbytes}");
        var zones = new Table().AddColumns("zone", "managed", "free", "pcp", "min", "low", "high", "boost");
        foreach (ZoneSummary z in s.Zones)
        {
            zones.AddRow(z.Name, N(z.Managed), N(z.Free), N(z.PcpCount), N(z.Min), N(z.Low), N(z.High), N(z.Boost));
        }

        AnsiConsole.Write(zones);
        var blocks = new Table().AddColumns("pageblocks", "Unmovable", "Movable", "Reclaimable", "HighAtomic", "CMA", "Isolate");
        blocks.AddRow(["blocks", .. s.Pageblocks.Select(N)]);
        blocks.AddRow(["mixed", .. s.MixedBlocks.Select(N)]);
        AnsiConsole.Write(blocks);
        AnsiConsole.MarkupLine($"free order-9+ blocks {N(s.FreeOrder9Blocks)}   extfrag events {N(s.ExtfragEvents)} (fragmenting {N(s.ExtfragFragmenting)})");
        foreach (WorkloadSummary w in s.Workloads)
        {
            AnsiConsole.MarkupLine($"workload {w.Type}: {N(w.Allocs)} allocs, {N(w.AllocFailures)} failed, {N(w.Frees)} frees, {N(w.FreesIgnored)} frees ignored");
        }

        PrintTimed(s);
        AnsiConsole.MarkupLine($"results in {Markup.Escape(dir)}");
    }

    private static void PrintTimed(RunSummary s)
    {
        if (s.Daemons is not { } d)
        {
            return;
        }

        AnsiConsole.MarkupLine($"simulated {Markup.Escape(SimTime.Format(s.DurationNs))}: kswapd woken {N(d.KswapdWakeups)}x (failures {d.KswapdFailures}{(d.NodeUnreclaimable ? ", node unreclaimable" : "")}), kcompactd woken {N(d.KcompactdWakeups)}x, {s.TimeSeriesSamples} samples");
        AnsiConsole.MarkupLine(s.HungTasks.Count == 0 ? "hung tasks: none" : $"[yellow]hung tasks: {s.HungTasks.Count}[/]");
        foreach (HungTaskSummary h in s.HungTasks)
        {
            AnsiConsole.MarkupLine($"  [[{Markup.Escape(SimTime.Format(h.TimeNs))}]] {Markup.Escape(h.Message)}");
            AnsiConsole.MarkupLine($"    wait chain: {Markup.Escape(h.Chain)}");
        }

        AnsiConsole.MarkupLine(s.Deadlocks.Count == 0 ? "deadlocks: none" : $"[red]deadlocks: {s.Deadlocks.Count}[/]");
        foreach (DeadlockSummary dl in s.Deadlocks)
        {
            AnsiConsole.MarkupLine($"  {Markup.Escape(dl.Cycle)}");
        }
    }

    private static string N(long v) => v.ToString("N0", CultureInfo.InvariantCulture);
}
