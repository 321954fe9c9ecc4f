using System.Globalization;
using System.Text;
using System.Text.Json;
using MmSim.Runs.Compare;
using MmSim.Scenario;
using Parquet;
using Parquet.Schema;

namespace MmSim.Runs.Sweep;

/// <summary>
/// <c>sweep.csv</c> and <c>sweep.parquet</c>: one row per finished run, by index; the columns are <c>index</c>, the
/// parameters (selectors in snake_case), the compare columns (<see cref="CompareColumns.Names"/>, from
/// <see cref="CompareRow"/>) and the extra metrics (their paths in snake_case). Built from the run folders alone, so
/// a sweep run in one go, resumed, or run in shards and merged gives the same bytes.
/// </summary>
public sealed class SweepTable
{
    /// <summary>The first column: the run's index.</summary>
    public const string IndexColumn = "index";

    private static readonly ParquetOptions Options = new() { CompressionMethod = CompressionMethod.Snappy };

    private readonly Kind[] _kinds;

    private SweepTable(IReadOnlyList<string> columns, Kind[] kinds, IReadOnlyList<object?[]> rows)
    {
        Columns = columns;
        _kinds = kinds;
        Rows = rows;
    }

    private enum Kind
    {
        Long,
        Double,
        Text,
    }

    /// <summary>The column names, in order.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The rows, by index; each cell a <see cref="long"/>, a <see cref="double"/>, a string or null.</summary>
    public IReadOnlyList<object?[]> Rows { get; }

    /// <summary>Reads the finished runs of one or more folders of the same sweep (a folder written by several
    /// shards, or one folder per shard). An index finished in several folders is read from the first.</summary>
    /// <param name="dirs">The sweep folders.</param>
    /// <param name="manifest">Their common manifest.</param>
    /// <param name="missing">Indices finished in none of them, ascending.</param>
    /// <returns>The table.</returns>
    /// <exception cref="IOException">A folder is not a sweep folder, the folders hold different sweeps, or a run's files cannot be read.</exception>
    public static SweepTable Read(IReadOnlyList<string> dirs, out SweepManifest manifest, out IReadOnlyList<int> missing)
    {
        ArgumentNullException.ThrowIfNull(dirs);
        if (dirs.Count == 0)
        {
            throw new ArgumentException("no sweep folder given", nameof(dirs));
        }

        manifest = SweepManifest.Read(dirs[0]);
        var found = new string?[manifest.Runs];
        foreach (string dir in dirs)
        {
            SweepManifest m = SweepManifest.Read(dir);
            if (!m.SameSweep(manifest))
            {
                throw new IOException($"{dir} and {dirs[0]} hold parts of different sweeps (their {SweepFiles.ManifestFile} differ)");
            }

            for (int i = 0; i < found.Length; i++)
            {
                if (found[i] is null && SweepFiles.IsDone(dir, i))
                {
                    found[i] = SweepFiles.RunDir(dir, i);
                }
            }
        }

        var absent = new List<int>();
        var rows = new List<object?[]>();
        for (int i = 0; i < found.Length; i++)
        {
            if (found[i] is { } runDir)
            {
                rows.Add(Row(runDir, manifest));
            }
            else
            {
                absent.Add(i);
            }
        }

        missing = absent;
        var columns = new List<string> { IndexColumn };
        var kinds = new List<Kind> { Kind.Long };
        foreach (string p in manifest.Parameters)
        {
            ScenarioSelector.TryParse(p, out ScenarioSelector? s, out _);
            columns.Add(s?.ColumnName ?? ScenarioSelector.SnakeCase(p));
            kinds.Add(Kind.Text);
        }

        columns.AddRange(CompareColumns.Names);
        kinds.Add(Kind.Text);
        kinds.Add(Kind.Long);
        kinds.AddRange(CompareMetrics.All.Select(m => m.Value is null ? Kind.Text : Kind.Double));
        foreach (string m in manifest.Metrics)
        {
            columns.Add(ScenarioSelector.SnakeCase(m));
            kinds.Add(Kind.Double);
        }

        return new SweepTable(columns, [.. kinds], rows);
    }

    /// <summary>Writes <c>sweep.json</c>, <c>sweep.csv</c> and <c>sweep.parquet</c> to <paramref name="outDir"/>, each atomically.</summary>
    /// <param name="outDir">The folder.</param>
    /// <param name="manifest">The sweep's manifest.</param>
    public void WriteFiles(string outDir, SweepManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        AtomicFile.WriteAllText(Path.Combine(outDir, SweepFiles.ManifestFile), manifest.ToJson());
        AtomicFile.WriteAllText(Path.Combine(outDir, SweepFiles.CsvFile), ToCsv());
        AtomicFile.WriteAllBytes(Path.Combine(outDir, SweepFiles.ParquetFile), ToParquet());
    }

    /// <summary>The table as CSV (RFC 4180, <c>\n</c> line ends, empty for null, numbers invariant-culture with at most
    /// 4 decimals as in compare.csv; Parquet has them whole).</summary>
    /// <returns>The text.</returns>
    public string ToCsv()
    {
        var b = new StringBuilder();
        b.AppendJoin(',', Columns.Select(Quote)).Append('\n');
        foreach (object?[] row in Rows)
        {
            for (int c = 0; c < row.Length; c++)
            {
                if (c > 0)
                {
                    b.Append(',');
                }

                b.Append(row[c] switch
                {
                    null => string.Empty,
                    long l => l.ToString(CultureInfo.InvariantCulture),
                    double d => d.ToString("0.####", CultureInfo.InvariantCulture),
                    string s => Quote(s),
                    var o => Quote(Convert.ToString(o, CultureInfo.InvariantCulture) ?? string.Empty),
                });
            }

            b.Append('\n');
        }

        return b.ToString();
    }

    /// <summary>The table as Parquet: text columns as strings, counts as int64, the rest as double; null where empty.</summary>
    /// <returns>The file's bytes.</returns>
    public byte[] ToParquet() => Task.Run(ParquetAsync).GetAwaiter().GetResult();

    private async Task<byte[]> ParquetAsync()
    {
        var fields = new DataField[Columns.Count];
        for (int c = 0; c < fields.Length; c++)
        {
            fields[c] = _kinds[c] switch
            {
                Kind.Long => new DataField<long?>(Columns[c]),
                Kind.Double => new DataField<double?>(Columns[c]),
                _ => new DataField<string>(Columns[c], true),
            };
        }

        using var ms = new MemoryStream();
        await using (ParquetWriter writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), ms, Options).ConfigureAwait(false))
        {
            using ParquetRowGroupWriter rg = writer.CreateRowGroup();
            for (int c = 0; c < fields.Length; c++)
            {
                switch (_kinds[c])
                {
                    case Kind.Long:
                        await rg.WriteAsync(fields[c], (ReadOnlyMemory<long?>)Rows.Select(r => (long?)r[c]).ToArray()).ConfigureAwait(false);
                        break;
                    case Kind.Double:
                        await rg.WriteAsync(fields[c], (ReadOnlyMemory<double?>)Rows.Select(r => (double?)r[c]).ToArray()).ConfigureAwait(false);
                        break;
                    default:
                        await rg.WriteAsync(fields[c], Rows.Select(r => (string?)r[c]).ToArray()!).ConfigureAwait(false);
                        break;
                }
            }

            rg.CompleteValidate();
        }

        return ms.ToArray();
    }

    private static object?[] Row(string runDir, SweepManifest manifest)
    {
        PointJson point = PointJson.Read(runDir);
        string summaryPath = Path.Combine(runDir, "summary.json");
        string json = File.ReadAllText(summaryPath);
        RunSummary summary;
        try
        {
            summary = JsonSerializer.Deserialize<RunSummary>(json, RunOutput.Json) ?? throw new IOException($"{summaryPath}: empty");
        }
        catch (JsonException e)
        {
            throw new IOException($"{summaryPath}: malformed ({e.Message})", e);
        }

        var row = new List<object?> { (long)point.Index };
        for (int p = 0; p < manifest.Parameters.Count; p++)
        {
            row.Add(p < point.Parameters.Count ? point.Parameters[p].Value : null);
        }

        // The compare columns as compare.csv has them (CompareMetrics: the same values, the same order).
        CompareRow compare = CompareRow.From(point.Design, summary);
        row.Add(compare.Design);
        row.Add((long)compare.Seed);
        foreach (CompareMetric m in CompareMetrics.All)
        {
            row.Add(m.Value is null ? compare.OfflineOutcome : m.Value(compare));
        }

        using JsonDocument doc = JsonDocument.Parse(json);
        foreach (string m in manifest.Metrics)
        {
            row.Add(SummaryPath.Number(doc.RootElement, m));
        }

        return [.. row];
    }

    private static string Quote(string s) =>
        s.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
}
