using SkiaSharp;

namespace MmSim.Report.Plots;

/// <summary>
/// Where each pageblock's cell goes in a map: a grid filled row by row in PFN order, one cell per pageblock.
/// The map draws exactly <see cref="Cells"/>, so a test counts what is drawn.
/// </summary>
internal sealed class PageblockMapLayout
{
    /// <summary>The widest a map grows, px.</summary>
    public const int MaxSide = 448;

    private PageblockMapLayout(int blocks, int cols, int cell)
    {
        Blocks = blocks;
        Cols = cols;
        Rows = blocks == 0 ? 0 : (blocks + cols - 1) / cols;
        Cell = cell;
    }

    /// <summary>Pageblocks (cells).</summary>
    public int Blocks { get; }

    /// <summary>Cells per row.</summary>
    public int Cols { get; }

    /// <summary>Rows of cells.</summary>
    public int Rows { get; }

    /// <summary>Cell pitch, px (the cell plus its gap).</summary>
    public int Cell { get; }

    /// <summary>The white gap between cells, px: 1 when cells are big enough to spare it.</summary>
    public int Gap => Cell >= 6 ? 1 : 0;

    /// <summary>Width of the grid, px.</summary>
    public int Width => Cols * Cell;

    /// <summary>Height of the grid, px.</summary>
    public int Height => Rows * Cell;

    /// <summary>Whether cells are big enough for the mark glyphs.</summary>
    public bool ShowsMarks => Cell >= 8;

    /// <summary>The layout for <paramref name="blocks"/> pageblocks: a near-square grid, columns a multiple of 8, cells 2..28 px.</summary>
    /// <param name="blocks">Pageblocks of the machine.</param>
    /// <returns>The layout.</returns>
    public static PageblockMapLayout For(int blocks)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(blocks);
        int cols = Math.Max(8, ((int)Math.Ceiling(Math.Sqrt(blocks)) + 7) / 8 * 8);
        int cell = Math.Clamp(MaxSide / cols, 2, 28);
        return new PageblockMapLayout(blocks, cols, cell);
    }

    /// <summary>The cell of every pageblock, in PFN order, with the grid's top-left corner at (<paramref name="x0"/>, <paramref name="y0"/>).</summary>
    /// <param name="x0">Left, px.</param>
    /// <param name="y0">Top, px.</param>
    /// <returns>One rectangle per pageblock (without the gap).</returns>
    public SKRect[] Cells(float x0, float y0)
    {
        var cells = new SKRect[Blocks];
        float side = Cell - Gap;
        for (int i = 0; i < Blocks; i++)
        {
            cells[i] = SKRect.Create(x0 + ((i % Cols) * Cell), y0 + ((i / Cols) * Cell), side, side);
        }

        return cells;
    }
}
