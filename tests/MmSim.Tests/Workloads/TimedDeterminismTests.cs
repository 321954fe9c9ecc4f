namespace MmSim.Tests.Workloads;

/// <summary>A run of timed workloads is a function of the scenario and the seed.</summary>
public class TimedDeterminismTests
{
    private const long Ms = 1_000_000;

    // Every random choice of the timed workloads: lifetimes, arrivals, orders, files, pages.
    private static readonly string Mixed = TimedHarness.Machine("512MiB") + "workloads:\n"
        + "  - type: anon\n    size: 32MiB\n    thp: madvise\n    lifetime: exp(50ms)\n    repeat: 100\n"
        + "  - type: pagecache\n    files:\n      - { name: a, size: 16MiB }\n      - { name: b, size: 8MiB }\n    read_rate: 20000/s\n    write_rate: 5000/s\n    delete_rate: 20/s\n    pattern: random\n"
        + "  - type: slab\n    reclaimable: true\n    rate: 5000/s\n    orders: {0: 3, 1: 1, 3: 1}\n    lifetime: lognormal(20ms, 1)\n"
        + "  - type: netbuf\n    rate: 20000/s\n    lifetime: uniform(100us, 2ms)\n"
        + "  - type: steps\n    steps:\n      - { at: 150ms, do: drop_caches }\n";

    [Fact]
    public void The_same_seed_gives_the_same_allocation_sequence_and_another_seed_a_different_one()
    {
        List<AllocEvent> first = Run(seed: 7);
        List<AllocEvent> again = Run(seed: 7);
        List<AllocEvent> other = Run(seed: 8);
        Assert.True(first.Count > 10_000, $"{first.Count} events");
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.NotEqual(first.Take(1000), other.Take(1000));
    }

    private static List<AllocEvent> Run(ulong seed)
    {
        var trace = new AllocRecorder();
        var h = TimedHarness.Start(Mixed, seed, trace);
        h.RunUntil(300 * Ms);
        h.Verify($"mixed timed workloads, seed {seed}");
        return trace.Events;
    }
}
