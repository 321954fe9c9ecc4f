using System.Globalization;
using MmSim.Mm;
using MmSim.Runs.TimeSeries;
using SkiaSharp;

namespace MmSim.Report.Plots;

/// <summary>
/// The pageblock map at one time: per design (side by side) every pageblock as a cell, coloured by migratetype,
/// shaded by occupancy, with a glyph per mark.
/// </summary>
internal static class PageblockMapFigure
{
    private const int Margin = 16;
    private const int Header = 40;
    private const int Label = 24;
    private const int ZoneLine = 16;

    /// <summary>Maps per row of the figure; more designs wrap to further rows.</summary>
    public const int PerRow = 4;

    /// <summary>Figure size for <paramref name="designs"/> maps of <paramref name="layout"/> and <paramref name="zoneLines"/> zone lines.</summary>
    /// <param name="designs">Designs, <see cref="PerRow"/> to a row.</param>
    /// <param name="layout">Each map's layout.</param>
    /// <param name="zoneLines">Zones listed under each map.</param>
    /// <returns>Width and height, px.</returns>
    public static (int Width, int Height) Size(int designs, PageblockMapLayout layout, int zoneLines)
    {
        int cols = Math.Clamp(designs, 1, PerRow);
        int rows = Math.Max(1, (designs + PerRow - 1) / PerRow);
        return (Math.Max(MapLegend.Width + (2 * Margin), Margin + (cols * (layout.Width + (2 * Margin)))),
            Header + (rows * BlockHeight(layout, zoneLines)) + MapLegend.Height);
    }

    /// <summary>The top-left corner of design <paramref name="d"/>'s grid.</summary>
    /// <param name="d">Design index.</param>
    /// <param name="layout">The layout.</param>
    /// <param name="zoneLines">Zones listed under each map.</param>
    /// <returns>x and y, px.</returns>
    public static (float X, float Y) GridOrigin(int d, PageblockMapLayout layout, int zoneLines) =>
        (Margin + (d % PerRow * (layout.Width + (2 * Margin))), Header + (d / PerRow * BlockHeight(layout, zoneLines)) + Label);

    // One design's label, grid and zone lines.
    private static int BlockHeight(PageblockMapLayout layout, int zoneLines) => Label + layout.Height + 8 + (zoneLines * ZoneLine) + 12;

    /// <summary>Draws the figure.</summary>
    /// <param name="canvas">Where to draw.</param>
    /// <param name="title">Title line.</param>
    /// <param name="designs">Design names.</param>
    /// <param name="runs">Per design its first seed's snapshots (null: no data).</param>
    /// <param name="snapshot">Per design the snapshot shown.</param>
    /// <param name="layout">The common layout.</param>
    /// <param name="zoneText">Lines naming the zones' block ranges.</param>
    public static void Draw(SKCanvas canvas, string title, IReadOnlyList<string> designs, IReadOnlyList<PageblockSnapshots?> runs,
        IReadOnlyList<int> snapshot, PageblockMapLayout layout, IReadOnlyList<string> zoneText)
    {
        using SKFont titleFont = Palette.Font(18);
        using SKFont font = Palette.Font(14);
        using SKFont small = Palette.Font(12);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        using var fill = new SKPaint { IsAntialias = false };
        canvas.DrawText(title, Margin, 26, titleFont, ink);
        for (int d = 0; d < designs.Count; d++)
        {
            (float x0, float y0) = GridOrigin(d, layout, zoneText.Count);
            PageblockSnapshots? run = runs[d];
            string label = run is null
                ? designs[d] + ": no pageblocks.parquet"
                : string.Create(CultureInfo.InvariantCulture, $"{designs[d]} at {run.TimeS[snapshot[d]]:0.###} s");
            ink.Color = SKColor.Parse(Palette.DesignColour(d));
            canvas.DrawText(label, x0, y0 - 7, font, ink);
            ink.Color = SKColors.Black;
            if (run is null)
            {
                continue;
            }

            SKRect[] cells = layout.Cells(x0, y0);
            int row0 = snapshot[d] * run.Blocks;
            for (int b = 0; b < cells.Length; b++)
            {
                fill.Color = Palette.Shaded(run.Types[row0 + b], run.Used[row0 + b] / (double)MmConstants.PageblockNrPages);
                canvas.DrawRect(cells[b], fill);
                if (layout.ShowsMarks)
                {
                    DrawMarks(canvas, cells[b], run.Types[row0 + b], (PageblockMarks)run.Marks[row0 + b]);
                }
            }

            float zy = y0 + layout.Height + 8 + 12;
            foreach (string line in zoneText)
            {
                canvas.DrawText(line, x0, zy, small, ink);
                zy += ZoneLine;
            }
        }

        (int _, int height) = Size(designs.Count, layout, zoneText.Count);
        MapLegend.Draw(canvas, Margin, height - MapLegend.Height + 4, marks: layout.ShowsMarks);
    }

    /// <summary>"DMA32: blocks 0–127 (pfn 0x0…)" per zone, from a run's block list.</summary>
    /// <param name="run">Any run's snapshots (every run of a comparison has the same machine).</param>
    /// <returns>One line per zone.</returns>
    public static string[] ZoneLines(PageblockSnapshots run)
    {
        var lines = new List<string>();
        int start = 0;
        for (int b = 1; b <= run.Blocks; b++)
        {
            if (b == run.Blocks || run.Zones[b] != run.Zones[start])
            {
                lines.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{run.Zones[start]}: cells {start}–{b - 1} (pfn 0x{run.Pfns[start]:x}–0x{run.Pfns[b - 1] + MmConstants.PageblockNrPages - 1:x})"));
                start = b;
            }
        }

        return [.. lines];
    }

    private static void DrawMarks(SKCanvas canvas, SKRect cell, byte type, PageblockMarks marks)
    {
        if (marks.HasFlag(PageblockMarks.Unmovable) && type != (byte)MigrateType.Unmovable)
        {
            MapLegend.Glyphs.Unmovable(canvas, cell);
        }

        if (marks.HasFlag(PageblockMarks.Pinned))
        {
            MapLegend.Glyphs.Pinned(canvas, cell);
        }

        if (marks.HasFlag(PageblockMarks.Writeback))
        {
            MapLegend.Glyphs.Writeback(canvas, cell);
        }

        if (marks.HasFlag(PageblockMarks.Offline))
        {
            MapLegend.Glyphs.Offline(canvas, cell);
        }
    }
}
