using System.Text;
using MmSim.Runs.Compare;

namespace MmSim.Report;

/// <summary>Assembles the whole page: head (UTF-8, viewport, a content security policy that forbids every fetch,
/// the inline style), then the sections in the order the issue asks: title, verdicts, table, figures, scenario,
/// command, and the definitions last. No script and no timestamp, so the same comparison gives the same bytes.</summary>
internal static class ReportPage
{
    /// <summary>The policy the page declares: nothing may be loaded except the inline style and <c>data:</c> images.
    /// A report that referred to a file or URL would show a console error in the browser instead of silently
    /// depending on it.</summary>
    public const string ContentSecurityPolicy = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

    /// <summary>Renders the page.</summary>
    /// <param name="result">The comparison.</param>
    /// <param name="verdicts">Its verdicts.</param>
    /// <param name="table">Its table.</param>
    /// <param name="figures">Its figures.</param>
    /// <param name="outDir">The folder the figures' files are relative to.</param>
    /// <returns>The HTML text.</returns>
    public static string Render(CompareResult result, IReadOnlyList<Verdict> verdicts, CompareTable table, IReadOnlyList<Figure> figures, string outDir)
    {
        var sb = new StringBuilder(64 * 1024);
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
          .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"").Append(ContentSecurityPolicy).Append("\">\n")
          .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
          .Append("<meta name=\"color-scheme\" content=\"light dark\">\n<meta name=\"generator\" content=\"mmsim compare\">\n<title>mmsim compare: ");
        HtmlText.Append(sb, result.Scenario);
        sb.Append("</title>\n<style>\n").Append(ReportStyle.Css).Append("\n</style>\n</head>\n<body>\n");

        ReportSections.Header(sb, result);
        ReportSections.Verdicts(sb, verdicts);
        ReportSections.Table(sb, table);
        RunValuesSection.Append(sb, result.Rows);
        ReportSections.EndTable(sb);
        FigureSection.Append(sb, figures, outDir);
        ReportSections.Scenario(sb, result);
        ReportSections.Command(sb, result);
        ReportSections.Definitions(sb);

        sb.Append("<footer>Written by <code>mmsim compare</code>. Everything on this page is inside this one file: it opens offline and from any folder.</footer>\n</body>\n</html>\n");
        return sb.ToString();
    }
}
