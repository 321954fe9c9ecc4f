using System.Text.RegularExpressions;

namespace MmSim.Tests.Report;

/// <summary>
/// Issue 10 part 4: report.html renders in headless Chromium: a screenshot that is not blank, no console errors,
/// every image decoded. The other tests break the page on purpose (a script error, a missing file, a corrupt image,
/// a reference the page's policy blocks, an empty page) and show that the same check then fails, so a green run
/// means something. Without chromium the tests are skipped, or fail when MMSIM_REQUIRE_CHROMIUM=1 (CI sets it).
/// </summary>
public sealed partial class CompareReportChromiumTests(ITestOutputHelper output) : IDisposable
{
    private readonly ReportFixture fx = new();

    public void Dispose() => fx.Dispose();

    [Fact]
    public void Report_RendersInHeadlessChromium_NotBlank_NoConsoleErrors_EveryImageDecoded()
    {
        string chromium = RequireChromium();
        fx.WriteReport(out string path);

        Rendering r = HeadlessChromium.Render(chromium, path, fx.Dir);

        output.WriteLine($"{HeadlessChromium.Version(chromium)}: rendered in {r.Elapsed.TotalSeconds:0.0} s");
        if (r.Screenshot is not null)
        {
            (int w, int h, int colours, double ink) = ScreenshotCheck.Measure(r.Screenshot);
            output.WriteLine($"screenshot {w}×{h}, {colours} colours, {ink:P1} of pixels off the background: {r.ScreenshotPath}");
        }

        IReadOnlyList<string> problems = r.Problems(expectedImages: fx.Figures.Count);
        Assert.True(problems.Count == 0, string.Join("\n", problems) + "\n--- chromium stderr ---\n" + r.Stderr);

        // Each picture decoded at the size its figure declares (the PNG's pixels; the SVG's width and height).
        Assert.Equal(fx.Figures.Select(f => $"{f.Width}x{f.Height}"), r.ImageSizes!);
    }

    [Fact]
    public void Check_Fails_OnAScriptError()
    {
        string page = Broken(html => WithoutPolicy(html).Replace("</body>", "<script>mmsimNoSuchFunction();</script></body>", StringComparison.Ordinal));
        IReadOnlyList<string> problems = Render(page);
        Assert.Contains(problems, p => p.Contains("Uncaught ReferenceError", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_Fails_OnAMissingImageFile()
    {
        string page = Broken(html => FirstImage().Replace(WithoutPolicy(html), "src=\"plots/no-such-file.png\"", 1));
        IReadOnlyList<string> problems = Render(page);
        Assert.Contains(problems, p => p.Contains("failed to load or decode", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_Fails_OnACorruptEmbeddedImage()
    {
        string page = Broken(html => FirstImage().Replace(html, "src=\"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAA\"", 1));
        IReadOnlyList<string> problems = Render(page);
        Assert.Contains(problems, p => p.Contains("failed to load or decode", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_Fails_WhenThePageReferencesAFile_ThePolicyBlocksIt()
    {
        // The report as written (policy in force) pointing at a file beside it: the browser refuses and says so.
        string page = Broken(html => FirstImage().Replace(html, "src=\"plots/timeseries-free-blocks.png\"", 1));
        IReadOnlyList<string> problems = Render(page);
        Assert.Contains(problems, p => p.Contains("Content Security Policy", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_Fails_OnABlankPage()
    {
        string page = Path.Combine(fx.Dir, "blank.html");
        File.WriteAllText(page, "<!DOCTYPE html>\n<html><head><title>blank</title></head><body></body></html>\n");
        IReadOnlyList<string> problems = Render(page);
        Assert.Contains(problems, p => p.StartsWith("screenshot is blank", StringComparison.Ordinal));
    }

    private string RequireChromium() => HeadlessChromium.Require(output);

    /// <summary>The real report, changed by <paramref name="breakIt"/> (which must change it).</summary>
    private string Broken(Func<string, string> breakIt)
    {
        string html = fx.WriteReport(out _);
        string broken = breakIt(html);
        Assert.NotEqual(html, broken);
        string page = Path.Combine(fx.Dir, "broken.html");
        File.WriteAllText(page, broken);
        return page;
    }

    private IReadOnlyList<string> Render(string page)
    {
        string chromium = RequireChromium();
        Rendering r = HeadlessChromium.Render(chromium, page, fx.Dir);
        IReadOnlyList<string> problems = r.Problems(expectedImages: fx.Figures.Count);
        output.WriteLine($"{Path.GetFileName(page)} in {r.Elapsed.TotalSeconds:0.0} s: " + string.Join(" | ", problems));
        Assert.NotEmpty(problems);
        return problems;
    }

    // Without the policy, a broken reference reaches the browser's loader, so the probe (not the policy) must catch it.
    private static string WithoutPolicy(string html) => PolicyMeta().Replace(html, "", 1);

    [GeneratedRegex("src=\"data:image/png;base64,[^\"]*\"")]
    private static partial Regex FirstImage();

    [GeneratedRegex("<meta http-equiv=\"Content-Security-Policy\"[^>]*>\n?")]
    private static partial Regex PolicyMeta();
}
