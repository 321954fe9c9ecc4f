using MmSim.Runs;
using MmSim.Runs.Compare;

namespace MmSim.Report;

/// <summary>Writes <c>DIR/report.html</c>: one self-contained page (works offline, opened from disk) with the
/// verdicts, the table, the plots and maps, the scenario and the command that reproduces it.</summary>
public static class CompareReport
{
    /// <summary>The report's file name in the comparison's output folder.</summary>
    public const string FileName = "report.html";

    /// <summary>Writes the report atomically. Figures are embedded in the page (PNG, or SVG when there is no PNG), so
    /// the page needs none of the files beside it; a figure whose files are missing is named in the page in place of
    /// its picture.</summary>
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

        string html = ReportPage.Render(result, verdicts, CompareTable.Build(result), figures, outDir);
        string path = Path.Combine(outDir, FileName);
        AtomicFile.WriteAllText(path, html);
        return path;
    }
}
