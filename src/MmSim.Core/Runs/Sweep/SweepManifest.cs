using System.Text.Json;

namespace MmSim.Runs.Sweep;

/// <summary>
/// <c>sweep.json</c>: what a sweep folder holds runs of. Every part of a sweep (a shard, an index) writes the same
/// one, so <c>mmsim merge</c> can check that its parts come from one sweep, and build the table without the sweep file.
/// </summary>
/// <param name="Runs">Runs in the whole sweep.</param>
/// <param name="Designs">The designs, in order.</param>
/// <param name="Seeds">Seeds per point and design.</param>
/// <param name="Points">Points in the sweep.</param>
/// <param name="Parameters">The selectors, in column order.</param>
/// <param name="Metrics">The extra summary.json paths, in column order.</param>
public sealed record SweepManifest(int Runs, IReadOnlyList<string> Designs, int Seeds, int Points, IReadOnlyList<string> Parameters, IReadOnlyList<string> Metrics)
{
    /// <summary>The manifest of <paramref name="sweep"/>.</summary>
    /// <param name="sweep">The sweep.</param>
    /// <returns>Its manifest.</returns>
    public static SweepManifest Of(SweepDefinition sweep)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        return new SweepManifest(sweep.Count, [.. sweep.Designs.Select(d => d.Name)], sweep.Seeds, sweep.Points.Count,
            [.. sweep.Parameters.Select(p => p.Text)], sweep.Metrics);
    }

    /// <summary>The JSON text (snake_case, indented, one trailing newline).</summary>
    /// <returns>The text.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, RunOutput.Json) + "\n";

    /// <summary>Reads <c>sweep.json</c> from a sweep folder.</summary>
    /// <param name="dir">The folder.</param>
    /// <returns>The manifest.</returns>
    /// <exception cref="IOException">The folder has no readable sweep.json.</exception>
    public static SweepManifest Read(string dir)
    {
        string path = Path.Combine(dir, SweepFiles.ManifestFile);
        if (!File.Exists(path))
        {
            throw new IOException($"{dir}: not a sweep folder (no {SweepFiles.ManifestFile})");
        }

        try
        {
            return JsonSerializer.Deserialize<SweepManifest>(File.ReadAllText(path), RunOutput.Json)
                ?? throw new IOException($"{path}: empty");
        }
        catch (JsonException e)
        {
            throw new IOException($"{path}: not a sweep manifest ({e.Message})", e);
        }
    }

    /// <summary>Whether two manifests describe the same sweep.</summary>
    /// <param name="other">The other manifest.</param>
    /// <returns>True when every field is equal.</returns>
    public bool SameSweep(SweepManifest other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return ToJson() == other.ToJson();
    }
}
