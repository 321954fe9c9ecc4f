namespace MmSim.Runs.Sweep;

/// <summary>The names of a sweep folder's files (docs/sweeps.md).</summary>
public static class SweepFiles
{
    /// <summary>The folder of the runs, one sub-folder per index.</summary>
    public const string RunsDir = "runs";

    /// <summary>The marker a finished run's folder holds, written last: a folder with it is never run again.</summary>
    public const string DoneMarker = "done";

    /// <summary>The point, design and seed of a run, in its folder.</summary>
    public const string PointFile = "point.json";

    /// <summary>What the sweep is (parameters, metrics, designs, seeds, run count), so merge can check its parts agree.</summary>
    public const string ManifestFile = "sweep.json";

    /// <summary>The table of every finished run.</summary>
    public const string CsvFile = "sweep.csv";

    /// <summary>The same table as Parquet.</summary>
    public const string ParquetFile = "sweep.parquet";

    /// <summary>Prefix of a run folder being written (renamed to its index when complete).</summary>
    public const string TempPrefix = ".tmp-";

    /// <summary>The folder of run <paramref name="index"/> under <paramref name="outDir"/>.</summary>
    /// <param name="outDir">The sweep folder.</param>
    /// <param name="index">The run's index.</param>
    /// <returns><c>OUT/runs/INDEX</c>.</returns>
    public static string RunDir(string outDir, int index) =>
        Path.Combine(outDir, RunsDir, index.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Whether run <paramref name="index"/> finished (its folder holds the marker).</summary>
    /// <param name="outDir">The sweep folder.</param>
    /// <param name="index">The run's index.</param>
    /// <returns>True when finished.</returns>
    public static bool IsDone(string outDir, int index) => File.Exists(Path.Combine(RunDir(outDir, index), DoneMarker));
}
