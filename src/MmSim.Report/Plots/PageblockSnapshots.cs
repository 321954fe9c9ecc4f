using MmSim.Mm;
using MmSim.Runs.TimeSeries;

namespace MmSim.Report.Plots;

/// <summary>One run's pageblocks.parquet: every pageblock at every snapshot, snapshot-major.</summary>
internal sealed class PageblockSnapshots
{
    private PageblockSnapshots(double[] timeS, int blocks, string[] zones, long[] pfns, byte[] types, int[] used, int[] marks)
    {
        TimeS = timeS;
        Blocks = blocks;
        Zones = zones;
        Pfns = pfns;
        Types = types;
        Used = used;
        Marks = marks;
    }

    /// <summary>Time of each snapshot, seconds.</summary>
    public double[] TimeS { get; }

    /// <summary>Pageblocks per snapshot.</summary>
    public int Blocks { get; }

    /// <summary>Zone of each block (the first snapshot's rows).</summary>
    public string[] Zones { get; }

    /// <summary>First PFN of each block.</summary>
    public long[] Pfns { get; }

    /// <summary>Migratetype of row <c>snapshot × Blocks + block</c>.</summary>
    public byte[] Types { get; }

    /// <summary>Allocated pages of each row.</summary>
    public int[] Used { get; }

    /// <summary><see cref="PageblockMarks"/> of each row.</summary>
    public int[] Marks { get; }

    /// <summary>The snapshot nearest to <paramref name="timeS"/> (the earlier on a tie).</summary>
    /// <param name="timeS">Seconds.</param>
    /// <returns>The snapshot index.</returns>
    public int Nearest(double timeS)
    {
        int best = 0;
        for (int i = 1; i < TimeS.Length; i++)
        {
            if (Math.Abs(TimeS[i] - timeS) < Math.Abs(TimeS[best] - timeS))
            {
                best = i;
            }
        }

        return best;
    }

    /// <summary>Reads a run folder's pageblocks.parquet.</summary>
    /// <param name="dir">The run folder.</param>
    /// <returns>Its snapshots.</returns>
    public static PageblockSnapshots Read(string dir)
    {
        ParquetColumns c = Task.Run(() => ParquetColumns.ReadAsync(Path.Combine(dir, TimeSeriesWriter.PageblocksFile))).GetAwaiter().GetResult();
        long[] time = c.Longs("time_ns");
        string[] zone = c.Strings("zone");
        long[] pfn = c.Longs("pfn");
        string[] mt = c.Strings("migratetype");
        int rows = time.Length;

        // A snapshot is a run of rows with one time; every snapshot has the same blocks.
        int blocks = 0;
        while (blocks < rows && time[blocks] == time[0])
        {
            blocks++;
        }

        int snapshots = blocks == 0 ? 0 : rows / blocks;
        if (snapshots * blocks != rows)
        {
            throw new InvalidDataException($"{TimeSeriesWriter.PageblocksFile}: {rows} rows are not whole snapshots of {blocks} pageblocks");
        }

        var timeS = new double[snapshots];
        for (int s = 0; s < snapshots; s++)
        {
            timeS[s] = time[s * blocks] / 1e9;
        }

        var types = new byte[rows];
        for (int r = 0; r < rows; r++)
        {
            int t = Array.IndexOf(MigrateTypes.Names, mt[r]);
            types[r] = t >= 0 ? (byte)t : throw new InvalidDataException($"{TimeSeriesWriter.PageblocksFile}: unknown migratetype '{mt[r]}'");
        }

        return new PageblockSnapshots(timeS, blocks, zone[..blocks], pfn[..blocks], types, c.Ints("used_pages"), c.Ints("marks"));
    }
}
