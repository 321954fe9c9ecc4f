namespace MmSim.Tests.Support;

/// <summary>Seeds for the multi-seed property and invariant tests: each seed is one replayable case.</summary>
internal static class SeedRange
{
    /// <summary>Seeds 1 to <paramref name="last"/>, as theory data.</summary>
    /// <param name="last">The last seed.</param>
    /// <returns>One case per seed.</returns>
    public static TheoryData<int> UpTo(int last)
    {
        var data = new TheoryData<int>();
        for (int seed = 1; seed <= last; seed++)
        {
            data.Add(seed);
        }

        return data;
    }
}
