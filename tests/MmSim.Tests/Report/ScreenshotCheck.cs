using SkiaSharp;

namespace MmSim.Tests.Report;

/// <summary>Tells a rendered page from a blank one: a page with text, a table and pictures has many colours and a
/// good part of its pixels away from the background colour.</summary>
internal static class ScreenshotCheck
{
    /// <summary>Least share of pixels that differ from the most common colour.</summary>
    public const double MinInkFraction = 0.02;

    /// <summary>Least number of distinct colours.</summary>
    public const int MinColours = 16;

    /// <summary>Measures a screenshot.</summary>
    /// <param name="png">PNG bytes.</param>
    /// <returns>Size, distinct colours and the share of non-background pixels.</returns>
    public static (int Width, int Height, int Colours, double InkFraction) Measure(byte[] png)
    {
        using SKBitmap bitmap = SKBitmap.Decode(png) ?? throw new InvalidOperationException("the screenshot is not a decodable PNG");
        SKColor[] pixels = bitmap.Pixels;
        var counts = new Dictionary<uint, int>();
        foreach (SKColor c in pixels)
        {
            uint key = (uint)c;
            counts[key] = counts.TryGetValue(key, out int n) ? n + 1 : 1;
        }

        int background = 0;
        foreach (int n in counts.Values)
        {
            background = Math.Max(background, n);
        }

        return (bitmap.Width, bitmap.Height, counts.Count, pixels.Length == 0 ? 0 : 1.0 - (double)background / pixels.Length);
    }

    /// <summary>Why the screenshot counts as blank, or null when it does not.</summary>
    /// <param name="png">PNG bytes.</param>
    public static string? Blank(byte[] png)
    {
        (int w, int h, int colours, double ink) = Measure(png);
        if (colours < MinColours || ink < MinInkFraction)
        {
            return $"{w}×{h}, {colours} colour(s), {ink:P2} of pixels off the background (need ≥ {MinColours} and ≥ {MinInkFraction:P0})";
        }

        return null;
    }
}
