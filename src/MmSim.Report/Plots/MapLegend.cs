using MmSim.Mm;
using SkiaSharp;

namespace MmSim.Report.Plots;

/// <summary>The legend of the pageblock pictures: migratetype colours, the occupancy shading and the mark glyphs.</summary>
internal static class MapLegend
{
    /// <summary>Height of the legend, px.</summary>
    public const int Height = 84;

    /// <summary>Width the legend needs, px.</summary>
    public const int Width = 900;

    /// <summary>Draws the legend with its top-left at (<paramref name="x"/>, <paramref name="y"/>).</summary>
    /// <param name="canvas">Where to draw.</param>
    /// <param name="x">Left, px.</param>
    /// <param name="y">Top, px.</param>
    /// <param name="marks">Draw the marks row (the map has glyphs; the strip has none).</param>
    public static void Draw(SKCanvas canvas, float x, float y, bool marks)
    {
        using SKFont font = Palette.Font(13);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        using var fill = new SKPaint { IsAntialias = false };
        float cx = x;
        canvas.DrawText("migratetype:", cx, y + 13, font, ink);
        cx += 92;
        for (int mt = 0; mt < MigrateTypes.Count; mt++)
        {
            fill.Color = Palette.TypeColour(mt);
            canvas.DrawRect(SKRect.Create(cx, y + 1, 14, 14), fill);
            canvas.DrawText(MigrateTypes.Names[mt], cx + 19, y + 13, font, ink);
            cx += 24 + font.MeasureText(MigrateTypes.Names[mt]) + 14;
        }

        // The occupancy ramp, shown on Movable.
        float ry = y + 28;
        canvas.DrawText("occupancy (allocated pages / 512):", x, ry + 13, font, ink);
        float rx = x + 240;
        for (int i = 0; i <= 10; i++)
        {
            fill.Color = Palette.Shaded((int)MigrateType.Movable, i / 10.0);
            canvas.DrawRect(SKRect.Create(rx + (i * 22), ry + 1, 22, 14), fill);
        }

        canvas.DrawText("0 %", rx - 2, ry + 30, font, ink);
        canvas.DrawText("100 %", rx + (11 * 22) - 30, ry + 30, font, ink);

        if (!marks)
        {
            return;
        }

        float my = y + 66;
        float mx = x;
        canvas.DrawText("marks:", mx, my + 4, font, ink);
        mx += 56;
        foreach ((string label, Action<SKCanvas, SKRect> glyph) in Glyphs.All)
        {
            var box = SKRect.Create(mx, my - 12, 24, 24);
            fill.Color = Palette.Shaded((int)MigrateType.Movable, 0.5);
            canvas.DrawRect(box, fill);
            glyph(canvas, box);
            canvas.DrawText(label, mx + 26, my + 4, font, ink);
            mx += 34 + font.MeasureText(label) + 16;
        }
    }

    /// <summary>The mark glyphs, one corner of the cell each so several can show at once.</summary>
    internal static class Glyphs
    {
        /// <summary>Legend text and glyph, in legend order.</summary>
        public static readonly (string Label, Action<SKCanvas, SKRect> Draw)[] All =
        [
            ("unmovable pages (non-Unmovable block)", Unmovable),
            ("pinned pages", Pinned),
            ("under writeback", Writeback),
            ("offline", Offline),
        ];

        /// <summary>A filled circle, top left.</summary>
        public static void Unmovable(SKCanvas canvas, SKRect cell)
        {
            float r = Math.Max(1.5f, cell.Width * 0.16f);
            Outlined(canvas, p => canvas.DrawCircle(cell.Left + (cell.Width * 0.28f), cell.Top + (cell.Height * 0.28f), r, p));
        }

        /// <summary>A filled square, top right.</summary>
        public static void Pinned(SKCanvas canvas, SKRect cell)
        {
            float s = Math.Max(3f, cell.Width * 0.28f);
            Outlined(canvas, p => canvas.DrawRect(SKRect.Create(cell.Right - (cell.Width * 0.14f) - s, cell.Top + (cell.Height * 0.14f), s, s), p));
        }

        /// <summary>A filled triangle, bottom.</summary>
        public static void Writeback(SKCanvas canvas, SKRect cell)
        {
            using var path = new SKPath();
            float cx = cell.MidX;
            float b = cell.Bottom - (cell.Height * 0.12f);
            float h = Math.Max(3.5f, cell.Height * 0.34f);
            path.MoveTo(cx, b - h);
            path.LineTo(cx + (h * 0.6f), b);
            path.LineTo(cx - (h * 0.6f), b);
            path.Close();
            Outlined(canvas, p => canvas.DrawPath(path, p));
        }

        /// <summary>A diagonal cross over the whole cell.</summary>
        public static void Offline(SKCanvas canvas, SKRect cell)
        {
            using var p = new SKPaint { Color = new SKColor(0x30, 0x30, 0x30), StrokeWidth = Math.Max(1, cell.Width / 12), IsAntialias = true, Style = SKPaintStyle.Stroke };
            canvas.DrawLine(cell.Left, cell.Top, cell.Right, cell.Bottom, p);
            canvas.DrawLine(cell.Right, cell.Top, cell.Left, cell.Bottom, p);
        }

        // Black with a white edge, so a glyph reads on every cell colour.
        private static void Outlined(SKCanvas canvas, Action<SKPaint> shape)
        {
            using var edge = new SKPaint { Color = SKColors.White, Style = SKPaintStyle.Stroke, StrokeWidth = 1.5f, IsAntialias = true };
            using var body = new SKPaint { Color = SKColors.Black, Style = SKPaintStyle.Fill, IsAntialias = true };
            shape(edge);
            shape(body);
        }
    }
}
