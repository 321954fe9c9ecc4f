namespace MmSim.Report;

/// <summary>One picture of a comparison, written as PNG and SVG.</summary>
/// <param name="Id">Stable id, also the file stem (<c>timeseries-free-blocks</c>, <c>pageblock-map-5s</c>…).</param>
/// <param name="Kind"><c>timeseries</c>, <c>pageblock-map</c> or <c>pageblock-strip</c>.</param>
/// <param name="Title">What it shows, one line.</param>
/// <param name="Caption">How to read it: axes, colours, marks.</param>
/// <param name="PngFile">The PNG, relative to the comparison's output folder.</param>
/// <param name="SvgFile">The SVG, relative to the comparison's output folder.</param>
/// <param name="Width">Pixel width of the PNG.</param>
/// <param name="Height">Pixel height of the PNG.</param>
public sealed record Figure(string Id, string Kind, string Title, string Caption, string PngFile, string SvgFile, int Width, int Height);
