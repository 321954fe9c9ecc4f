namespace MmSim.Report;

/// <summary>
/// A figure's picture as a <c>data:</c> URI, so the report carries its images inside itself and opens from disk
/// without its folder. The PNG is preferred (small, renders the same everywhere); the SVG is the fallback when
/// there is no PNG. A file that is missing or not what its extension says yields no URI and the report says so in
/// place of the picture, instead of showing a broken image.
/// </summary>
internal static class FigureImage
{
    private static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The figure's embedded picture.</summary>
    /// <param name="figure">The figure.</param>
    /// <param name="outDir">The folder its files are relative to.</param>
    /// <returns>The <c>data:</c> URI, or null and why not.</returns>
    public static (string? DataUri, string? Problem) DataUri(Figure figure, string outDir)
    {
        ArgumentNullException.ThrowIfNull(figure);
        byte[]? png = Read(outDir, figure.PngFile);
        if (png is not null && png.AsSpan().StartsWith(PngSignature))
        {
            return ("data:image/png;base64," + Convert.ToBase64String(png), null);
        }

        byte[]? svg = Read(outDir, figure.SvgFile);
        if (svg is not null && LooksLikeSvg(svg))
        {
            return ("data:image/svg+xml;base64," + Convert.ToBase64String(svg), null);
        }

        string pngState = png is null ? "missing" : "not a PNG";
        string svgState = svg is null ? "missing" : "not an SVG";
        return (null, $"picture not available: {figure.PngFile} is {pngState}, {figure.SvgFile} is {svgState}");
    }

    private static byte[]? Read(string outDir, string relative)
    {
        if (string.IsNullOrEmpty(relative))
        {
            return null;
        }

        string path = Path.Combine(outDir, relative);
        return File.Exists(path) ? File.ReadAllBytes(path) : null;
    }

    // An SVG file starts with an XML declaration, a comment or the <svg element itself; looking for "<svg" in the
    // first kilobyte is enough to tell it from an empty or truncated file.
    private static bool LooksLikeSvg(byte[] bytes)
    {
        int n = Math.Min(bytes.Length, 1024);
        return bytes.AsSpan(0, n).IndexOf("<svg"u8) >= 0;
    }
}
