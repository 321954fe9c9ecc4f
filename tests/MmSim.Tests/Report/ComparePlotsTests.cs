using System.Buffers.Binary;
using MmSim.Kernel.Designs;
using MmSim.Report;
using MmSim.Report.Plots;
using MmSim.Runs;
using MmSim.Runs.Compare;
using MmSim.Scenario;
using MmSim.Tests.Scenario;

namespace MmSim.Tests.Report;

/// <summary>
/// The pictures of a comparison (issue 10 part 3) drawn from real run folders: the stalled-FUSE-server scenario under
/// two designs, one seed. Every figure exists as PNG and SVG at the size it claims, and the map has one cell per
/// pageblock of the machine.
/// </summary>
public sealed class ComparePlotsTests : IClassFixture<ComparePlotsTests.Comparison>
{
    private readonly Comparison cmp;

    public ComparePlotsTests(Comparison cmp) => this.cmp = cmp;

    [Fact]
    public void Every_figure_is_a_png_of_its_stated_size_and_an_svg_in_report_order()
    {
        IReadOnlyList<Figure> figs = cmp.Figures;
        Assert.Equal(
            ["timeseries-free-blocks", "timeseries-pageblocks", "timeseries-writeback", "timeseries-compaction-thp",
             "pageblock-map-4s", "pageblock-map-8s", "pageblock-map-12s", "pageblock-strip"],
            figs.Select(f => f.Id));
        Assert.Equal(["timeseries", "timeseries", "timeseries", "timeseries", "pageblock-map", "pageblock-map", "pageblock-map", "pageblock-strip"],
            figs.Select(f => f.Kind));
        foreach (Figure f in figs)
        {
            Assert.Equal($"plots/{f.Id}.png", f.PngFile);
            Assert.Equal($"plots/{f.Id}.svg", f.SvgFile);
            (int w, int h) = PngSize(Path.Combine(cmp.Dir, f.PngFile));
            Assert.Equal((f.Width, f.Height), (w, h));
            Assert.True(w >= 600 && h >= 300, $"{f.Id} is {w}x{h}");
            string svg = File.ReadAllText(Path.Combine(cmp.Dir, f.SvgFile));
            Assert.StartsWith("<?xml", svg, StringComparison.Ordinal);
            Assert.Contains("<svg", svg, StringComparison.Ordinal);
            Assert.Contains($"width=\"{f.Width}\"", svg, StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(f.Title));
            Assert.False(string.IsNullOrWhiteSpace(f.Caption));
        }
    }

    [Fact]
    public void A_png_is_not_blank()
    {
        // A time-series figure has its lines in both design colours; a blank or cleared canvas has none.
        byte[] png = File.ReadAllBytes(Path.Combine(cmp.Dir, "plots", "timeseries-free-blocks.png"));
        using var bmp = SkiaSharp.SKBitmap.Decode(png);
        var colours = new HashSet<uint>();
        for (int y = 0; y < bmp.Height; y++)
        {
            for (int x = 0; x < bmp.Width; x++)
            {
                colours.Add((uint)bmp.GetPixel(x, y));
            }
        }

        Assert.Contains((uint)SkiaSharp.SKColor.Parse(Palette.DesignColour(0)), colours);
        Assert.Contains((uint)SkiaSharp.SKColor.Parse(Palette.DesignColour(1)), colours);
    }

    [Fact]
    public void The_map_has_exactly_one_cell_per_pageblock_of_the_machine()
    {
        // The machine: 512 MiB in DMA32, Normal and Movable = 256 pageblocks of 2 MiB.
        PageblockSnapshots run = PageblockSnapshots.Read(Path.Combine(cmp.Dir, CompareResult.RunDir(Comparison.Designs[1], 1)));
        Assert.Equal(256, run.Blocks);
        RunSummary summary = cmp.Summaries[1];
        Assert.Equal(summary.Pageblocks.Sum(), run.Blocks); // every zone still populated under linux-6.18's hung offline

        var layout = PageblockMapLayout.For(run.Blocks);
        Figure map = cmp.Figures.First(f => f.Kind == "pageblock-map");
        for (int d = 0; d < Comparison.Designs.Length; d++)
        {
            (float x0, float y0) = PageblockMapFigure.GridOrigin(d, layout, 3);
            SkiaSharp.SKRect[] cells = layout.Cells(x0, y0);
            Assert.Equal(run.Blocks, cells.Length);

            // Disjoint and inside the picture: counting rectangles counts cells.
            var corners = new HashSet<(float, float)>();
            foreach (SkiaSharp.SKRect c in cells)
            {
                Assert.True(c.Width >= 2 && c.Height >= 2);
                Assert.True(c.Left >= 0 && c.Top >= 0 && c.Right <= map.Width && c.Bottom <= map.Height, $"cell {c} outside {map.Width}x{map.Height}");
                Assert.True(corners.Add((c.Left, c.Top)));
            }

            for (int i = 1; i < cells.Length; i++)
            {
                Assert.False(cells[i].IntersectsWith(cells[i - 1]));
                Assert.False(i >= layout.Cols && cells[i].IntersectsWith(cells[i - layout.Cols]));
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(256)]
    [InlineData(131072)]
    public void Layouts_hold_one_cell_per_block_on_any_machine(int blocks)
    {
        var layout = PageblockMapLayout.For(blocks);
        Assert.Equal(blocks, layout.Cells(0, 0).Length);
        Assert.True(layout.Cols * layout.Rows >= blocks && layout.Cols * (layout.Rows - 1) < blocks);
        Assert.InRange(layout.Width, 1, 1024);
    }

    [Fact]
    public void The_map_draws_the_recorded_state_at_its_time()
    {
        // linux-6.18 keeps the stuck folios under writeback: the last map has blocks under writeback, in the pixels
        // of a cell drawn in a migratetype colour.
        PageblockSnapshots run = PageblockSnapshots.Read(Path.Combine(cmp.Dir, CompareResult.RunDir(Comparison.Designs[1], 1)));
        int last = run.TimeS.Length - 1;
        int marked = Enumerable.Range(0, run.Blocks).Count(b => (run.Marks[(last * run.Blocks) + b] & (int)MmSim.Runs.TimeSeries.PageblockMarks.Writeback) != 0);
        Assert.True(marked > 0);

        Figure map = cmp.Figures.Single(f => f.Id == "pageblock-map-12s");
        using var bmp = SkiaSharp.SKBitmap.Decode(File.ReadAllBytes(Path.Combine(cmp.Dir, map.PngFile)));
        var layout = PageblockMapLayout.For(run.Blocks);
        (float x0, float y0) = PageblockMapFigure.GridOrigin(1, layout, 3);
        SkiaSharp.SKRect[] cells = layout.Cells(x0, y0);
        for (int b = 0; b < run.Blocks; b++)
        {
            // The cell's top-right corner is free of glyphs unless pinned or offline: its colour is the block's shaded type.
            int row = (last * run.Blocks) + b;
            if ((run.Marks[row] & (int)(MmSim.Runs.TimeSeries.PageblockMarks.Pinned | MmSim.Runs.TimeSeries.PageblockMarks.Offline)) != 0)
            {
                continue;
            }

            SkiaSharp.SKColor want = Palette.Shaded(run.Types[row], run.Used[row] / 512.0);
            SkiaSharp.SKColor got = bmp.GetPixel((int)(cells[b].Right - 2), (int)(cells[b].Top + 2));
            Assert.Equal(want, got);
        }
    }

    private static (int W, int H) PngSize(string path)
    {
        // PNG signature, then the IHDR chunk: length, "IHDR", width and height big-endian.
        byte[] head = new byte[24];
        using (FileStream f = File.OpenRead(path))
        {
            f.ReadExactly(head);
        }

        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], head[..4]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(head, 12, 4));
        return (BinaryPrimitives.ReadInt32BigEndian(head.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(head.AsSpan(20)));
    }

    /// <summary>Two designs, seed 1, of the shipped stalled-server scenario, and their pictures.</summary>
    public sealed class Comparison : IDisposable
    {
        public static readonly string[] Designs = ["linux-6.15", "linux-6.18"];

        public Comparison()
        {
            string path = Path.Combine(TestFiles.RepoRoot, "scenarios", "default.yaml");
            var summaries = new List<RunSummary>();
            foreach (string design in Designs)
            {
                ScenarioConfig config = ScenarioLoader.Load(path, MmSim.Kernel.Designs.Designs.Get(design)).Config
                    ?? throw new InvalidOperationException("default.yaml (the stalled FUSE server) does not load");
                summaries.Add(RunFolder.Execute(config, new RunOptions { Seed = 1 }, Path.Combine(Dir, CompareResult.RunDir(design, 1))));
            }

            Summaries = summaries;
            var result = new CompareResult("fuse-stalled-server", path, File.ReadAllText(path), "mmsim compare", Designs, [1UL], []);
            Figures = ComparePlots.Write(result, Dir);
        }

        public string Dir { get; } = Path.Combine(Path.GetTempPath(), "mmsim-plots-" + Guid.NewGuid().ToString("N"));

        public IReadOnlyList<RunSummary> Summaries { get; }

        public IReadOnlyList<Figure> Figures { get; }

        public void Dispose()
        {
            if (Directory.Exists(Dir))
            {
                Directory.Delete(Dir, recursive: true);
            }
        }
    }
}
