using System.Diagnostics;
using System.Globalization;
using MmSim.Mm.Trace;
using MmSim.Runs.TimeSeries;
using MmSim.Scenario;

namespace MmSim.Runs;

/// <summary>
/// Runs a scenario into a result folder: the optional ftrace log, the /proc and debugfs snapshots,
/// summary.json, the Parquet time series, and timing.json. Everything but timing.json holds only
/// simulated quantities, so two runs with the same scenario and seed give byte-identical folders.
/// </summary>
/// <remarks>The command line writes config.resolved.yaml before calling <see cref="Execute"/>, so a crash still
/// leaves how to rerun it. File layout and columns: docs/results.md.</remarks>
public static class RunFolder
{
    /// <summary>File name of the wall-clock figures (the one file that differs between identical runs).</summary>
    public const string TimingFile = "timing.json";

    /// <summary>Runs <paramref name="config"/> and writes the result folder.</summary>
    /// <param name="config">Resolved scenario.</param>
    /// <param name="options">Seed, checks and timed-workload factory.</param>
    /// <param name="dir">Result folder (created as needed).</param>
    /// <returns>The summary written to summary.json.</returns>
    public static RunSummary Execute(ScenarioConfig config, RunOptions options, string dir)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(dir);
        var runner = new ScenarioRunner(config, options);
        var wall = Stopwatch.StartNew();
        IReadOnlyList<WorkloadResult> results = config.Kernel.Trace ? RunTraced(runner, dir) : runner.Run();
        double runSeconds = wall.Elapsed.TotalSeconds;
        RunSummary summary = RunSummary.From(config.Name, runner, config.Kernel.Release, results);
        RunOutput.WriteSnapshots(dir, runner.Allocator!, summary, config.Kernel.PageOwner, config.Sysctl);
        CgroupOutput.Write(dir, runner.Kernel!); // memcg
        foreach ((string name, byte[] bytes) in TimeSeriesWriter.Files(runner.TimeSeries!))
        {
            AtomicFile.WriteAllBytes(Path.Combine(dir, name), bytes);
        }

        AtomicFile.WriteAllText(Path.Combine(dir, TimingFile), TimingJson(runSeconds, wall.Elapsed.TotalSeconds, runner));
        return summary;
    }

    private static IReadOnlyList<WorkloadResult> RunTraced(ScenarioRunner runner, string dir)
    {
        string tracePath = Path.Combine(dir, "trace.txt");
        Directory.CreateDirectory(dir);
        string tmp = tracePath + ".tmp";
        IReadOnlyList<WorkloadResult> results;
        using (var w = new StreamWriter(tmp))
        {
            // The whole kmem group, buddy traffic included, so `mmsim trace import --level buddy` can replay it exactly.
            results = runner.Run(new FtraceWriter(w, () => runner.NowNs) { BuddyEvents = true });
        }

        File.Move(tmp, tracePath, overwrite: true);
        return results;
    }

    // Wall-clock and host-memory figures only here: run, boot and total wall time, the engine's events per wall
    // second, and what the process held (the model's per-page arrays, the managed heap after boot, peak RSS).
    private static string TimingJson(double runSeconds, double totalSeconds, ScenarioRunner runner)
    {
        TimedRunResult? timed = runner.Timed;
        long events = timed?.EventsProcessed ?? 0;
        double engineSeconds = timed?.WallSeconds ?? 0;
        double eventsPerSecond = engineSeconds > 0 ? events / engineSeconds : 0;
        Mm.PageAlloc.PgData node = runner.Allocator!.Node;
        return string.Create(CultureInfo.InvariantCulture,
            $"{{\n  \"wall_seconds\": {totalSeconds:F3},\n  \"run_wall_seconds\": {runSeconds:F3},\n" +
            $"  \"boot_wall_seconds\": {runner.BootWallSeconds:F3},\n" +
            $"  \"engine_wall_seconds\": {engineSeconds:F3},\n  \"events_processed\": {events},\n" +
            $"  \"events_per_second\": {eventsPerSecond:F0},\n" +
            $"  \"node_spanned_pages\": {node.NodeSpannedPages},\n" +
            $"  \"memmap_bytes_per_page\": {node.MemmapBytesPerPage:F2},\n" +
            $"  \"gc_heap_bytes_after_boot\": {runner.GcHeapBytesAfterBoot},\n" +
            $"  \"peak_rss_bytes\": {PeakRss.Bytes()}\n}}\n");
    }
}
