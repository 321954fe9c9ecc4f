using System.Text.RegularExpressions;
using MmSim.Report;
using MmSim.Runs.Compare;

namespace MmSim.Tests.Report;

/// <summary>Issue 10 part 4: what report.html holds (every verdict, design and figure, the table, the escaped
/// scenario, the command, the definitions), in order, and that it depends on nothing outside itself.</summary>
public sealed partial class CompareReportTests : IDisposable
{
    private readonly ReportFixture fx = new();

    public void Dispose() => fx.Dispose();

    [Fact]
    public void Write_ReturnsThePath_AndLeavesNoTemporaryFile()
    {
        fx.WriteReport(out string path);
        Assert.Equal(Path.Combine(fx.Dir, CompareReport.FileName), path);
        Assert.Empty(Directory.GetFiles(fx.Dir, "*.tmp*"));
    }

    [Fact]
    public void Title_NamesScenario_DesignsAndSeeds()
    {
        string html = fx.WriteReport(out _);
        Assert.Contains("<title>mmsim compare: report-fixture</title>", html, StringComparison.Ordinal);
        Assert.Contains("<h1>mmsim compare: report-fixture</h1>", html, StringComparison.Ordinal);
        Assert.Contains("2 designs × 2 seeds = 4 runs", html, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryVerdict_QuestionAndAnswer_Escaped()
    {
        string html = fx.WriteReport(out _);
        foreach (Verdict v in fx.Verdicts)
        {
            Assert.Contains(HtmlText.Escape(v.Question), html, StringComparison.Ordinal);
            Assert.Contains(HtmlText.Escape(v.Answer), html, StringComparison.Ordinal);
        }

        Assert.Contains("vs 57 &lt;intervals do not overlap&gt;.", html, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryDesign_IsATableColumn_AndEveryMetricARow()
    {
        string html = fx.WriteReport(out _);
        string table = Section(html, "table");
        foreach (string design in fx.Result.Designs)
        {
            Assert.Contains("<th class=\"num\">" + HtmlText.Escape(design) + "</th>", table, StringComparison.Ordinal);
        }

        foreach (CompareTableRow row in CompareTable.Build(fx.Result).Rows)
        {
            Assert.Contains(HtmlText.Escape(row.Header), table, StringComparison.Ordinal);
        }

        // The per-run values: one row per run with its own numbers.
        Assert.Equal(fx.Result.Rows.Count, Regex.Matches(table, "<tr><td>").Count);
        Assert.Contains("<td class=\"num\">81.25</td>", table, StringComparison.Ordinal); // no-tmp seed 1 huge_pct
        Assert.Contains("<td class=\"num na\">n/a</td>", table, StringComparison.Ordinal); // null compact_success_pct
    }

    [Fact]
    public void EveryFigure_IsEmbedded_WithTitleAndCaption()
    {
        string html = fx.WriteReport(out _);
        Figure withPng = fx.Figures[0];
        Figure svgOnly = fx.Figures[1];

        string png = Convert.ToBase64String(File.ReadAllBytes(Path.Combine(fx.Dir, withPng.PngFile)));
        Assert.Contains($"<img src=\"data:image/png;base64,{png}\" width=\"{withPng.Width}\" height=\"{withPng.Height}\"", html, StringComparison.Ordinal);
        string svg = Convert.ToBase64String(File.ReadAllBytes(Path.Combine(fx.Dir, svgOnly.SvgFile)));
        Assert.Contains($"<img src=\"data:image/svg+xml;base64,{svg}\"", html, StringComparison.Ordinal);

        foreach (Figure f in fx.Figures)
        {
            Assert.Contains("<h3>" + HtmlText.Escape(f.Title) + "</h3>", html, StringComparison.Ordinal);
            Assert.Contains(HtmlText.Escape(f.Caption), html, StringComparison.Ordinal);
        }

        Assert.Equal(fx.Figures.Count, Regex.Matches(html, "<img ").Count);
    }

    [Fact]
    public void AMissingFigure_IsNamed_NotShownBroken()
    {
        var missing = new Figure("gone", "timeseries", "Gone", "Nothing here.", "plots/gone.png", "plots/gone.svg", 100, 100);
        string path = CompareReport.Write(fx.Result, fx.Verdicts, [missing], fx.Dir);
        string html = File.ReadAllText(path);
        Assert.DoesNotContain("<img ", html, StringComparison.Ordinal);
        Assert.Contains("<p class=\"missing\">picture not available: plots/gone.png is missing, plots/gone.svg is missing</p>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Scenario_IsEscaped_InPre()
    {
        string html = fx.WriteReport(out _);
        Assert.Contains("<pre class=\"yaml\"><code>" + HtmlText.Escape(ReportFixture.Yaml) + "</code></pre>", html, StringComparison.Ordinal);
        Assert.Contains("# stalled &lt;fuse&gt; server &amp; friends", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<fuse>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Command_IsEscaped_InACopyablePre()
    {
        string html = fx.WriteReport(out _);
        Assert.Contains("<pre class=\"command\">mmsim compare scenarios/report-fixture.yaml --designs &#39;tmp&amp;pages,no-tmp&#39; --seeds 2 --out out/cmp</pre>", html, StringComparison.Ordinal);
        Assert.Contains("pre.command { user-select: all;", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Sections_AreInTheIssuesOrder()
    {
        string html = fx.WriteReport(out _);
        string[] order = ["<h1>", "id=\"verdicts\"", "id=\"table\"", "id=\"figures\"", "id=\"scenario\"", "id=\"command\"", "id=\"definitions\""];
        int last = -1;
        foreach (string marker in order)
        {
            int at = html.IndexOf(marker, StringComparison.Ordinal);
            Assert.True(at > last, $"{marker} at {at}, after {last}");
            last = at;
        }
    }

    [Fact]
    public void NothingOutsideThePage_IsReferenced()
    {
        string html = fx.WriteReport(out _);
        Assert.DoesNotContain("http://", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https://", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
        foreach (Match m in Reference().Matches(html))
        {
            string attr = m.Groups[1].Value;
            string value = m.Groups[2].Value;
            Assert.True(attr == "src" ? value.StartsWith("data:image/", StringComparison.Ordinal) : value.StartsWith('#'),
                $"{attr}=\"{value[..Math.Min(60, value.Length)]}\" leaves the page");
        }

        Assert.Contains("content=\"default-src 'none'; img-src data:;", html, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryColumn_IsDefined_InThePage()
    {
        string html = fx.WriteReport(out _);
        string definitions = Section(html, "definitions");
        foreach (string column in CompareColumns.Names)
        {
            Assert.Contains(CompareMetrics.Definitions, d => d.Column == column && d.Meaning.Length > 0);
            Assert.Contains($"<code>{column}</code></th><td>", definitions, StringComparison.Ordinal);
        }

        Assert.Equal(CompareColumns.Names, CompareMetrics.Definitions.Select(d => d.Column));
    }

    [Fact]
    public void SameComparison_SameBytes()
    {
        string first = fx.WriteReport(out _);
        string second = fx.WriteReport(out _);
        Assert.Equal(first, second);
    }

    [Fact]
    public void NoVerdictsNoFigures_StillAPage()
    {
        string path = CompareReport.Write(fx.Result, [], [], fx.Dir);
        string html = File.ReadAllText(path);
        Assert.Contains("No verdicts were derived", html, StringComparison.Ordinal);
        Assert.Contains("This comparison has no figures.", html, StringComparison.Ordinal);
        Assert.EndsWith("</html>\n", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a<b>&\"c'", "a&lt;b&gt;&amp;&quot;c&#39;")]
    [InlineData("2 × 3 ± 1", "2 × 3 ± 1")]
    public void Escape_ReplacesMarkup(string raw, string escaped) => Assert.Equal(escaped, HtmlText.Escape(raw));

    [Fact]
    public void Anchor_KeepsOnlySafeCharacters() =>
        Assert.Equal("fig-pageblock-map-5s--x-", HtmlText.Anchor("fig", "pageblock-map-5s <x>"));

    private static string Section(string html, string id)
    {
        int start = html.IndexOf($"<section id=\"{id}\">", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no section {id}");
        int end = html.IndexOf("</section>", start, StringComparison.Ordinal);
        return html[start..end];
    }

    [GeneratedRegex("\\b(src|href)\\s*=\\s*\"([^\"]*)\"", RegexOptions.IgnoreCase)]
    private static partial Regex Reference();
}
