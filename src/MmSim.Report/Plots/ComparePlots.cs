using MmSim.Runs.Compare;

namespace MmSim.Report.Plots;

/// <summary>Draws every picture of a comparison from its run folders (time series per design on shared axes,
/// pageblock maps per design at chosen times, and the map strip over time).</summary>
public static class ComparePlots
{
    /// <summary>Writes the figures under <c>DIR/plots/</c>.</summary>
    /// <param name="result">The comparison.</param>
    /// <param name="outDir">The comparison's output folder (the run folders are <see cref="CompareResult.RunDir"/> below it).</param>
    /// <returns>The figures written, in the order the report shows them.</returns>
    /// <remarks>Time series are the mean over every seed of a design; the pageblock maps and the strip show its
    /// first seed (a map cannot be averaged). A design whose run folders lack a file is drawn without it.</remarks>
    public static IReadOnlyList<Figure> Write(CompareResult result, string outDir)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(outDir);
        var figures = new List<Figure>();
        IReadOnlyList<string> designs = result.Designs;

        var runs = new List<IReadOnlyList<RunSeries>>(designs.Count);
        foreach (string design in designs)
        {
            runs.Add([.. result.Seeds.Select(seed => RunSeries.Read(Path.Combine(outDir, CompareResult.RunDir(design, seed))))]);
        }

        string seedsNote = result.Seeds.Count == 1
            ? $"seed {result.Seeds[0]}"
            : $"mean over seeds {string.Join(", ", result.Seeds)}";
        foreach (TimeSeriesFigures.Spec spec in TimeSeriesFigures.Specs(seedsNote))
        {
            figures.Add(FigureFile.Write(outDir, spec.Id, "timeseries", spec.Title, spec.Caption,
                TimeSeriesFigures.Width(spec), TimeSeriesFigures.HeaderHeight + TimeSeriesFigures.PanelHeight,
                canvas => TimeSeriesFigures.Draw(spec, designs, runs, canvas)));
        }

        return figures;
    }
}
