using System.Globalization;
using MmSim.Mm;
using ScottPlot;
using SkiaSharp;

namespace MmSim.Report.Plots;

/// <summary>
/// The time-series figures of a comparison: per quantity one panel, one line per design (mean over seeds), so every
/// design shares the panel's axes.
/// </summary>
internal static class TimeSeriesFigures
{
    /// <summary>Panel width, px.</summary>
    public const int PanelWidth = 460;

    /// <summary>Panel height, px.</summary>
    public const int PanelHeight = 340;

    /// <summary>Height of the title line, px.</summary>
    private const int TitleHeight = 34;

    /// <summary>Height of a legend line under the title, px.</summary>
    private const int LegendLine = 22;

    private const double MibPerPage = MmConstants.PageSize / (1024.0 * 1024.0);

    /// <summary>One panel: what it plots per run.</summary>
    /// <param name="Title">Panel title.</param>
    /// <param name="YLabel">Y axis label with unit.</param>
    /// <param name="Values">The series of one run (NaN where undefined).</param>
    /// <param name="Percent">A percentage: y runs 0..100.</param>
    /// <param name="EmptyNote">What the panel says when no run has a defined point.</param>
    internal sealed record Panel(string Title, string YLabel, Func<RunSeries, double[]> Values, bool Percent = false, string? EmptyNote = null);

    /// <summary>One figure: id, title, caption and panels.</summary>
    internal sealed record Spec(string Id, string Title, string Caption, Panel[] Panels);

    /// <summary>The four figures, in report order.</summary>
    /// <param name="seedsNote">How the seeds are combined, for the captions.</param>
    /// <returns>The specs.</returns>
    public static Spec[] Specs(string seedsNote) =>
    [
        new("timeseries-free-blocks", "Free buddy blocks per order over time",
            $"Free blocks on the buddy free lists (all zones and migratetypes, per-cpu lists excluded; timeseries.parquet free_o*_*), {seedsNote}. Order 9+ counts order-9 and order-10 blocks in order-9 units (an order-10 block is 2).",
            [
                new("Free order-0 blocks", "blocks", r => r.FreeByOrder[0]),
                new("Free order-3 blocks", "blocks", r => r.FreeByOrder[3]),
                new("Free order-9+ blocks", "order-9 blocks", Order9Plus),
            ]),
        new("timeseries-pageblocks", "Unmovable and mixed pageblocks over time",
            $"Pageblocks of type Unmovable (blocks_unmovable, all zones) and pageblocks holding an allocation of another migratetype than their own (page_owner's mixed count, Σ mixed_*), {seedsNote}.",
            [
                new("Unmovable pageblocks", "pageblocks", r => r.UnmovableBlocks),
                new("Mixed pageblocks", "pageblocks", r => r.MixedBlocks),
            ]),
        new("timeseries-writeback", "Dirty, writeback and FUSE temp pages over time",
            $"vmstat nr_dirty and nr_writeback, and NR_WRITEBACK_TEMP (timeseries.parquet nr_writeback_temp: FUSE temp pages, 0 for designs without them), in MiB, {seedsNote}.",
            [
                new("nr_dirty", "MiB", r => Scale(Item(r, "nr_dirty"), MibPerPage)),
                new("nr_writeback", "MiB", r => Scale(Item(r, "nr_writeback"), MibPerPage)),
                new("nr_writeback_temp (temp pages)", "MiB", r => Scale(r.TempPages, MibPerPage)),
            ]),
        new("timeseries-compaction-thp", "Compaction and THP fault success over time",
            $"Cumulative since boot: compaction success = vmstat compact_success / compact_stall (direct compactions that ended with a page, % of direct compaction stalls); THP fault success = thp_fault_alloc / (thp_fault_alloc + thp_fault_fallback), %. A line starts where its denominator is first non-zero; {seedsNote}.",
            [
                new("Compaction success (compact_success / compact_stall)", "%", r => Ratio(Item(r, "compact_success"), Item(r, "compact_stall")), Percent: true,
                    EmptyNote: "compact_stall = 0 in every run: no direct compaction"),
                new("THP fault success (thp_fault_alloc / (alloc + fallback))", "%", ThpPct, Percent: true,
                    EmptyNote: "no THP fault in any run"),
            ]),
    ];

    /// <summary>Draws one figure: a title strip, then the panels side by side.</summary>
    /// <param name="spec">The figure.</param>
    /// <param name="designs">Design names, in order (their colours).</param>
    /// <param name="runs">Per design, its seeds' series.</param>
    /// <param name="canvas">Where to draw.</param>
    public static void Draw(Spec spec, IReadOnlyList<string> designs, IReadOnlyList<IReadOnlyList<RunSeries>> runs, SKCanvas canvas)
    {
        // ScottPlot clears the canvas it renders on, so each panel renders translated and clipped to its own rectangle,
        // and the title is drawn last.
        int header = HeaderHeight(spec, designs);
        for (int p = 0; p < spec.Panels.Length; p++)
        {
            Plot plot = PanelPlot(spec.Panels[p], designs, runs);
            canvas.Save();
            canvas.Translate(p * PanelWidth, header);
            canvas.ClipRect(SKRect.Create(PanelWidth, PanelHeight));
            plot.Render(canvas, new PixelRect(0, PanelWidth, PanelHeight, 0));
            canvas.Restore();
        }

        using SKFont font = Palette.Font(18);
        using SKFont small = Palette.Font(14);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        canvas.DrawText(spec.Title, 12, 24, font, ink);

        // One legend for every panel, on lines of its own under the title, so no panel hides a line under it.
        using var stroke = new SKPaint { StrokeWidth = 3, IsAntialias = true, Style = SKPaintStyle.Stroke };
        (float X, int Line)[] at = LegendPlaces(designs, Width(spec), small);
        for (int d = 0; d < designs.Count; d++)
        {
            float y = TitleHeight + (at[d].Line * LegendLine) + 12;
            stroke.Color = SKColor.Parse(Palette.DesignColour(d));
            stroke.StrokeWidth = LineWidth(d, designs.Count);
            canvas.DrawLine(at[d].X, y - 5, at[d].X + 22, y - 5, stroke);
            canvas.DrawText(designs[d], at[d].X + 28, y, small, ink);
        }
    }

    /// <summary>Height of the title and legend lines above the panels.</summary>
    /// <param name="spec">The figure.</param>
    /// <param name="designs">The designs.</param>
    /// <returns>Pixels.</returns>
    public static int HeaderHeight(Spec spec, IReadOnlyList<string> designs)
    {
        using SKFont small = Palette.Font(14);
        (float X, int Line)[] at = LegendPlaces(designs, Width(spec), small);
        return TitleHeight + ((at.Length == 0 ? 0 : at[^1].Line + 1) * LegendLine);
    }

    // Legend entries flow left to right and wrap at the figure's width.
    private static (float X, int Line)[] LegendPlaces(IReadOnlyList<string> designs, int width, SKFont font)
    {
        var at = new (float X, int Line)[designs.Count];
        float x = 12;
        int line = 0;
        for (int d = 0; d < designs.Count; d++)
        {
            float w = 28 + font.MeasureText(designs[d]) + 22;
            if (x + w > width - 12 && x > 12)
            {
                line++;
                x = 12;
            }

            at[d] = (x, line);
            x += w;
        }

        return at;
    }

    // Earlier designs draw wider, so a later design on the same values leaves them visible on both sides.
    private static float LineWidth(int d, int designs) => designs <= 1 ? 2 : 1.5f + (3f * (designs - 1 - d) / (designs - 1));

    /// <summary>Figure width for <paramref name="spec"/>.</summary>
    /// <param name="spec">The figure.</param>
    /// <returns>Pixels.</returns>
    public static int Width(Spec spec) => spec.Panels.Length * PanelWidth;

    /// <summary>Mean over seeds, pointwise, ignoring NaN (NaN where every seed is undefined); as long as the shortest run.</summary>
    /// <param name="series">One array per seed.</param>
    /// <returns>The mean.</returns>
    internal static double[] Mean(IReadOnlyList<double[]> series)
    {
        int n = series.Count == 0 ? 0 : series.Min(s => s.Length);
        var mean = new double[n];
        for (int i = 0; i < n; i++)
        {
            double sum = 0;
            int k = 0;
            foreach (double[] s in series)
            {
                if (!double.IsNaN(s[i]))
                {
                    sum += s[i];
                    k++;
                }
            }

            mean[i] = k == 0 ? double.NaN : sum / k;
        }

        return mean;
    }

    private static Plot PanelPlot(Panel panel, IReadOnlyList<string> designs, IReadOnlyList<IReadOnlyList<RunSeries>> runs)
    {
        var plot = new Plot();
        plot.Font.Set(Palette.Typeface.FamilyName);
        plot.Title(panel.Title, size: 15);
        plot.XLabel("simulated time (s)", size: 13);
        plot.YLabel(panel.YLabel, size: 13);
        double max = 0;
        double maxX = 0;
        int undefined = 0;
        for (int d = 0; d < designs.Count; d++)
        {
            IReadOnlyList<RunSeries> seeds = runs[d];
            if (seeds.Count == 0)
            {
                continue;
            }

            // The vmstat panels count samples by vmstat rows, TimeS by distinct times of the zone rows; they differ when
            // two samples share a time (found by CliFuzzTests: a 10 ms run sampled every 10 ms). Plot the samples both
            // have rather than index past the shorter.
            double[] yAll = Mean([.. seeds.Select(panel.Values)]);
            double[] xAll = seeds[0].TimeS;
            int n = Math.Min(xAll.Length, yAll.Length);
            double[] y = yAll.Length == n ? yAll : yAll[..n];
            double[] x = xAll.Length == n ? xAll : xAll[..n];
            var colour = ScottPlot.Color.FromHex(Palette.DesignColour(d));
            bool labelled = false;

            // One scatter per run of defined points: a NaN (a ratio with nothing to divide) breaks the line.
            for (int i = 0; i < y.Length;)
            {
                if (double.IsNaN(y[i]))
                {
                    i++;
                    continue;
                }

                int j = i;
                while (j < y.Length && !double.IsNaN(y[j]))
                {
                    max = Math.Max(max, y[j]);
                    j++;
                }

                ScottPlot.Plottables.Scatter line = plot.Add.Scatter(x[i..j], y[i..j], colour);
                line.LineWidth = LineWidth(d, designs.Count);
                line.MarkerSize = j - i == 1 ? 6 : 0;
                if (!labelled)
                {
                    line.LegendText = designs[d];
                    labelled = true;
                }

                i = j;
            }

            undefined += labelled ? 0 : 1;
            maxX = Math.Max(maxX, x.Length == 0 ? 0 : x[^1]);
        }

        plot.Axes.SetLimitsX(0, maxX > 0 ? maxX : 1);
        plot.Axes.SetLimitsY(0, panel.Percent ? 105 : (max > 0 ? max * 1.1 : 1));
        plot.HideLegend();
        if (undefined == designs.Count && designs.Count > 0)
        {
            // Nothing to divide in any run: say so in the panel rather than leave it blank.
            ScottPlot.Plottables.Text note = plot.Add.Text(panel.EmptyNote ?? "undefined in every run (denominator 0)", (maxX > 0 ? maxX : 1) / 2, panel.Percent ? 52.5 : 0.5);
            note.LabelFontSize = 14;
            note.LabelAlignment = Alignment.MiddleCenter;
            note.LabelFontColor = ScottPlot.Colors.DimGray;
        }
        else if (undefined > 0)
        {
            plot.Add.Annotation($"{undefined} design(s) undefined (denominator 0)", Alignment.LowerRight);
        }

        return plot;
    }

    private static double[] Item(RunSeries r, string name) => r.Vmstat[Array.IndexOf(RunSeries.VmstatItems, name)];

    private static double[] Scale(double[] v, double k) => Array.ConvertAll(v, x => x * k);

    private static double[] Order9Plus(RunSeries r)
    {
        var v = new double[r.TimeS.Length];
        for (int o = MmConstants.PageblockOrder; o < MmConstants.NrPageOrders; o++)
        {
            double units = 1 << (o - MmConstants.PageblockOrder);
            for (int i = 0; i < v.Length; i++)
            {
                v[i] += r.FreeByOrder[o][i] * units;
            }
        }

        return v;
    }

    private static double[] Ratio(double[] num, double[] den)
    {
        var v = new double[Math.Min(num.Length, den.Length)];
        for (int i = 0; i < v.Length; i++)
        {
            v[i] = den[i] > 0 ? 100.0 * num[i] / den[i] : double.NaN;
        }

        return v;
    }

    private static double[] ThpPct(RunSeries r)
    {
        double[] alloc = Item(r, "thp_fault_alloc");
        double[] fallback = Item(r, "thp_fault_fallback");
        var den = new double[Math.Min(alloc.Length, fallback.Length)];
        for (int i = 0; i < den.Length; i++)
        {
            den[i] = alloc[i] + fallback[i];
        }

        return Ratio(alloc, den);
    }

    /// <summary>Seconds as the figure ids print them (<c>4s</c>, <c>2.5s</c>).</summary>
    /// <param name="s">Seconds.</param>
    /// <returns>The text.</returns>
    internal static string Seconds(double s) => s.ToString("0.###", CultureInfo.InvariantCulture) + "s";
}
