namespace MmSim.Runs;

/// <summary>How to run a scenario.</summary>
public sealed record RunOptions
{
    /// <summary>Seed; null takes the scenario's.</summary>
    public ulong? Seed { get; init; }

    /// <summary>Run the invariant checker after every this many operations (0 = off; 1 = every operation).</summary>
    public long CheckEvery { get; init; }

    /// <summary>Called now and then with (operations done, operations total) for progress display.</summary>
    public Action<long, long>? Progress { get; init; }
}
