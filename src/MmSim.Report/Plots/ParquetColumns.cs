using Parquet;
using Parquet.Schema;

namespace MmSim.Report.Plots;

/// <summary>The columns of a Parquet table, by name, every row group concatenated (the result files have one).</summary>
/// <param name="schema">The file's schema.</param>
/// <param name="data">One array per data field.</param>
internal sealed class ParquetColumns(ParquetSchema schema, object[] data)
{
    public static async Task<ParquetColumns> ReadAsync(string path)
    {
        await using ParquetReader r = await ParquetReader.CreateAsync(path).ConfigureAwait(false);
        DataField[] fields = r.Schema.GetDataFields();
        var parts = new List<Array>[fields.Length];
        for (int f = 0; f < fields.Length; f++)
        {
            parts[f] = [];
        }

        for (int g = 0; g < r.RowGroupCount; g++)
        {
            using ParquetRowGroupReader rg = r.OpenRowGroupReader(g);
            int n = checked((int)rg.RowCount);
            for (int f = 0; f < fields.Length; f++)
            {
                parts[f].Add(await ReadColumnAsync(rg, fields[f], n).ConfigureAwait(false));
            }
        }

        var data = new object[fields.Length];
        for (int f = 0; f < fields.Length; f++)
        {
            data[f] = Concat(parts[f], parts[f].Count > 0 ? parts[f][0].GetType().GetElementType()! : typeof(long));
        }

        return new ParquetColumns(r.Schema, data);
    }

    public bool Has(string name) => Array.FindIndex(schema.GetDataFields(), f => f.Name == name) >= 0;

    public long[] Longs(string name) => (long[])data[Index(name)];

    public string[] Strings(string name) => (string[])data[Index(name)];

    public int[] Ints(string name) => (int[])data[Index(name)];

    private int Index(string name)
    {
        int i = Array.FindIndex(schema.GetDataFields(), f => f.Name == name);
        return i >= 0 ? i : throw new InvalidDataException($"column {name} missing");
    }

    private static async Task<Array> ReadColumnAsync(ParquetRowGroupReader rg, DataField field, int n)
    {
        if (field.ClrType == typeof(long))
        {
            var a = new long[n];
            await rg.ReadAsync(field, a.AsMemory()).ConfigureAwait(false);
            return a;
        }

        if (field.ClrType == typeof(int))
        {
            var a = new int[n];
            await rg.ReadAsync(field, a.AsMemory()).ConfigureAwait(false);
            return a;
        }

        // Parquet.Net 6.1 reports string columns as ReadOnlyMemory<char>; it still reads them into string arrays.
        if (field.ClrType == typeof(string) || field.ClrType == typeof(ReadOnlyMemory<char>))
        {
            var a = new string?[n];
            await rg.ReadAsync(field, a.AsMemory()).ConfigureAwait(false);
            return Array.ConvertAll(a, s => s ?? "");
        }

        throw new InvalidDataException($"column {field.Name}: type {field.ClrType.Name} not read");
    }

    private static Array Concat(List<Array> parts, Type type)
    {
        if (parts.Count == 1)
        {
            return parts[0];
        }

        int n = parts.Sum(p => p.Length);
        Array all = Array.CreateInstance(type, n);
        int at = 0;
        foreach (Array p in parts)
        {
            Array.Copy(p, 0, all, at, p.Length);
            at += p.Length;
        }

        return all;
    }
}