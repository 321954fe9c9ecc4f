using System.Text.Json.Serialization;

namespace MmSim.Runs.Compare;

/// <summary>A finished comparison: one scenario, its designs and seeds, and one row per run.</summary>
/// <param name="Scenario">The scenario's name.</param>
/// <param name="ScenarioPath">The scenario file as given on the command line.</param>
/// <param name="ScenarioYaml">The scenario file's text, as written (the report shows it).</param>
/// <param name="Command">The exact command line that reproduces the comparison.</param>
/// <param name="Designs">The designs, in the table's column order.</param>
/// <param name="Seeds">The seeds, in order.</param>
/// <param name="Rows">One row per design and seed, design-major, in <paramref name="Designs"/> then <paramref name="Seeds"/> order.</param>
public sealed record CompareResult(
    string Scenario,
    string ScenarioPath,
    string ScenarioYaml,
    string Command,
    IReadOnlyList<string> Designs,
    IReadOnlyList<ulong> Seeds,
    IReadOnlyList<CompareRow> Rows)
{
    /// <summary>Runs the comparison was to make when it was interrupted (Ctrl-C, SIGTERM) before all finished: then
    /// <see cref="Rows"/> holds only the finished ones. Null (and absent from compare.json) for a complete one.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? RunsPlanned { get; init; }

    /// <summary>What the table says of an interrupted comparison; null for a complete one.</summary>
    [JsonIgnore]
    public string? InterruptedNote => RunsPlanned is int planned
        ? $"interrupted: {Rows.Count} of {planned} runs finished; the table covers those"
        : null;

    /// <summary>The folder of one run, relative to the comparison's output folder.</summary>
    /// <param name="design">The design.</param>
    /// <param name="seed">The seed.</param>
    /// <returns><c>DESIGN/seedN</c>.</returns>
    public static string RunDir(string design, ulong seed) => Path.Combine(design, $"seed{seed}");
}
