namespace MmSim.Runs.Compare;

/// <summary>One question of the FUSE writeback thread and the answer the numbers give.</summary>
/// <param name="Id">Stable id (<c>cma_offline</c>, <c>fragmentation</c>, <c>memory_cost</c>, <c>throughput_cost</c>, <c>deadlock</c>…).</param>
/// <param name="Question">The question, as the thread asked it.</param>
/// <param name="Answer">The answer, one line, computed from the rows; it says when the intervals overlap.</param>
public sealed record Verdict(string Id, string Question, string Answer);

/// <summary>Derives the verdicts from a comparison's numbers, never from text written by hand.</summary>
public static class Verdicts
{
    /// <summary>One verdict per question, in a fixed order.</summary>
    /// <param name="result">The comparison.</param>
    /// <returns>The verdicts.</returns>
    public static IReadOnlyList<Verdict> Derive(CompareResult result) =>
        throw new NotImplementedException("issue 10: Verdicts.Derive (compare part)");
}
