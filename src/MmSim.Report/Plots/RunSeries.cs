using MmSim.Mm;
using MmSim.Runs.TimeSeries;

namespace MmSim.Report.Plots;

/// <summary>
/// The time series of one run that the pictures draw, read from its timeseries.parquet and vmstat.parquet and
/// summed over zones: one value per sample.
/// </summary>
internal sealed class RunSeries
{
    /// <summary>The vmstat items read, in <see cref="Vmstat"/> order.</summary>
    internal static readonly string[] VmstatItems =
        ["nr_dirty", "nr_writeback", "compact_stall", "compact_success", "thp_fault_alloc", "thp_fault_fallback"];

    private RunSeries(double[] timeS, double[][] free, double[] unmovable, double[] mixed, double[] temp, double[][] vmstat)
    {
        TimeS = timeS;
        FreeByOrder = free;
        UnmovableBlocks = unmovable;
        MixedBlocks = mixed;
        TempPages = temp;
        Vmstat = vmstat;
    }

    /// <summary>Simulated time of each sample, seconds.</summary>
    public double[] TimeS { get; }

    /// <summary>Free buddy blocks per order (0..10), all zones and migratetypes, per sample.</summary>
    public double[][] FreeByOrder { get; }

    /// <summary>Pageblocks of type Unmovable, per sample.</summary>
    public double[] UnmovableBlocks { get; }

    /// <summary>Mixed pageblocks of every type, per sample.</summary>
    public double[] MixedBlocks { get; }

    /// <summary>NR_WRITEBACK_TEMP pages per sample (0 for runs written before the column existed).</summary>
    public double[] TempPages { get; }

    /// <summary>The <see cref="VmstatItems"/> per sample.</summary>
    public double[][] Vmstat { get; }

    /// <summary>Reads a run folder.</summary>
    /// <param name="dir">The run folder.</param>
    /// <returns>Its series.</returns>
    public static RunSeries Read(string dir) => Task.Run(() => ReadAsync(dir)).GetAwaiter().GetResult();

    private static async Task<RunSeries> ReadAsync(string dir)
    {
        ParquetColumns ts = await ParquetColumns.ReadAsync(Path.Combine(dir, TimeSeriesWriter.TimeSeriesFile)).ConfigureAwait(false);
        // One row per populated zone per sample; offlining can empty a zone, so a sample is a run of rows with one time.
        long[] time = ts.Longs(TimeSeriesColumns.TimeNs);
        var starts = new List<int>();
        for (int r = 0; r < time.Length; r++)
        {
            if (r == 0 || time[r] != time[r - 1])
            {
                starts.Add(r);
            }
        }

        int samples = starts.Count;
        starts.Add(time.Length);
        int[] sampleOf = new int[time.Length];
        var timeS = new double[samples];
        for (int s = 0; s < samples; s++)
        {
            timeS[s] = time[starts[s]] / 1e9;
            for (int r = starts[s]; r < starts[s + 1]; r++)
            {
                sampleOf[r] = s;
            }
        }

        var free = new double[MmConstants.NrPageOrders][];
        for (int o = 0; o < free.Length; o++)
        {
            free[o] = new double[samples];
            foreach (string mt in TimeSeriesColumns.MigratetypeSuffixes)
            {
                AddByZone(ts.Longs($"free_o{o}_{mt}"), sampleOf, free[o]);
            }
        }

        var unmovable = new double[samples];
        AddByZone(ts.Longs("blocks_unmovable"), sampleOf, unmovable);
        var mixed = new double[samples];
        foreach (string mt in TimeSeriesColumns.MigratetypeSuffixes)
        {
            AddByZone(ts.Longs("mixed_" + mt), sampleOf, mixed);
        }

        // A node counter repeated on every zone row: take the first zone's.
        var temp = new double[samples];
        if (ts.Has("nr_writeback_temp"))
        {
            long[] t = ts.Longs("nr_writeback_temp");
            for (int s = 0; s < samples; s++)
            {
                temp[s] = t[starts[s]];
            }
        }

        ParquetColumns vm = await ParquetColumns.ReadAsync(Path.Combine(dir, TimeSeriesWriter.VmstatFile)).ConfigureAwait(false);
        string[] items = vm.Strings("item");
        long[] values = vm.Longs("value");
        var vmstat = new double[VmstatItems.Length][];
        for (int i = 0; i < VmstatItems.Length; i++)
        {
            var v = new List<double>(samples);
            for (int r = 0; r < items.Length; r++)
            {
                if (items[r] == VmstatItems[i])
                {
                    v.Add(values[r]);
                }
            }

            vmstat[i] = [.. v];
        }

        return new RunSeries(timeS, free, unmovable, mixed, temp, vmstat);
    }

    private static void AddByZone(long[] column, int[] sampleOf, double[] into)
    {
        for (int r = 0; r < sampleOf.Length; r++)
        {
            into[sampleOf[r]] += column[r];
        }
    }
}
