using MmSim.Report;
using MmSim.Runs.Compare;

namespace MmSim.Tests.Report;

/// <summary>
/// A comparison of 2 designs × 2 seeds with verdicts and real figures drawn by ScottPlot into a temporary folder:
/// a PNG+SVG time series, and a map whose PNG is absent so the report must fall back to its SVG. The scenario text
/// and the names carry HTML metacharacters, so escaping is tested by every test that reads the page.
/// </summary>
internal sealed class ReportFixture : IDisposable
{
    /// <summary>The scenario text; it holds markup that must show as text.</summary>
    public const string Yaml = "# stalled <fuse> server & friends\nname: report-fixture\nduration: 2s\nnote: \"<script>alert('x')</script>\"\n";

    /// <summary>The command line; quotes and &amp; must survive escaping.</summary>
    public const string CommandLine = "mmsim compare scenarios/report-fixture.yaml --designs 'tmp&pages,no-tmp' --seeds 2 --out out/cmp";

    public ReportFixture()
    {
        Dir = Path.Combine(Path.GetTempPath(), "mmsim-report-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(Dir, "plots"));
        string[] designs = ["tmp&pages", "no-tmp"];
        ulong[] seeds = [1, 2];
        var rows = new List<CompareRow>();
        foreach (string d in designs)
        {
            foreach (ulong s in seeds)
            {
                bool tmp = d == "tmp&pages";
                rows.Add(new CompareRow(d, s, HugePct: tmp ? 12.5 + s : 80.25 + s, CompactSuccessPct: null, FreeOrder9Blocks: tmp ? 3 : 41,
                    UnmovableBlocks: tmp ? 57 : 12, MixedBlocks: tmp ? 9 : 2, CmaSuccessPct: tmp ? 0 : 100, CmaLatencyMs: tmp ? 2000 : 1.5,
                    OfflineOutcome: tmp ? "hung" : "ok", OfflineLatencyMs: tmp ? 2000 : 12.75, TempPagesPeakMib: tmp ? 64 : 0,
                    WritebackMibps: tmp ? 0.5 : 0.25, HungTasks: tmp ? 2 : 0, Deadlocks: 0, OomKills: 0));
            }
        }

        Result = new CompareResult("report-fixture", "scenarios/report-fixture.yaml", Yaml, CommandLine, designs, seeds, rows);
        Verdicts =
        [
            new Verdict("cma_offline", "Which designs keep CMA and offlining working under a stalled server?", "no-tmp: CMA 100 %, offline ok; tmp&pages: CMA 0 %, offline hung."),
            new Verdict("fragmentation", "Which designs fragment least?", "no-tmp: 12 unmovable blocks vs 57 <intervals do not overlap>."),
            new Verdict("deadlock", "Which designs can deadlock?", "Neither: 0 wait-for cycles in 4 runs."),
        ];

        Figures =
        [
            Plots.TimeSeries(Dir, "timeseries-free-blocks", 480, 260),
            Plots.SvgOnlyMap(Dir, "pageblock-map-1s", 320, 200),
        ];
    }

    /// <summary>The comparison's output folder (deleted by <see cref="Dispose"/>).</summary>
    public string Dir { get; }

    /// <summary>The comparison.</summary>
    public CompareResult Result { get; }

    /// <summary>Its verdicts.</summary>
    public IReadOnlyList<Verdict> Verdicts { get; }

    /// <summary>Its figures, files under <see cref="Dir"/>.</summary>
    public IReadOnlyList<Figure> Figures { get; }

    /// <summary>Writes the report and returns its text.</summary>
    public string WriteReport(out string path)
    {
        path = CompareReport.Write(Result, Verdicts, Figures, Dir);
        return File.ReadAllText(path);
    }

    public void Dispose()
    {
        // MMSIM_KEEP_REPORT=1 keeps the folder (report.html, screenshot.png) to look at by eye.
        if (Directory.Exists(Dir) && Environment.GetEnvironmentVariable("MMSIM_KEEP_REPORT") != "1")
        {
            Directory.Delete(Dir, recursive: true);
        }
    }

    /// <summary>Small real pictures, drawn the way the plots part draws them.</summary>
    private static class Plots
    {
        public static Figure TimeSeries(string dir, string id, int w, int h)
        {
            var plot = new ScottPlot.Plot();
            double[] xs = [0, 0.5, 1, 1.5, 2];
            plot.Add.Scatter(xs, new double[] { 40, 30, 12, 5, 3 }).LegendText = "tmp&pages";
            plot.Add.Scatter(xs, new double[] { 40, 41, 40, 42, 41 }).LegendText = "no-tmp";
            plot.Title("Free order-9+ blocks");
            plot.XLabel("simulated s");
            plot.YLabel("blocks");
            plot.ShowLegend();
            string png = Path.Combine("plots", id + ".png");
            string svg = Path.Combine("plots", id + ".svg");
            plot.SavePng(Path.Combine(dir, png), w, h);
            plot.SaveSvg(Path.Combine(dir, svg), w, h);
            return new Figure(id, "timeseries", "Free order-9+ blocks <per design>", "x: simulated seconds; y: free blocks of order ≥ 9 & DMA32+Normal.", png, svg, w, h);
        }

        public static Figure SvgOnlyMap(string dir, string id, int w, int h)
        {
            var plot = new ScottPlot.Plot();
            var cells = new double[8, 16];
            for (int r = 0; r < 8; r++)
            {
                for (int c = 0; c < 16; c++)
                {
                    cells[r, c] = (r * 16 + c) % 5;
                }
            }

            plot.Add.Heatmap(cells);
            plot.Title("Pageblocks at 1 s");
            string svg = Path.Combine("plots", id + ".svg");
            plot.SaveSvg(Path.Combine(dir, svg), w, h);
            return new Figure(id, "pageblock-map", "Pageblock map at 1 s", "One cell per pageblock; colour = migratetype.", Path.Combine("plots", id + ".png"), svg, w, h);
        }
    }
}
