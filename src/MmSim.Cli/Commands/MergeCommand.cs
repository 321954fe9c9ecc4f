using System.CommandLine;
using System.Globalization;
using MmSim.Runs.Sweep;

namespace MmSim.Cli.Commands;

/// <summary>
/// <c>mmsim merge DIR… --out DIR</c>: combines the parts of a sweep (a folder per shard or index, or one folder
/// several shards wrote to) into one sweep.csv and sweep.parquet, the same bytes one uninterrupted run writes.
/// </summary>
internal static class MergeCommand
{
    public static Command Create()
    {
        var dirs = new Argument<string[]>("dirs") { Description = "sweep folders (each written by 'mmsim sweep')", Arity = ArgumentArity.OneOrMore };
        var outDir = new Option<string>("--out") { Description = "where to write sweep.json, sweep.csv and sweep.parquet", Required = true };
        var cmd = new Command("merge", """
            Combine the parts of a sweep into one sweep.csv and sweep.parquet (one row per finished run, by index).

            Examples:
              mmsim merge out/wt-0 out/wt-1 --out out/wt
              mmsim merge /results/wt --out out/wt
            """)
        {
            dirs, outDir,
        };
        cmd.SetAction(parse =>
        {
            string[] parts = parse.GetValue(dirs) ?? [];
            string dir = parse.GetValue(outDir)!;
            if (!OutputFolder.Prepare(dir))
            {
                return ExitCodes.BadInput;
            }

            SweepTable table = SweepTable.Read(parts, out SweepManifest manifest, out IReadOnlyList<int> missing);
            table.WriteFiles(dir, manifest);
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"merged {table.Rows.Count} of {manifest.Runs} runs from {parts.Length} folders into {Path.Combine(dir, SweepFiles.CsvFile)} (and {SweepFiles.ParquetFile})"));
            if (missing.Count > 0)
            {
                string list = string.Join(", ", missing.Take(20)) + (missing.Count > 20 ? ", …" : string.Empty);
                Console.Error.WriteLine($"mmsim: note: {missing.Count} runs are in none of the folders: {list}");
            }

            return 0;
        });
        return cmd;
    }
}
