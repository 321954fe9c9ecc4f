using System.CommandLine;
using MmSim.Runs;
using MmSim.Scenario.Import;

namespace MmSim.Cli.Commands;

/// <summary><c>mmsim machine import ZONEINFO [--thp MODE] [--out FILE]</c>: a scenario whose machine is a real system's,
/// from its <c>/proc/zoneinfo</c> (zones, managed pages, watermarks, lowmem protection).</summary>
internal static class MachineCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("zoneinfo") { Description = "a copy of /proc/zoneinfo from the machine to simulate" };
        var thp = new Option<string?>("--thp") { Description = "the machine's /sys/kernel/mm/transparent_hugepage/enabled (always, madvise or never), noted for the workloads" };
        var outFile = new Option<string?>("--out") { Description = "write the scenario to this file (default: standard output)" };
        var import = new Command("import", """
            Write a scenario whose machine is the one a /proc/zoneinfo describes: zones, managed pages, and the
            min_free_kbytes, watermark_scale_factor and lowmem_reserve_ratio that give its watermarks and protection.

            Examples:
              cat /proc/zoneinfo > box.zoneinfo; mmsim machine import box.zoneinfo --out box.yaml
              mmsim machine import box.zoneinfo --thp "$(cat /sys/kernel/mm/transparent_hugepage/enabled)"
            """)
        {
            file, thp, outFile,
        };
        import.SetAction(parse =>
        {
            string path = parse.GetValue(file)!;
            if (!File.Exists(path))
            {
                Console.Error.WriteLine(Directory.Exists(path) ? $"mmsim: {path}: is a folder, not a zoneinfo file" : $"mmsim: {path}: no such file");
                return ExitCodes.BadInput;
            }

            string? mode = ThpMode(parse.GetValue(thp));
            if (parse.GetValue(thp) is not null && mode is null)
            {
                Console.Error.WriteLine($"mmsim: --thp: expected always, madvise or never (or the file's \"always [madvise] never\"), got '{parse.GetValue(thp)}'");
                return ExitCodes.BadInput;
            }

            if (parse.GetValue(outFile) is string bad && (bad.Trim().Length == 0 || bad.Contains('\0', StringComparison.Ordinal) || Directory.Exists(bad)))
            {
                Console.Error.WriteLine(Directory.Exists(bad) ? $"mmsim: --out {bad}: is a folder; give a file name for the scenario" : "mmsim: --out: give a file name for the scenario");
                return ExitCodes.BadInput;
            }

            MachineImport.Result result = MachineImport.Import(ZoneinfoFile.Parse(File.ReadAllText(path), path), path, mode);
            if (parse.GetValue(outFile) is string o)
            {
                AtomicFile.WriteAllText(o, result.Yaml);
                Console.Error.WriteLine($"mmsim: wrote {o} (min_free_kbytes {result.MinFreeKbytes}; {result.Notes.Count} notes in its comments)");
            }
            else
            {
                Console.Out.Write(result.Yaml);
            }

            return 0;
        });
        return new Command("machine", """
            Machines from real systems.

            Examples:
              mmsim machine import /proc/zoneinfo --out mybox.yaml
            """)
        {
            import,
        };
    }

    // "always [madvise] never" (the sysfs file: the bracketed word is in force) or a bare word.
    private static string? ThpMode(string? value)
    {
        if (value is null)
        {
            return null;
        }

        int open = value.IndexOf('[', StringComparison.Ordinal), close = value.IndexOf(']', StringComparison.Ordinal);
        string word = open >= 0 && close > open ? value[(open + 1)..close] : value.Trim();
        return word is "always" or "madvise" or "never" ? word : null;
    }
}
