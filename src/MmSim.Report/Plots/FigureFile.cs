using MmSim.Runs;
using SkiaSharp;

namespace MmSim.Report.Plots;

/// <summary>Writes one drawing as PNG and SVG under <c>plots/</c>, atomically, and describes it as a <see cref="Figure"/>.</summary>
internal static class FigureFile
{
    /// <summary>Folder of the pictures, relative to the comparison's output folder.</summary>
    public const string PlotsDir = "plots";

    /// <summary>Draws <paramref name="draw"/> on a white canvas of <paramref name="width"/> × <paramref name="height"/> and writes both files.</summary>
    /// <param name="outDir">The comparison's output folder.</param>
    /// <param name="id">File stem and figure id.</param>
    /// <param name="kind">Figure kind.</param>
    /// <param name="title">One-line title.</param>
    /// <param name="caption">How to read it.</param>
    /// <param name="width">Pixels.</param>
    /// <param name="height">Pixels.</param>
    /// <param name="draw">Draws the picture; called once per format, so it must draw the same thing each time.</param>
    /// <returns>The figure.</returns>
    public static Figure Write(string outDir, string id, string kind, string title, string caption, int width, int height, Action<SKCanvas> draw)
    {
        string png = Path.Combine(PlotsDir, id + ".png");
        string svg = Path.Combine(PlotsDir, id + ".svg");
        Directory.CreateDirectory(Path.Combine(outDir, PlotsDir));
        AtomicFile.WriteAllBytes(Path.Combine(outDir, png), Png(width, height, draw));
        AtomicFile.WriteAllBytes(Path.Combine(outDir, svg), Svg(width, height, draw));
        return new Figure(id, kind, title, caption, png.Replace('\\', '/'), svg.Replace('\\', '/'), width, height);
    }

    private static byte[] Png(int width, int height, Action<SKCanvas> draw)
    {
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        SKCanvas canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        draw(canvas);
        canvas.Flush();
        using SKImage image = surface.Snapshot();
        using SKData data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    private static byte[] Svg(int width, int height, Action<SKCanvas> draw)
    {
        using var ms = new MemoryStream();
        using (var stream = new SKManagedWStream(ms))
        {
            using SKCanvas canvas = SKSvgCanvas.Create(SKRect.Create(width, height), stream);
            using (var white = new SKPaint { Color = SKColors.White })
            {
                canvas.DrawRect(SKRect.Create(width, height), white);
            }

            draw(canvas);
        }

        return ms.ToArray();
    }
}
