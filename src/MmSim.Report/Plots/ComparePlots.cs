using MmSim.Runs.Compare;

namespace MmSim.Report.Plots;

/// <summary>Draws every picture of a comparison from its run folders (time series per design on shared axes,
/// pageblock maps per design at chosen times, and the map strip over time).</summary>
public static class ComparePlots
{
    /// <summary>Writes the figures under <c>DIR/plots/</c>.</summary>
    /// <param name="result">The comparison.</param>
    /// <param name="outDir">The comparison's output folder (the run folders are <see cref="CompareResult.RunDir"/> below it).</param>
    /// <returns>The figures written, in the order the report shows them.</returns>
    /// <remarks>Time series are the mean over every seed of a design; the pageblock maps and the strip show its
    /// first seed (a map cannot be averaged). Every run folder must hold timeseries.parquet and vmstat.parquet; a design
    /// whose first seed lacks pageblocks.parquet (a folder written before it existed) is left blank in the maps.</remarks>
    public static IReadOnlyList<Figure> Write(CompareResult result, string outDir)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(outDir);
        var figures = new List<Func<Figure>>();
        IReadOnlyList<string> designs = result.Designs;

        // Runs are read, and figures drawn, in parallel; each lands at its index, so the order is fixed.
        var series = new RunSeries[designs.Count * result.Seeds.Count];
        Parallel.For(0, series.Length, i => series[i] =
            RunSeries.Read(Path.Combine(outDir, CompareResult.RunDir(designs[i / result.Seeds.Count], result.Seeds[i % result.Seeds.Count]))));
        var runs = new IReadOnlyList<RunSeries>[designs.Count];
        for (int d = 0; d < designs.Count; d++)
        {
            runs[d] = series[(d * result.Seeds.Count)..((d + 1) * result.Seeds.Count)];
        }

        string seedsNote = result.Seeds.Count == 1
            ? $"seed {result.Seeds[0]}"
            : $"mean over seeds {string.Join(", ", result.Seeds)}";
        foreach (TimeSeriesFigures.Spec spec in TimeSeriesFigures.Specs(seedsNote))
        {
            figures.Add(() => FigureFile.Write(outDir, spec.Id, "timeseries", spec.Title, spec.Caption,
                TimeSeriesFigures.Width(spec), TimeSeriesFigures.HeaderHeight(spec, designs) + TimeSeriesFigures.PanelHeight,
                canvas => TimeSeriesFigures.Draw(spec, designs, runs, canvas)));
        }

        figures.AddRange(PageblockFigures(result, outDir));
        var written = new Figure[figures.Count];
        Parallel.For(0, written.Length, i => written[i] = figures[i]());
        return written;
    }

    // Maps at a third, two thirds and the end of the run (the snapshots nearest those times), then the strip;
    // each from the design's first seed.
    private static List<Func<Figure>> PageblockFigures(CompareResult result, string outDir)
    {
        var figures = new List<Func<Figure>>();
        IReadOnlyList<string> designs = result.Designs;
        if (result.Seeds.Count == 0)
        {
            return figures;
        }

        ulong seed = result.Seeds[0];
        var runs = new PageblockSnapshots?[designs.Count];
        Parallel.For(0, designs.Count, d =>
        {
            string dir = Path.Combine(outDir, CompareResult.RunDir(designs[d], seed));
            runs[d] = File.Exists(Path.Combine(dir, Runs.TimeSeries.TimeSeriesWriter.PageblocksFile)) ? PageblockSnapshots.Read(dir) : null;
        });

        PageblockSnapshots? any = runs.FirstOrDefault(r => r is { TimeS.Length: > 0 });
        if (any is null)
        {
            return figures;
        }

        var layout = PageblockMapLayout.For(any.Blocks);
        string[] zoneLines = PageblockMapFigure.ZoneLines(any);
        (int mapW, int mapH) = PageblockMapFigure.Size(designs.Count, layout, zoneLines.Length);
        double end = any.TimeS[^1];
        var seen = new List<string>();
        for (int k = 1; k <= 3; k++)
        {
            double target = end * k / 3;
            int[] snapshot = [.. runs.Select(r => r?.Nearest(target) ?? 0)];
            string at = TimeSeriesFigures.Seconds(any.TimeS[any.Nearest(target)]);
            string id = "pageblock-map-" + at;
            if (seen.Contains(id))
            {
                continue; // a run of few samples: the same snapshot twice
            }

            seen.Add(id);
            string title = $"Pageblock map at {at} (seed {seed})";
            string caption = $"Every pageblock of the machine as one cell ({any.Blocks} cells, PFN order, row by row; zones listed under each map), per design side by side, seed {seed} at the sample nearest {TimeSeriesFigures.Seconds(target)}. " +
                "Colour: the block's migratetype (get_pfnblock_migratetype; isolated blocks are Isolate); shade: occupancy, allocated pages / 512, pale = empty. " +
                "Glyphs (pageblocks.parquet marks): ● an Unmovable allocation in a block of another type, ■ pinned pages, ▲ a folio under writeback, ✕ offline." +
                (layout.ShowsMarks ? "" : " The cells are too small for glyphs on this machine: read the marks from pageblocks.parquet.");
            figures.Add(() => FigureFile.Write(outDir, id, "pageblock-map", title, caption, mapW, mapH,
                canvas => PageblockMapFigure.Draw(canvas, title, designs, runs, snapshot, layout, zoneLines)));
        }

        (int stripW, int stripH) = PageblockStripFigure.Size(designs.Count);
        string stripTitle = $"Pageblocks over time (seed {seed})";
        figures.Add(() => FigureFile.Write(outDir, "pageblock-strip", "pageblock-strip", stripTitle,
            $"Per design, x = the time of each pageblocks.parquet snapshot, y = pageblock index in PFN order (0 at the top), colour = migratetype, shade = occupancy (allocated pages / 512), seed {seed}. " +
            "Offlined blocks stay Isolate with nothing allocated (pale grey). Where the machine has more pageblocks than the strip has pixel rows, a row shows its blocks' most common migratetype and their mean occupancy.",
            stripW, stripH, canvas => PageblockStripFigure.Draw(canvas, stripTitle, designs, runs)));
        return figures;
    }
}
