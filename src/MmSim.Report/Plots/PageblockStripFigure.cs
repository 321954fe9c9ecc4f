using System.Globalization;
using MmSim.Mm;
using SkiaSharp;

namespace MmSim.Report.Plots;

/// <summary>
/// The pageblock strip: per design (side by side) x = snapshot time, y = pageblock index (PFN order, 0 at the top),
/// colour = migratetype shaded by occupancy. On big machines a pixel row stands for several blocks: their most
/// common migratetype and mean occupancy.
/// </summary>
internal static class PageblockStripFigure
{
    /// <summary>Height of a strip's plot area, px.</summary>
    public const int PlotHeight = 420;

    /// <summary>Width of a strip's plot area, px.</summary>
    public const int PlotWidth = 400;

    private const int Header = 40;
    private const int Label = 22;
    private const int Left = 64;
    private const int Right = 20;
    private const int Bottom = 44;

    /// <summary>Figure size for <paramref name="designs"/> strips.</summary>
    /// <param name="designs">Designs side by side.</param>
    /// <returns>Width and height, px.</returns>
    public static (int Width, int Height) Size(int designs) =>
        (Math.Max(MapLegend.Width + 32, Math.Clamp(designs, 1, PerRow) * Pitch),
         Header + (Math.Max(1, (designs + PerRow - 1) / PerRow) * RowHeight) + LegendHeight);

    // The legend without its marks row: the type swatches and the occupancy ramp with its labels.
    private const int LegendHeight = 68;

    /// <summary>Strips per row of the figure; more designs wrap to further rows.</summary>
    public const int PerRow = 4;

    private const int Pitch = Left + PlotWidth + Right;

    private const int RowHeight = Label + PlotHeight + Bottom;

    /// <summary>Draws the figure.</summary>
    /// <param name="canvas">Where to draw.</param>
    /// <param name="title">Title line.</param>
    /// <param name="designs">Design names.</param>
    /// <param name="runs">Per design its first seed's snapshots (null: no data).</param>
    public static void Draw(SKCanvas canvas, string title, IReadOnlyList<string> designs, IReadOnlyList<PageblockSnapshots?> runs)
    {
        using SKFont titleFont = Palette.Font(18);
        using SKFont font = Palette.Font(14);
        using SKFont small = Palette.Font(12);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        using var line = new SKPaint { Color = SKColors.Black, IsAntialias = false, Style = SKPaintStyle.Stroke, StrokeWidth = 1 };
        using var fill = new SKPaint { IsAntialias = false };
        canvas.DrawText(title, 16, 26, titleFont, ink);
        Span<int> votes = stackalloc int[MigrateTypes.Count];
        for (int d = 0; d < designs.Count; d++)
        {
            float x0 = (d % PerRow * Pitch) + Left;
            float y0 = Header + (d / PerRow * RowHeight) + Label;
            ink.Color = SKColor.Parse(Palette.DesignColour(d));
            canvas.DrawText(designs[d] + (runs[d] is null ? ": no pageblocks.parquet" : ""), x0, y0 - 8, font, ink);
            ink.Color = SKColors.Black;
            if (runs[d] is not { } run || run.Blocks == 0 || run.TimeS.Length == 0)
            {
                continue;
            }

            int snaps = run.TimeS.Length;
            int perRow = (run.Blocks + PlotHeight - 1) / PlotHeight;
            int pixelRows = (run.Blocks + perRow - 1) / perRow;
            float rowH = PlotHeight / (float)pixelRows;
            float colW = PlotWidth / (float)snaps;
            for (int s = 0; s < snaps; s++)
            {
                int row0 = s * run.Blocks;

                // Rows of one colour in a column are drawn as one rectangle: the SVG stays small on big machines.
                SKColor runColour = default;
                int runStart = 0;
                for (int pr = 0; pr <= pixelRows; pr++)
                {
                    SKColor c = pr < pixelRows ? RowColour(run, row0, pr * perRow, Math.Min(run.Blocks, (pr + 1) * perRow), votes) : default;
                    if (pr == pixelRows || (pr > 0 && c != runColour))
                    {
                        fill.Color = runColour;
                        canvas.DrawRect(new SKRect(x0 + (s * colW), y0 + (runStart * rowH), x0 + ((s + 1) * colW), y0 + (pr * rowH)), fill);
                        runStart = pr;
                    }

                    runColour = c;
                }
            }

            canvas.DrawRect(SKRect.Create(x0, y0, PlotWidth, PlotHeight), line);
            Axes(canvas, run, x0, y0, small, ink, line);
        }

        (int _, int height) = Size(designs.Count);
        MapLegend.Draw(canvas, 16, height - LegendHeight + 4, marks: false);
    }

    // The most common migratetype of blocks [first, last) of a snapshot, shaded by their mean occupancy.
    private static SKColor RowColour(PageblockSnapshots run, int row0, int first, int last, Span<int> votes)
    {
        votes.Clear();
        long used = 0;
        for (int b = first; b < last; b++)
        {
            votes[run.Types[row0 + b]]++;
            used += run.Used[row0 + b];
        }

        int mt = 0;
        for (int t = 1; t < votes.Length; t++)
        {
            mt = votes[t] > votes[mt] ? t : mt;
        }

        return Palette.Shaded(mt, used / (double)((last - first) * MmConstants.PageblockNrPages));
    }

    private static void Axes(SKCanvas canvas, PageblockSnapshots run, float x0, float y0, SKFont font, SKPaint ink, SKPaint line)
    {
        // y: block index at 0, ¼, ½, ¾ and the last block.
        for (int k = 0; k <= 4; k++)
        {
            int block = k == 4 ? run.Blocks - 1 : run.Blocks * k / 4;
            float y = y0 + ((block + 0.5f) * PlotHeight / run.Blocks);
            canvas.DrawLine(x0 - 4, y, x0, y, line);
            string text = block.ToString(CultureInfo.InvariantCulture);
            canvas.DrawText(text, x0 - 6 - font.MeasureText(text), y + 4, font, ink);
        }

        // x: the snapshot times at 0, ¼ … end.
        double end = run.TimeS[^1];
        int snaps = run.TimeS.Length;
        for (int k = 0; k <= 4; k++)
        {
            int s = Math.Min(snaps - 1, (snaps - 1) * k / 4);
            float x = x0 + ((s + 0.5f) * PlotWidth / snaps);
            canvas.DrawLine(x, y0 + PlotHeight, x, y0 + PlotHeight + 4, line);
            string text = run.TimeS[s].ToString("0.##", CultureInfo.InvariantCulture);
            canvas.DrawText(text, x - (font.MeasureText(text) / 2), y0 + PlotHeight + 17, font, ink);
        }

        string xl = string.Create(CultureInfo.InvariantCulture, $"simulated time (s), {snaps} snapshots to {end:0.##} s");
        canvas.DrawText(xl, x0 + ((PlotWidth - font.MeasureText(xl)) / 2), y0 + PlotHeight + 34, font, ink);
        canvas.Save();
        canvas.Translate(x0 - 48, y0 + (PlotHeight / 2f));
        canvas.RotateDegrees(-90);
        const string yl = "pageblock (PFN order)";
        canvas.DrawText(yl, -font.MeasureText(yl) / 2, 0, font, ink);
        canvas.Restore();
    }
}
