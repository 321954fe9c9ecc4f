using System.Globalization;
using System.Text;
using System.Text.Json;
using Parquet;
using Parquet.Schema;

namespace MmSim.Runs.Compare;

/// <summary>
/// The files of a comparison: <c>compare.csv</c> and <c>compare.parquet</c> (one row per run, the stable columns of
/// <see cref="CompareColumns"/>) and <c>compare.json</c> (the whole <see cref="CompareResult"/>, which <c>mmsim show</c>
/// re-renders). Every file is written atomically.
/// </summary>
public static class CompareFiles
{
    /// <summary>The CSV's file name.</summary>
    public const string CsvFile = "compare.csv";

    /// <summary>The Parquet file's name.</summary>
    public const string ParquetFile = "compare.parquet";

    /// <summary>The JSON file's name.</summary>
    public const string JsonFile = "compare.json";

    /// <summary>Writes the three files into <paramref name="dir"/>.</summary>
    /// <param name="result">The comparison.</param>
    /// <param name="dir">The comparison's folder.</param>
    public static void Write(CompareResult result, string dir)
    {
        ArgumentNullException.ThrowIfNull(result);
        AtomicFile.WriteAllText(Path.Combine(dir, CsvFile), Csv(result.Rows));
        AtomicFile.WriteAllBytes(Path.Combine(dir, ParquetFile), Parquet(result.Rows));
        AtomicFile.WriteAllText(Path.Combine(dir, JsonFile), JsonSerializer.Serialize(result, RunOutput.Json) + "\n");
    }

    /// <summary>Reads a comparison back from its <c>compare.json</c>.</summary>
    /// <param name="dir">The comparison's folder.</param>
    /// <returns>The comparison, or null when the folder has no compare.json.</returns>
    /// <exception cref="IOException">The file is not a comparison mmsim wrote.</exception>
    public static CompareResult? Read(string dir)
    {
        string path = Path.Combine(dir, JsonFile);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<CompareResult>(File.ReadAllText(path), RunOutput.JsonRead)
                ?? throw new IOException($"{path}: empty");
        }
        catch (JsonException e)
        {
            throw new IOException($"{path}: not a comparison written by mmsim ({e.Message})", e);
        }
    }

    /// <summary>The rows as CSV: a header of <see cref="CompareColumns.Names"/>, then one line per run. A value with nothing
    /// to count is empty; numbers are invariant-culture, at most 4 decimals.</summary>
    /// <param name="rows">The rows.</param>
    /// <returns>The CSV text.</returns>
    public static string Csv(IReadOnlyList<CompareRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var sb = new StringBuilder(string.Join(',', CompareColumns.Names)).Append('\n');
        foreach (CompareRow r in rows)
        {
            sb.Append(r.Design).Append(',').Append(r.Seed.ToString(CultureInfo.InvariantCulture));
            foreach (CompareMetric m in CompareMetrics.All)
            {
                sb.Append(',');
                if (m.Value is null)
                {
                    sb.Append(r.OfflineOutcome);
                }
                else if (m.Value(r) is double v)
                {
                    sb.Append(v.ToString("0.####", CultureInfo.InvariantCulture));
                }
            }

            sb.Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>The rows as Parquet: the same columns, typed (text, uint64 seed, int64 counts, nullable doubles).</summary>
    /// <param name="rows">The rows.</param>
    /// <returns>The file's bytes.</returns>
    public static byte[] Parquet(IReadOnlyList<CompareRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return Task.Run(() => ParquetAsync(rows)).GetAwaiter().GetResult();
    }

    private static async Task<byte[]> ParquetAsync(IReadOnlyList<CompareRow> rows)
    {
        var design = new DataField<string>("design");
        var seed = new DataField<ulong>("seed");
        var offline = new DataField<string>("offline_outcome");
        var fields = new List<Field> { design, seed };
        var numeric = new List<(DataField<double?> Field, CompareMetric Metric)>();
        foreach (CompareMetric m in CompareMetrics.All)
        {
            if (m.Value is null)
            {
                fields.Add(offline);
            }
            else
            {
                var f = new DataField<double?>(m.Column);
                numeric.Add((f, m));
                fields.Add(f);
            }
        }

        using var ms = new MemoryStream();
        await using (ParquetWriter writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), ms, new ParquetOptions { CompressionMethod = CompressionMethod.Snappy }).ConfigureAwait(false))
        {
            using ParquetRowGroupWriter rg = writer.CreateRowGroup();
            await rg.WriteAsync(design, rows.Select(r => r.Design).ToArray()).ConfigureAwait(false);
            await rg.WriteAsync(seed, (ReadOnlyMemory<ulong>)rows.Select(r => r.Seed).ToArray()).ConfigureAwait(false);
            int n = 0;
            foreach (CompareMetric m in CompareMetrics.All)
            {
                if (m.Value is null)
                {
                    await rg.WriteAsync(offline, rows.Select(r => r.OfflineOutcome).ToArray()).ConfigureAwait(false);
                    continue;
                }

                (DataField<double?> f, CompareMetric metric) = numeric[n++];
                await rg.WriteAsync(f, (ReadOnlyMemory<double?>)rows.Select(r => metric.Value!(r)).ToArray()).ConfigureAwait(false);
            }

            rg.CompleteValidate();
        }

        return ms.ToArray();
    }
}
