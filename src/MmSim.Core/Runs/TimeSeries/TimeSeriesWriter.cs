using MmSim.Mm;
using MmSim.Mm.Vmstat;
using Parquet;
using Parquet.Schema;

namespace MmSim.Runs.TimeSeries;

/// <summary>
/// Builds a <see cref="TimeSeriesRecorder"/>'s tables as Parquet: <c>timeseries.parquet</c> (wide, one row
/// per sample and zone), <c>vmstat.parquet</c> (time_ns, item, value) and <c>tasks.parquet</c>
/// (time_ns, pid, comm, state), <c>writeback.parquet</c> (wide, one row per sample) and
/// <c>pageblocks.parquet</c> (one row per snapshot and pageblock). Columns are documented in docs/results.md.
/// </summary>
/// <remarks>
/// Each file is built in memory; the run folder writes it atomically (AtomicFile). Parquet.Net writes no timestamp or host
/// information (only its version in <c>created_by</c>), so the same tables give the same bytes; a test
/// holds it to that. One row group per file: a run of an hour sampled every second is a few MB.
/// </remarks>
public static class TimeSeriesWriter
{
    /// <summary>File name of the wide per-zone table.</summary>
    public const string TimeSeriesFile = "timeseries.parquet";

    /// <summary>File name of the long vmstat table.</summary>
    public const string VmstatFile = "vmstat.parquet";

    /// <summary>File name of the long task-state table.</summary>
    public const string TasksFile = "tasks.parquet";

    /// <summary>File name of the wide writeback table (issue 8): one row per sample, per-mount columns.</summary>
    public const string WritebackFile = "writeback.parquet";

    /// <summary>File name of the per-pageblock snapshots (issue 10, the pageblock map): one row per snapshot and pageblock.</summary>
    public const string PageblocksFile = "pageblocks.parquet";

    private static readonly ParquetOptions Options = new() { CompressionMethod = CompressionMethod.Snappy };

    /// <summary>The five files: name and content, in the order they are written.</summary>
    /// <param name="recorder">The samples.</param>
    /// <returns>(file name, Parquet bytes) for the zone, vmstat, task and writeback tables; the run folder writes them.</returns>
    public static IEnumerable<(string Name, byte[] Bytes)> Files(TimeSeriesRecorder recorder)
    {
        ArgumentNullException.ThrowIfNull(recorder);
        yield return (TimeSeriesFile, Run(() => ZoneTableAsync(recorder)));
        yield return (VmstatFile, Run(() => VmstatTableAsync(recorder)));
        yield return (TasksFile, Run(() => TaskTableAsync(recorder)));
        yield return (WritebackFile, Run(() => WritebackTableAsync(recorder)));
        yield return (PageblocksFile, Run(() => PageblockTableAsync(recorder.Pageblocks)));
    }

    // Parquet.Net is async-only; nothing here waits on anything but memory, so blocking is safe.
    private static byte[] Run(Func<Task<byte[]>> write) => Task.Run(write).GetAwaiter().GetResult();

    private static async Task<byte[]> ZoneTableAsync(TimeSeriesRecorder r)
    {
        var time = new DataField<long>(TimeSeriesColumns.TimeNs);
        var zone = new DataField<string>(TimeSeriesColumns.Zone);
        var numeric = new DataField<long>[TimeSeriesColumns.Numeric.Count];
        for (int i = 0; i < numeric.Length; i++)
        {
            numeric[i] = new DataField<long>(TimeSeriesColumns.Numeric[i]);
        }

        var schema = new ParquetSchema([time, zone, .. numeric]);
        using var ms = new MemoryStream();
        await using (ParquetWriter writer = await ParquetWriter.CreateAsync(schema, ms, Options).ConfigureAwait(false))
        {
            using ParquetRowGroupWriter rg = writer.CreateRowGroup();
            await rg.WriteAsync(time, (ReadOnlyMemory<long>)r.ZoneTimeNs.ToArray()).ConfigureAwait(false);
            await rg.WriteAsync(zone, r.ZoneNames).ConfigureAwait(false);
            for (int i = 0; i < numeric.Length; i++)
            {
                await rg.WriteAsync(numeric[i], (ReadOnlyMemory<long>)r.ZoneValues[i].ToArray()).ConfigureAwait(false);
            }

            rg.CompleteValidate();
        }

        return ms.ToArray();
    }

    private static async Task<byte[]> VmstatTableAsync(TimeSeriesRecorder r)
    {
        var time = new DataField<long>("time_ns");
        var item = new DataField<string>("item");
        var value = new DataField<long>("value");
        var names = new string[r.VmstatItems.Count];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = VmstatText.Names[r.VmstatItems[i]];
        }

        using var ms = new MemoryStream();
        await using (ParquetWriter writer = await ParquetWriter.CreateAsync(new ParquetSchema(time, item, value), ms, Options).ConfigureAwait(false))
        {
            using ParquetRowGroupWriter rg = writer.CreateRowGroup();
            await rg.WriteAsync(time, (ReadOnlyMemory<long>)r.VmstatTimeNs.ToArray()).ConfigureAwait(false);
            await rg.WriteAsync(item, names).ConfigureAwait(false);
            await rg.WriteAsync(value, (ReadOnlyMemory<long>)r.VmstatValues.ToArray()).ConfigureAwait(false);
            rg.CompleteValidate();
        }

        return ms.ToArray();
    }

    private static async Task<byte[]> WritebackTableAsync(TimeSeriesRecorder r)
    {
        var time = new DataField<long>(TimeSeriesColumns.TimeNs);
        var numeric = new DataField<long>[r.WbColumns.Count];
        for (int i = 0; i < numeric.Length; i++)
        {
            numeric[i] = new DataField<long>(r.WbColumns[i]);
        }

        using var ms = new MemoryStream();
        await using (ParquetWriter writer = await ParquetWriter.CreateAsync(new ParquetSchema([time, .. numeric]), ms, Options).ConfigureAwait(false))
        {
            using ParquetRowGroupWriter rg = writer.CreateRowGroup();
            await rg.WriteAsync(time, (ReadOnlyMemory<long>)r.WbTimeNs.ToArray()).ConfigureAwait(false);
            for (int i = 0; i < numeric.Length; i++)
            {
                await rg.WriteAsync(numeric[i], (ReadOnlyMemory<long>)r.WbValues[i].ToArray()).ConfigureAwait(false);
            }

            rg.CompleteValidate();
        }

        return ms.ToArray();
    }

    private static async Task<byte[]> PageblockTableAsync(PageblockRecorder r)
    {
        var time = new DataField<long>("time_ns");
        var zone = new DataField<string>("zone");
        var pfn = new DataField<long>("pfn");
        var mt = new DataField<string>("migratetype");
        var used = new DataField<int>("used_pages");
        var marks = new DataField<int>("marks");

        // The type names are the shared strings of /proc/pagetypeinfo, so the column costs one reference per row.
        var types = new string[r.Migratetypes.Count];
        for (int i = 0; i < types.Length; i++)
        {
            types[i] = MigrateTypes.Names[r.Migratetypes[i]];
        }

        using var ms = new MemoryStream();
        await using (ParquetWriter writer = await ParquetWriter.CreateAsync(new ParquetSchema(time, zone, pfn, mt, used, marks), ms, Options).ConfigureAwait(false))
        {
            using ParquetRowGroupWriter rg = writer.CreateRowGroup();
            await rg.WriteAsync(time, (ReadOnlyMemory<long>)r.TimeNs.ToArray()).ConfigureAwait(false);
            await rg.WriteAsync(zone, r.ZoneNames).ConfigureAwait(false);
            await rg.WriteAsync(pfn, (ReadOnlyMemory<long>)r.Pfns.ToArray()).ConfigureAwait(false);
            await rg.WriteAsync(mt, types).ConfigureAwait(false);
            await rg.WriteAsync(used, (ReadOnlyMemory<int>)r.UsedPages.ToArray()).ConfigureAwait(false);
            await rg.WriteAsync(marks, (ReadOnlyMemory<int>)r.Marks.ToArray()).ConfigureAwait(false);
            rg.CompleteValidate();
        }

        return ms.ToArray();
    }

    private static async Task<byte[]> TaskTableAsync(TimeSeriesRecorder r)
    {
        var time = new DataField<long>("time_ns");
        var pid = new DataField<int>("pid");
        var comm = new DataField<string>("comm");
        var state = new DataField<string>("state");
        var wchan = new DataField<string>("wchan");
        using var ms = new MemoryStream();
        await using (ParquetWriter writer = await ParquetWriter.CreateAsync(new ParquetSchema(time, pid, comm, state, wchan), ms, Options).ConfigureAwait(false))
        {
            using ParquetRowGroupWriter rg = writer.CreateRowGroup();
            await rg.WriteAsync(time, (ReadOnlyMemory<long>)r.TaskTimeNs.ToArray()).ConfigureAwait(false);
            await rg.WriteAsync(pid, (ReadOnlyMemory<int>)r.TaskPids.ToArray()).ConfigureAwait(false);
            await rg.WriteAsync(comm, r.TaskComms).ConfigureAwait(false);
            await rg.WriteAsync(state, r.TaskStates).ConfigureAwait(false);
            await rg.WriteAsync(wchan, r.TaskWchans).ConfigureAwait(false);
            rg.CompleteValidate();
        }

        return ms.ToArray();
    }
}
