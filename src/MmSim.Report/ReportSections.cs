using System.Globalization;
using System.Text;
using MmSim.Runs.Compare;

namespace MmSim.Report;

/// <summary>The text sections of the report, each appended to the page in the order <see cref="ReportPage"/> calls
/// them. Every string that came from input is escaped (<see cref="HtmlText"/>).</summary>
internal static class ReportSections
{
    /// <summary>Title (scenario, designs × seeds) and the table of contents.</summary>
    /// <param name="sb">The page.</param>
    /// <param name="result">The comparison.</param>
    public static void Header(StringBuilder sb, CompareResult result)
    {
        sb.Append("<header>\n<h1>mmsim compare: ");
        HtmlText.Append(sb, result.Scenario);
        sb.Append("</h1>\n<p class=\"sub\">");
        sb.Append(result.Designs.Count.ToString(CultureInfo.InvariantCulture)).Append(result.Designs.Count == 1 ? " design" : " designs");
        sb.Append(" × ").Append(result.Seeds.Count.ToString(CultureInfo.InvariantCulture)).Append(result.Seeds.Count == 1 ? " seed" : " seeds");
        sb.Append(" = ").Append(result.Rows.Count.ToString(CultureInfo.InvariantCulture)).Append(result.Rows.Count == 1 ? " run" : " runs");
        sb.Append("; scenario file <code>");
        HtmlText.Append(sb, result.ScenarioPath);
        sb.Append("</code></p>\n<p class=\"sub\">Designs: ");
        for (int i = 0; i < result.Designs.Count; i++)
        {
            sb.Append(i == 0 ? "<code>" : ", <code>");
            HtmlText.Append(sb, result.Designs[i]);
            sb.Append("</code>");
        }

        sb.Append(". Seeds: <code>");
        for (int i = 0; i < result.Seeds.Count; i++)
        {
            sb.Append(i == 0 ? "" : " ").Append(result.Seeds[i].ToString(CultureInfo.InvariantCulture));
        }

        sb.Append("</code>.</p>\n");
        sb.Append("<nav class=\"toc\"><a href=\"#verdicts\">Verdicts</a><a href=\"#table\">Table</a><a href=\"#figures\">Figures</a>")
          .Append("<a href=\"#scenario\">Scenario</a><a href=\"#command\">Command</a><a href=\"#definitions\">Definitions</a></nav>\n</header>\n");
    }

    /// <summary>One entry per verdict: the question, then the answer the numbers give.</summary>
    /// <param name="sb">The page.</param>
    /// <param name="verdicts">The verdicts, in their order.</param>
    public static void Verdicts(StringBuilder sb, IReadOnlyList<Verdict> verdicts)
    {
        sb.Append("<section id=\"verdicts\">\n<h2>Verdicts</h2>\n");
        if (verdicts.Count == 0)
        {
            sb.Append("<p class=\"sub\">No verdicts were derived for this comparison.</p>\n</section>\n");
            return;
        }

        sb.Append("<p class=\"sub\">Computed from the numbers below, one per question of the FUSE writeback thread.</p>\n<ol class=\"verdicts\">\n");
        foreach (Verdict v in verdicts)
        {
            sb.Append("<li id=\"").Append(HtmlText.Anchor("verdict", v.Id)).Append("\"><p class=\"q\">");
            HtmlText.Append(sb, v.Question);
            sb.Append(" <span class=\"id\">");
            HtmlText.Append(sb, v.Id);
            sb.Append("</span></p><p class=\"a\">");
            HtmlText.Append(sb, v.Answer);
            sb.Append("</p></li>\n");
        }

        sb.Append("</ol>\n</section>\n");
    }

    /// <summary>The comparison table: one row per metric, one column per design (the table the console prints).</summary>
    /// <param name="sb">The page.</param>
    /// <param name="table">The table.</param>
    public static void Table(StringBuilder sb, CompareTable table)
    {
        // The title goes in a paragraph, not a <caption>: a caption is as narrow as the table and wraps early.
        sb.Append("<section id=\"table\">\n<h2>Table</h2>\n<p class=\"sub\">");
        HtmlText.Append(sb, table.Title);
        sb.Append(". Each metric is defined under <a href=\"#definitions\">Definitions</a>.</p>\n<div class=\"scroll\"><table class=\"compare\">\n<thead><tr><th>metric</th>");
        foreach (string design in table.Designs)
        {
            sb.Append("<th class=\"num\">");
            HtmlText.Append(sb, design);
            sb.Append("</th>");
        }

        sb.Append("</tr></thead>\n<tbody>\n");
        foreach (CompareTableRow row in table.Rows)
        {
            sb.Append("<tr><th scope=\"row\">");
            HtmlText.Append(sb, row.Header);
            if (row.Header != row.Column)
            {
                sb.Append("<code>");
                HtmlText.Append(sb, row.Column);
                sb.Append("</code>");
            }

            sb.Append("</th>");
            foreach (string cell in row.Cells)
            {
                sb.Append(cell == "n/a" ? "<td class=\"num na\">" : "<td class=\"num\">");
                HtmlText.Append(sb, cell);
                sb.Append("</td>");
            }

            sb.Append("</tr>\n");
        }

        sb.Append("</tbody>\n</table></div>\n");
    }

    /// <summary>Closes the table section (after the per-run values).</summary>
    /// <param name="sb">The page.</param>
    public static void EndTable(StringBuilder sb) => sb.Append("</section>\n");

    /// <summary>The scenario file's text, as written.</summary>
    /// <param name="sb">The page.</param>
    /// <param name="result">The comparison.</param>
    public static void Scenario(StringBuilder sb, CompareResult result)
    {
        sb.Append("<section id=\"scenario\">\n<h2>Scenario</h2>\n<p class=\"sub\"><code>");
        HtmlText.Append(sb, result.ScenarioPath);
        sb.Append("</code>, as it was read:</p>\n<pre class=\"yaml\"><code>");
        HtmlText.Append(sb, result.ScenarioYaml);
        sb.Append("</code></pre>\n</section>\n");
    }

    /// <summary>The exact command that reproduces the comparison, selectable with one click (no script needed).</summary>
    /// <param name="sb">The page.</param>
    /// <param name="result">The comparison.</param>
    public static void Command(StringBuilder sb, CompareResult result)
    {
        sb.Append("<section id=\"command\">\n<h2>Command</h2>\n<p class=\"sub\">Run from the same folder to reproduce every number; the same scenario and seeds give byte-identical results.</p>\n<pre class=\"command\">");
        HtmlText.Append(sb, result.Command);
        sb.Append("</pre>\n</section>\n");
    }

    /// <summary>What every column counts, so the page explains itself without the docs.</summary>
    /// <param name="sb">The page.</param>
    public static void Definitions(StringBuilder sb)
    {
        sb.Append("<section id=\"definitions\">\n<h2>Definitions</h2>\n<p class=\"sub\">Names are the columns of <code>compare.csv</code> and <code>compare.parquet</code>; ")
          .Append("docs/results.md in the mmsim repository has the full definitions. A table cell is the mean over seeds ± the half-width of the ")
          .Append("two-sided 95&nbsp;% Student-t interval; <code>± n/a</code>: one seed, no interval; <code>(k/n)</code>: only k of the n runs had ")
          .Append("something to count; <code>n/a</code> alone: none had. Offline outcomes count each word over seeds (<code>hung×3</code>).</p>\n<div class=\"scroll\"><table class=\"definitions\">\n<thead><tr><th>column</th><th>what it counts</th></tr></thead>\n<tbody>\n");
        foreach ((string column, string meaning) in CompareMetrics.Definitions)
        {
            sb.Append("<tr><th scope=\"row\"><code>");
            HtmlText.Append(sb, column);
            sb.Append("</code></th><td>");
            HtmlText.Append(sb, meaning);
            sb.Append("</td></tr>\n");
        }

        sb.Append("</tbody>\n</table></div>\n</section>\n");
    }
}
