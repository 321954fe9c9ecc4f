using System.Text.Json;

namespace MmSim.Runs.Sweep;

/// <summary><c>point.json</c> of a sweep run: which run it is, the parameter values it ran with, its design and seed.</summary>
/// <param name="Index">The run's index.</param>
/// <param name="Point">Its point's position.</param>
/// <param name="Parameters">One per parameter of the sweep, in column order.</param>
/// <param name="Design">The design.</param>
/// <param name="Seed">The seed it ran with.</param>
public sealed record PointJson(int Index, int Point, IReadOnlyList<PointParameter> Parameters, string Design, ulong Seed)
{
    /// <summary>The JSON text (snake_case, indented, one trailing newline).</summary>
    /// <returns>The text.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, RunOutput.Json) + "\n";

    /// <summary>Reads a run folder's point.json.</summary>
    /// <param name="runDir">The run folder.</param>
    /// <returns>The point.</returns>
    /// <exception cref="IOException">It is missing or malformed.</exception>
    public static PointJson Read(string runDir)
    {
        string path = Path.Combine(runDir, SweepFiles.PointFile);
        try
        {
            return JsonSerializer.Deserialize<PointJson>(File.ReadAllText(path), RunOutput.Json) ?? throw new IOException($"{path}: empty");
        }
        catch (JsonException e)
        {
            throw new IOException($"{path}: malformed ({e.Message})", e);
        }
    }
}

/// <summary>One parameter's value in a run.</summary>
/// <param name="Selector">The selector, as the sweep writes it.</param>
/// <param name="Column">Its column in the sweep table.</param>
/// <param name="Value">The value as written in the sweep file; null where the point leaves the scenario's own.</param>
public sealed record PointParameter(string Selector, string Column, string? Value);
