using MmSim.Runs.Compare;

namespace MmSim.Report;

/// <summary>Writes <c>DIR/report.html</c>: one self-contained page (works offline, opened from disk) with the
/// verdicts, the table, the plots and maps, the scenario and the command that reproduces it.</summary>
public static class CompareReport
{
    /// <summary>The report's file name in the comparison's output folder.</summary>
    public const string FileName = "report.html";

    /// <summary>Writes the report atomically.</summary>
    /// <param name="result">The comparison.</param>
    /// <param name="verdicts">Its verdicts.</param>
    /// <param name="figures">Its figures (files relative to <paramref name="outDir"/>).</param>
    /// <param name="outDir">The comparison's output folder.</param>
    /// <returns>The report's path.</returns>
    public static string Write(CompareResult result, IReadOnlyList<Verdict> verdicts, IReadOnlyList<Figure> figures, string outDir)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(verdicts);
        ArgumentNullException.ThrowIfNull(figures);
        ArgumentNullException.ThrowIfNull(outDir);
        return Path.Combine(outDir, FileName); // issue 10: report part writes it
    }
}
