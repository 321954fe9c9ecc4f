using System.Text.RegularExpressions;
using MmSim.Report;
using MmSim.Runs.Compare;
using MmSim.Tests.Support;

namespace MmSim.Tests.Report;

/// <summary>
/// The report that <c>mmsim compare</c> itself writes (the stalled FUSE server scaled down, 2 designs × 2 seeds):
/// it holds the comparison's own command, scenario and designs, embeds every picture under <c>plots/</c>, and
/// renders in headless Chromium without a console message or a broken image.
/// </summary>
[Collection("Console")]
public sealed partial class CompareReportEndToEndTests(ITestOutputHelper output) : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("mmsim-report-e2e").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void CompareWritesAReport_ThatHoldsTheComparison_AndRendersInChromium()
    {
        string chromium = HeadlessChromium.Require(output);
        string scenario = Path.Combine(dir, "small.yaml");
        File.WriteAllText(scenario, SmallStalledServer.Yaml());
        string outDir = Path.Combine(dir, "out");
        (int code, _, string stderr) = MmsimCli.Run("compare", scenario, "--designs", "linux-6.15,linux-6.18", "--seeds", "2", "--jobs", "2", "--out", outDir);
        Assert.True(code == 0, stderr);

        CompareResult result = CompareFiles.Read(outDir)!;
        string html = File.ReadAllText(Path.Combine(outDir, CompareReport.FileName));
        Assert.Contains("<pre class=\"command\">" + HtmlText.Escape(result.Command) + "</pre>", html, StringComparison.Ordinal);
        Assert.Contains(HtmlText.Escape(result.ScenarioYaml), html, StringComparison.Ordinal);
        Assert.All(result.Designs, d => Assert.Contains("<th class=\"num\">" + HtmlText.Escape(d) + "</th>", html, StringComparison.Ordinal));
        Assert.All(Verdicts.Derive(result), v => Assert.Contains(HtmlText.Escape(v.Answer), html, StringComparison.Ordinal));

        // Every picture the plots part wrote is in the page, as data.
        string plots = Path.Combine(outDir, "plots");
        string[] pngs = Directory.Exists(plots) ? Directory.GetFiles(plots, "*.png", SearchOption.AllDirectories) : [];
        Assert.All(pngs, png => Assert.Contains("data:image/png;base64," + Convert.ToBase64String(File.ReadAllBytes(png)) + "\"", html, StringComparison.Ordinal));
        int images = ImageTag().Count(html);
        output.WriteLine($"{pngs.Length} PNG file(s) under plots/, {images} image(s) in the page, {html.Length / 1024} KiB");

        Rendering r = HeadlessChromium.Render(chromium, Path.Combine(outDir, CompareReport.FileName), dir);
        output.WriteLine($"rendered in {r.Elapsed.TotalSeconds:0.0} s");
        IReadOnlyList<string> problems = r.Problems(expectedImages: images);
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [GeneratedRegex("<img ")]
    private static partial Regex ImageTag();
}
