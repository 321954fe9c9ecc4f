using MmSim.Kernel;
using MmSim.Workloads;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using MmSim.Bench.PageAlloc;
using MmSim.Mm.PageAlloc;
using MmSim.Runs;
using MmSim.Runs.TimeSeries;
using MmSim.Scenario;
using MmSim.Sim;

namespace MmSim.Bench.Runs;

/// <summary>
/// A timed run on a 16 GiB machine: kswapd0, kcompactd0, khungtaskd, the vmstat worker and the deadlock
/// detector running beside 16 synthetic churn tasks (allocating and freeing through the page
/// allocator) for 5 s of simulated time. The "Events/s" column is engine events per wall second.
/// </summary>
/// <remarks>
/// Run with <c>dotnet run -c Release --project bench/MmSim.Bench -- --filter '*TimedRun*'</c>. Each
/// iteration boots a fresh machine (not timed), so every iteration replays the same deterministic run.
/// </remarks>
[Config(typeof(EventsPerSecondConfig))]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5, invocationCount: 1)]
public class TimedRunBenchmarks
{
    private const int Tasks = 16;
    private const int FillPercent = 70;
    private static readonly long DurationNs = SimTime.FromSeconds(5);

    private static readonly ScenarioConfig Config = ScenarioLoader.LoadFromString(
        "version: 1\nmachine:\n  zones:\n    - name: DMA32\n      size: 4GiB\n    - name: Normal\n      size: 12GiB\nduration: 5s\n",
        "bench.yaml").Config!;

    private PageAllocator alloc = null!;
    private TimeSeriesRecorder recorder = null!;

    /// <summary>
    /// Engine events of one run of <paramref name="method"/>: deterministic, so a dry run in the host process
    /// (where the summary columns are computed) gives the count of every measured run.
    /// </summary>
    /// <param name="method">Benchmark method name.</param>
    /// <returns>Events processed.</returns>
    internal static long CountEvents(string method)
    {
        PageAllocator a = BenchMachines.Boot(16);
        return method == nameof(DaemonsAndChurn) ? Run(a, null) : Run(a, new TimeSeriesRecorder(a, 20, 10));
    }

    /// <summary>Boots a fresh 16 GiB machine.</summary>
    [IterationSetup]
    public void Boot()
    {
        alloc = BenchMachines.Boot(16);
        recorder = new TimeSeriesRecorder(alloc, 20, 10);
    }

    /// <summary>Daemons and churn tasks, no time series.</summary>
    /// <returns>Events processed.</returns>
    [Benchmark]
    public long DaemonsAndChurn() => Run(alloc, null);

    /// <summary>The same with the time-series sampler at 1 s (six samples of a 16 GiB node).</summary>
    /// <returns>Events processed.</returns>
    [Benchmark]
    public long DaemonsChurnAndTimeSeries() => Run(alloc, recorder);

    private static long Run(PageAllocator alloc, TimeSeriesRecorder? series)
    {
        var kernel = LinuxKernel.Create(alloc, KernelFromConfig.Params(Config), 1);
        Simulator sim = kernel.Sim;
        kernel.StartDaemons();
        new SyntheticChurn(Tasks, FillPercent).Start(new WorkloadContext(kernel, new Prng(1)));
        if (series is not null)
        {
            series.Engine = sim;
            series.Sample(0);
            series.StartTimer(sim, SimTime.NsPerSec, DurationNs);
        }

        sim.Run(DurationNs);
        series?.Sample(sim.Now);
        return sim.EventsProcessed;
    }

    /// <summary>Adds the Events/s column.</summary>
    private sealed class EventsPerSecondConfig : ManualConfig
    {
        public EventsPerSecondConfig() => AddColumn(new EventsPerSecondColumn());
    }

    /// <summary>Engine events of the run divided by its mean wall time.</summary>
    private sealed class EventsPerSecondColumn : IColumn
    {
        public string Id => "EventsPerSecond";

        public string ColumnName => "Events/s";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => "Engine events processed per wall-clock second";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            BenchmarkReport? report = summary[benchmarkCase];
            string method = benchmarkCase.Descriptor.WorkloadMethod.Name;
            if (report?.ResultStatistics is not { } stats)
            {
                return "?";
            }

            long events = CountEvents(method);
            double perSecond = events / (stats.Mean / 1e9);
            return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{perSecond / 1e6:F2} M ({events:N0} ev)");
        }

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }
}
