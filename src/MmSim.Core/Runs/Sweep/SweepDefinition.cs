using MmSim.Kernel.Designs;
using MmSim.Scenario;

namespace MmSim.Runs.Sweep;

/// <summary>
/// A sweep file, read: a scenario, the values its parameters take (one <see cref="SweepPoint"/> each), the designs
/// and the number of seeds. Every run has an index from 0 to <see cref="Count"/> − 1, points × designs × seeds,
/// seeds varying fastest: index = (point × designs + design) × seeds + seed (docs/sweeps.md).
/// </summary>
/// <param name="SweepPath">The sweep file as given.</param>
/// <param name="ScenarioPath">The scenario file, relative to the current folder (the sweep names it relative to itself).</param>
/// <param name="ScenarioText">The scenario file's text, read once so every run patches the same text.</param>
/// <param name="Designs">The designs, in the sweep's order.</param>
/// <param name="Seeds">Seeds per point and design: the scenario's seed, then +1, +2….</param>
/// <param name="Parameters">The selectors, in column order (first written first).</param>
/// <param name="Points">The points, in run order.</param>
/// <param name="Metrics">Extra summary.json values to put in the table (<c>outcomes.waits.false_aborts</c>), in column order.</param>
public sealed record SweepDefinition(
    string SweepPath,
    string ScenarioPath,
    string ScenarioText,
    IReadOnlyList<Design> Designs,
    int Seeds,
    IReadOnlyList<ScenarioSelector> Parameters,
    IReadOnlyList<SweepPoint> Points,
    IReadOnlyList<string> Metrics)
{
    /// <summary>Runs in the sweep: points × designs × seeds.</summary>
    public int Count => Points.Count * Designs.Count * Seeds;

    /// <summary>What run <paramref name="index"/> is.</summary>
    /// <param name="index">From 0 to <see cref="Count"/> − 1.</param>
    /// <returns>Its point, design and seed offset.</returns>
    public SweepRun RunAt(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        int seed = index % Seeds;
        int design = index / Seeds % Designs.Count;
        int point = index / Seeds / Designs.Count;
        return new SweepRun(index, point, Designs[design], seed);
    }
}

/// <summary>One point of a sweep: a value per parameter.</summary>
/// <param name="Values">One per <see cref="SweepDefinition.Parameters"/> entry, same order; null where a <c>list:</c>
/// point leaves that parameter as the scenario writes it.</param>
public sealed record SweepPoint(IReadOnlyList<PatchValue?> Values);

/// <summary>One run of a sweep.</summary>
/// <param name="Index">Its index.</param>
/// <param name="Point">Its point's position in <see cref="SweepDefinition.Points"/>.</param>
/// <param name="Design">Its design.</param>
/// <param name="SeedOffset">Added to the scenario's seed.</param>
public sealed record SweepRun(int Index, int Point, Design Design, int SeedOffset);
