using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace MmSim.Runs.Sweep;

/// <summary>
/// A path to one value of a run's summary.json, for a sweep's extra <c>metrics</c>: keys separated by dots, a list
/// item as <c>[N]</c>, e.g. <c>outcomes.waits.false_aborts</c> or <c>outcomes.steps[0].latency_ns</c>.
/// </summary>
public static partial class SummaryPath
{
    /// <summary>How a path is written, for messages.</summary>
    public const string Syntax = "a summary.json path: keys separated by '.', a list item as [N], e.g. outcomes.waits.false_aborts";

    /// <summary>Parses a path.</summary>
    /// <param name="text">The path.</param>
    /// <param name="segments">Keys and list positions in order (a position as its decimal text in brackets).</param>
    /// <param name="problem">What is wrong, or null.</param>
    /// <returns>Whether it parsed.</returns>
    public static bool TryParse(string text, out IReadOnlyList<string> segments, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        segments = [];
        problem = null;
        if (!PathRegex().IsMatch(text))
        {
            problem = Syntax;
            return false;
        }

        var parts = new List<string>();
        foreach (Match m in SegmentRegex().Matches(text))
        {
            parts.Add(m.Groups[1].Value);
            if (m.Groups[2].Success)
            {
                parts.Add("[" + m.Groups[2].Value + "]");
            }
        }

        segments = parts;
        return true;
    }

    /// <summary>The number at <paramref name="path"/> in <paramref name="summary"/>: a number, or 1/0 for true/false.</summary>
    /// <param name="summary">summary.json, parsed.</param>
    /// <param name="path">The path.</param>
    /// <returns>The value; null when the summary has nothing there or it is not a number or boolean.</returns>
    public static double? Number(JsonElement summary, string path)
    {
        if (!TryParse(path, out IReadOnlyList<string> segments, out _))
        {
            return null;
        }

        JsonElement e = summary;
        foreach (string s in segments)
        {
            if (s[0] == '[')
            {
                int i = int.Parse(s[1..^1], CultureInfo.InvariantCulture);
                if (e.ValueKind != JsonValueKind.Array || i >= e.GetArrayLength())
                {
                    return null;
                }

                e = e[i];
            }
            else if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(s, out e))
            {
                return null;
            }
        }

        return e.ValueKind switch
        {
            JsonValueKind.Number => e.GetDouble(),
            JsonValueKind.True => 1,
            JsonValueKind.False => 0,
            _ => null,
        };
    }

    [GeneratedRegex(@"^[a-z_][a-z0-9_]*(\[[0-9]{1,9}\])?(\.[a-z_][a-z0-9_]*(\[[0-9]{1,9}\])?)*$")]
    private static partial Regex PathRegex();

    [GeneratedRegex(@"([a-z_][a-z0-9_]*)(?:\[([0-9]{1,9})\])?")]
    private static partial Regex SegmentRegex();
}
