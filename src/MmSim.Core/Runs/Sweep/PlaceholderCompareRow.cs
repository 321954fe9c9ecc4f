using MmSim.Runs.Compare;

namespace MmSim.Runs.Sweep;

/// <summary>
/// Stands in for <see cref="CompareRow.From"/> until the compare part of issue 10 lands on main (it throws there
/// today): the columns a summary gives directly, the rest null. Replaced by <see cref="CompareRow.From"/> at merge.
/// </summary>
internal static class PlaceholderCompareRow
{
    public static CompareRow From(string design, RunSummary s)
    {
        long thp = s.ThpFaultAlloc + s.ThpFaultFallback;
        StepOutcomeSummary? offline = s.Outcomes?.Steps.FirstOrDefault(x => x.Do == "offline");
        return new CompareRow(
            design,
            s.Seed,
            thp == 0 ? null : 100.0 * s.ThpFaultAlloc / thp,
            null,
            s.FreeOrder9Blocks,
            s.Pageblocks[0],
            s.MixedBlocks.Sum(),
            null,
            null,
            offline?.Outcome ?? "none",
            offline is null ? null : offline.LatencyNs / 1e6,
            (s.Outcomes?.TempPagesPeak ?? 0) * 4096.0 / (1 << 20),
            0,
            s.HungTasks.Count,
            s.Deadlocks.Count,
            s.Oom?.Kills ?? 0);
    }
}
