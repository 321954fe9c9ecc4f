using BenchmarkDotNet.Attributes;
using MmSim.Runs;
using MmSim.Scenario;

namespace MmSim.Bench.Runs;

/// <summary>
/// A whole timed run of the <c>thpchallenge</c> preset on a 16 GiB machine (8 s simulated):
/// engine, daemons, page-cache readers, slab churn and THP faults, without writing result files.
/// Events per second = the printed event count divided by the mean time.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 3, invocationCount: 1)]
[MemoryDiagnoser]
public class ThpchallengeBenchmarks
{
    private static readonly ScenarioConfig Config = ScenarioLoader.LoadFromString(
        "version: 1\nname: thpchallenge-16g\nduration: 8s\nsampling_interval: 8s\n"
        + "machine:\n  zones:\n    - name: DMA\n      size: 16MiB\n      reserved: 1MiB\n"
        + "    - name: DMA32\n      size: 3056MiB\n    - name: Normal\n      start_pfn: 0x100000\n      size: 13GiB\n"
        + "workloads:\n  - type: thpchallenge\n",
        "thpchallenge-16g.yaml").Config ?? throw new InvalidOperationException("benchmark scenario does not load");

    /// <summary>Prints the number of engine events of one run, once.</summary>
    [GlobalSetup]
    public void CountEvents() => Console.WriteLine($"// thpchallenge 16 GiB: {Run()} events per run");

    /// <summary>One run.</summary>
    /// <returns>Engine events processed.</returns>
    [Benchmark]
    public long Run()
    {
        var runner = new ScenarioRunner(Config, new RunOptions());
        runner.Run();
        return runner.Timed!.EventsProcessed;
    }
}
