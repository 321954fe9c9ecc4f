using System.Globalization;
using System.Text;

namespace MmSim.Report;

/// <summary>The figures section: every figure with its title, its picture embedded as a <c>data:</c> URI, its
/// caption, and the names of its PNG and SVG files beside the report.</summary>
internal static class FigureSection
{
    /// <summary>Appends the section.</summary>
    /// <param name="sb">The page.</param>
    /// <param name="figures">The figures, in the order to show them.</param>
    /// <param name="outDir">The folder the figures' files are relative to.</param>
    public static void Append(StringBuilder sb, IReadOnlyList<Figure> figures, string outDir)
    {
        sb.Append("<section id=\"figures\">\n<h2>Figures</h2>\n");
        if (figures.Count == 0)
        {
            sb.Append("<p class=\"sub\">This comparison has no figures.</p>\n</section>\n");
            return;
        }

        foreach (Figure f in figures)
        {
            AppendFigure(sb, f, outDir);
        }

        sb.Append("</section>\n");
    }

    private static void AppendFigure(StringBuilder sb, Figure f, string outDir)
    {
        sb.Append("<figure id=\"").Append(HtmlText.Anchor("fig", f.Id)).Append("\">\n<h3>");
        HtmlText.Append(sb, f.Title);
        sb.Append("</h3>\n");

        (string? uri, string? problem) = FigureImage.DataUri(f, outDir);
        if (uri is not null)
        {
            sb.Append("<div class=\"panel\"><img src=\"").Append(uri).Append('"');
            if (f.Width > 0 && f.Height > 0)
            {
                // The intrinsic size lets the browser reserve the space before decoding; CSS still scales it down.
                sb.Append(" width=\"").Append(f.Width.ToString(CultureInfo.InvariantCulture))
                  .Append("\" height=\"").Append(f.Height.ToString(CultureInfo.InvariantCulture)).Append('"');
            }

            sb.Append(" alt=\"");
            HtmlText.Append(sb, f.Title);
            sb.Append("\"></div>\n");
        }
        else
        {
            sb.Append("<p class=\"missing\">");
            HtmlText.Append(sb, problem!);
            sb.Append("</p>\n");
        }

        sb.Append("<figcaption><p>");
        HtmlText.Append(sb, f.Caption);
        sb.Append("</p><p class=\"files\">");
        HtmlText.Append(sb, f.Kind);
        sb.Append(" · files beside this report: <code>");
        HtmlText.Append(sb, f.PngFile);
        sb.Append("</code>, <code>");
        HtmlText.Append(sb, f.SvgFile);
        sb.Append("</code></p></figcaption>\n</figure>\n");
    }
}
