using System.CommandLine;
using System.Globalization;
using MmSim.Mm.PageAlloc;
using MmSim.Runs;
using MmSim.Scenario;
using MmSim.Scenario.Import;

namespace MmSim.Cli.Commands;

/// <summary><c>mmsim trace import TRACE [--level page|buddy] [--machine SCENARIO] [--out FILE.ops]</c>: an op script from an
/// ftrace kmem trace, with every line it could not use counted by reason.</summary>
internal static class TraceCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("trace") { Description = "ftrace text: a copy of /sys/kernel/tracing/trace, or 'trace-cmd report' output" };
        var level = new Option<string>("--level") { Description = "page: mm_page_alloc/free as alloc/free (the model's pcp decides); buddy: the buddy's own traffic at the traced PFNs, exactly", DefaultValueFactory = _ => "page" };
        level.Validators.Add(r =>
        {
            string? v = r.Tokens.Count > 0 ? r.Tokens[^1].Value : null;
            if (v is not null && v is not ("page" or "buddy"))
            {
                r.AddError($"--level: expected page or buddy, got '{v}'");
            }
        });
        var machine = new Option<string?>("--machine") { Description = "a scenario whose machine the trace came from: lines with PFNs outside it are counted and left out" };
        var outFile = new Option<string?>("--out") { Description = "write the op script to this file (default: standard output)" };
        var pcpOff = new Option<bool>("--pcp-off") { Description = "buddy level: the traced kernel had no per-cpu lists (mmsim's kernel.pcp: false), so every free reached the buddy" };
        var import = new Command("import", """
            Turn an ftrace kmem trace (mm_page_alloc, mm_page_free, mm_page_free_batched, mm_page_alloc_zone_locked,
            mm_page_pcpu_drain, mm_page_alloc_extfrag) into an op script for `mmsim replay` or an `ops` workload.
            Lines that cannot be used are counted by reason on standard error.

            Examples:
              echo 1 > /sys/kernel/tracing/events/kmem/enable; ...; cp /sys/kernel/tracing/trace box.trace
              mmsim trace import box.trace --level buddy --out box.ops
              mmsim trace import results/run/trace.txt --level page --out run.ops
            """)
        {
            file, level, machine, outFile, pcpOff,
        };
        import.SetAction(parse => Import(
            parse.GetValue(file)!, parse.GetValue(level) == "buddy" ? TraceLevel.Buddy : TraceLevel.Page, parse.GetValue(machine), parse.GetValue(outFile), parse.GetValue(pcpOff)));
        return new Command("trace", """
            Traces from real systems (and from mmsim runs with kernel.trace: true).

            Examples:
              mmsim trace import box.trace --level buddy --out box.ops
            """)
        {
            import,
        };
    }

    private static int Import(string path, TraceLevel level, string? machinePath, string? outPath, bool pcpOff)
    {
        if (!File.Exists(path))
        {
            Console.Error.WriteLine(Directory.Exists(path) ? $"mmsim: {path}: is a folder, not a trace file" : $"mmsim: {path}: no such file");
            return ExitCodes.BadInput;
        }

        if (outPath is not null && (outPath.Trim().Length == 0 || outPath.Contains('\0', StringComparison.Ordinal) || Directory.Exists(outPath)))
        {
            Console.Error.WriteLine(Directory.Exists(outPath) ? $"mmsim: --out {outPath}: is a folder; give a file name for the op script" : "mmsim: --out: give a file name for the op script");
            return ExitCodes.BadInput;
        }

        Func<long, int, bool>? inMachine = null;
        if (machinePath is not null)
        {
            ScenarioConfig? config = ScenarioFiles.LoadOrReport(machinePath);
            if (config is null)
            {
                return ExitCodes.BadInput;
            }

            PgData node = MmInit.Boot(KernelFromConfig.Machine(config.Machine), new PageAllocOptions()).Node;
            inMachine = (pfn, order) => node.PfnValid(pfn) && node.PfnValid(pfn + (1L << order) - 1);
        }

        TraceImport result;
        using (var reader = new StreamReader(path))
        {
            result = TraceImport.Run(reader, path, level, inMachine, pcpOff);
        }

        string script = result.Script(path);
        if (outPath is not null)
        {
            AtomicFile.WriteAllText(outPath, script);
        }
        else
        {
            Console.Out.Write(script);
        }

        long skippedTotal = result.Skipped.Values.Sum();
        string ops = string.Join(", ", result.Written.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value}")));
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"mmsim: {path}: {result.Events} kmem events, {result.Written.Values.Sum()} operations ({(ops.Length == 0 ? "none" : ops)}){(outPath is null ? string.Empty : $" written to {outPath}")}; {skippedTotal} lines not used{(skippedTotal == 0 ? "" : ":")}"));
        foreach ((string reason, long n) in result.Skipped)
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {n,10}  {reason}"));
        }

        return 0;
    }
}
