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
    public static IReadOnlyList<Figure> Write(CompareResult result, string outDir)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(outDir);
        return []; // issue 10: pictures part
    }
}
