using MmSim.Mm;
using SkiaSharp;

namespace MmSim.Report.Plots;

/// <summary>The fixed colours of the pictures: one per design by its position, one per migratetype, and the text font.</summary>
internal static class Palette
{
    // Tableau 10, then six darker hues: every shipped design (eleven) gets its own colour.
    private static readonly string[] DesignHex =
    [
        "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
        "#000000", "#393b79", "#8c6d31", "#843c39", "#7b4173", "#637939",
    ];

    // Unmovable red (it fragments), Movable green, Reclaimable blue, HighAtomic purple, CMA orange, Isolate grey.
    private static readonly SKColor[] TypeColours =
    [
        SKColor.Parse("#c62828"), SKColor.Parse("#2e7d32"), SKColor.Parse("#1565c0"),
        SKColor.Parse("#6a1b9a"), SKColor.Parse("#ef6c00"), SKColor.Parse("#616161"),
    ];

    private static readonly Lazy<SKTypeface> Face = new(LoadFace);

    /// <summary>The typeface of text drawn outside ScottPlot.</summary>
    public static SKTypeface Typeface => Face.Value;

    /// <summary>The colour of the design at <paramref name="index"/> in the comparison's order (cycling after ten).</summary>
    /// <param name="index">Position of the design.</param>
    /// <returns>Hex colour.</returns>
    public static string DesignColour(int index) => DesignHex[index % DesignHex.Length];

    /// <summary>The colour of a migratetype.</summary>
    /// <param name="mt">Migratetype index.</param>
    /// <returns>The full colour (an entirely allocated block).</returns>
    public static SKColor TypeColour(int mt) => TypeColours[Math.Clamp(mt, 0, MigrateTypes.Count - 1)];

    /// <summary>A migratetype's colour shaded by occupancy: near white when empty, full when every page is allocated.</summary>
    /// <param name="mt">Migratetype index.</param>
    /// <param name="occupancy">Allocated pages / pageblock_nr_pages, 0..1.</param>
    /// <returns>The cell colour.</returns>
    public static SKColor Shaded(int mt, double occupancy)
    {
        SKColor c = TypeColour(mt);
        double a = 0.15 + (0.85 * Math.Clamp(occupancy, 0, 1));
        return new SKColor(Mix(c.Red, a), Mix(c.Green, a), Mix(c.Blue, a));
    }

    /// <summary>A font of <paramref name="size"/> pixels in <see cref="Typeface"/>.</summary>
    /// <param name="size">Text size, px.</param>
    /// <returns>The font (caller disposes).</returns>
    public static SKFont Font(float size) => new(Typeface, size);

    private static byte Mix(byte full, double a) => (byte)Math.Round(255 - ((255 - full) * a));

    // SkiaSharp's dependency-free Linux build finds no fonts through fontconfig, so load DejaVu Sans from the
    // usual places (Debian's fonts-dejavu-core), and fall back to whatever Skia has.
    private static SKTypeface LoadFace()
    {
        string[] candidates =
        [
            "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
            "/usr/share/fonts/TTF/DejaVuSans.ttf",
            "/usr/share/fonts/dejavu/DejaVuSans.ttf",
        ];
        foreach (string path in candidates)
        {
            if (File.Exists(path) && SKTypeface.FromFile(path) is { } face)
            {
                return face;
            }
        }

        return SKTypeface.FromFamilyName("DejaVu Sans") ?? SKTypeface.Default;
    }
}
