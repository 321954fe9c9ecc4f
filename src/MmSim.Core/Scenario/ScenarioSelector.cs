using System.Globalization;
using System.Text;

namespace MmSim.Scenario;

/// <summary>
/// A path into a scenario's YAML that a sweep sets, e.g. <c>kernel.writeback_wait_timeout</c>,
/// <c>workloads[0].stall_at</c> or <c>workloads[type=filewrite,file=log].size</c> (docs/sweeps.md).
/// </summary>
/// <remarks>
/// Segments are mapping keys separated by dots; a key may be followed by <c>[N]</c> (the N-th list item,
/// from 0) or <c>[key=value,…]</c> (the one list item, a mapping, whose scalar fields equal those values).
/// The selector works on the YAML text, before the schema reads it, so any field the schema knows can be
/// swept and the schema checks the result exactly as it checks a hand-written scenario.
/// </remarks>
public sealed class ScenarioSelector
{
    private readonly Segment[] _segments;

    private ScenarioSelector(string text, Segment[] segments)
    {
        Text = text;
        _segments = segments;
    }

    /// <summary>The selector as written.</summary>
    public string Text { get; }

    /// <summary>The column name in sweep tables: the selector in snake_case (<c>workloads[0].stall_at</c> → <c>workloads_0_stall_at</c>).</summary>
    public string ColumnName => SnakeCase(Text);

    /// <summary>Lower-cases <paramref name="text"/> and turns every run of other characters than letters and digits into one <c>_</c>.</summary>
    /// <param name="text">A selector or metric path.</param>
    /// <returns>The snake_case name (no leading or trailing <c>_</c>).</returns>
    public static string SnakeCase(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var b = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                b.Append(char.ToLowerInvariant(c));
            }
            else if (b.Length > 0 && b[^1] != '_')
            {
                b.Append('_');
            }
        }

        return b.ToString().TrimEnd('_');
    }

    /// <summary>Parses a selector.</summary>
    /// <param name="text">The selector.</param>
    /// <param name="selector">The selector, or null.</param>
    /// <param name="error">What is wrong, or null.</param>
    /// <returns>Whether it parsed.</returns>
    public static bool TryParse(string text, out ScenarioSelector? selector, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        selector = null;
        error = null;
        var segments = new List<Segment>();
        int i = 0;
        while (true)
        {
            int start = i;
            while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_'))
            {
                i++;
            }

            if (i == start)
            {
                error = $"selector '{text}': expected a field name at character {start + 1} (selectors look like kernel.writeback_wait_timeout, workloads[0].stall_at or workloads[type=filewrite,file=log].size)";
                return false;
            }

            string key = text[start..i];
            int? index = null;
            (string Key, string Value)[]? filter = null;
            if (i < text.Length && text[i] == '[')
            {
                int close = text.IndexOf(']', i);
                if (close < 0)
                {
                    error = $"selector '{text}': '[' at character {i + 1} is not closed";
                    return false;
                }

                string inside = text[(i + 1)..close];
                if (!ParseBracket(inside, out index, out filter))
                {
                    error = $"selector '{text}': '[{inside}]' is neither an index ([0]) nor a filter ([type=filewrite,file=log])";
                    return false;
                }

                i = close + 1;
            }

            segments.Add(new Segment(key, index, filter));
            if (i == text.Length)
            {
                break;
            }

            if (text[i] != '.')
            {
                error = $"selector '{text}': unexpected '{text[i]}' at character {i + 1}; separate fields with '.'";
                return false;
            }

            i++;
        }

        selector = new ScenarioSelector(text, [.. segments]);
        return true;
    }

    private static bool ParseBracket(string inside, out int? index, out (string Key, string Value)[]? filter)
    {
        index = null;
        filter = null;
        if (int.TryParse(inside, NumberStyles.None, CultureInfo.InvariantCulture, out int n))
        {
            index = n;
            return true;
        }

        var pairs = new List<(string, string)>();
        foreach (string part in inside.Split(','))
        {
            int eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || part[..eq].Trim().Length == 0)
            {
                return false;
            }

            pairs.Add((part[..eq].Trim(), part[(eq + 1)..].Trim()));
        }

        filter = [.. pairs];
        return pairs.Count > 0;
    }

    /// <summary>Sets the selected field of <paramref name="root"/> to <paramref name="value"/>, creating the last
    /// key (and missing mappings on the way) when the scenario does not write it.</summary>
    /// <param name="root">The scenario's tree.</param>
    /// <param name="value">The new value.</param>
    /// <param name="resolved">The field path set, with list positions (<c>workloads[1].size</c>), as scenario errors name it.</param>
    /// <returns>Null on success, else what is wrong (one line).</returns>
    internal string? Apply(YNode root, YNode value, out string resolved)
    {
        string? error = Walk(root, value, out resolved);
        return error;
    }

    private string? Walk(YNode root, YNode value, out string resolved)
    {
        resolved = string.Empty;
        YNode current = root;
        string path = string.Empty;
        for (int s = 0; s < _segments.Length; s++)
        {
            Segment seg = _segments[s];
            bool last = s == _segments.Length - 1;
            if (current is not YMapping mapping)
            {
                return $"{Where(path)} is {current.KindName}, not a mapping with a '{seg.Key}' field";
            }

            string keyPath = YamlTree.Join(path, seg.Key);
            int at = mapping.Entries.FindIndex(e => e.Key.Value == seg.Key);
            if (at < 0)
            {
                if (seg.Index is not null || seg.Filter is not null)
                {
                    return $"the scenario has no '{keyPath}' list";
                }

                YNode created = last ? value : new YMapping(value.Start, keyPath);
                mapping.Entries.Add((new YScalar(value.Start, keyPath, seg.Key, true), created));
                current = created;
                path = keyPath;
                resolved = path;
                continue;
            }

            if (seg.Index is null && seg.Filter is null)
            {
                if (last)
                {
                    mapping.Entries[at] = (mapping.Entries[at].Key, value);
                    resolved = keyPath;
                    return null;
                }

                current = mapping.Entries[at].Value;
                path = keyPath;
                continue;
            }

            if (mapping.Entries[at].Value is not YSequence list)
            {
                return $"'{keyPath}' is {mapping.Entries[at].Value.KindName}, not a list";
            }

            int item;
            if (seg.Index is int n)
            {
                if (n >= list.Items.Count)
                {
                    return $"'{keyPath}' has {list.Items.Count} items; [{n}] is out of range (items count from 0)";
                }

                item = n;
            }
            else
            {
                string? error = Match(list, seg.Filter!, keyPath, out item);
                if (error is not null)
                {
                    return error;
                }
            }

            path = $"{keyPath}[{item}]";
            if (last)
            {
                list.Items[item] = value;
                resolved = path;
                return null;
            }

            current = list.Items[item];
        }

        return null;
    }

    private static string? Match(YSequence list, (string Key, string Value)[] filter, string keyPath, out int item)
    {
        item = -1;
        int count = 0;
        for (int i = 0; i < list.Items.Count; i++)
        {
            if (list.Items[i] is YMapping m && Array.TrueForAll(filter, f => m.Entries.Exists(e => e.Key.Value == f.Key && e.Value is YScalar v && v.Value == f.Value)))
            {
                if (count++ == 0)
                {
                    item = i;
                }
            }
        }

        string what = string.Join(",", filter.Select(f => $"{f.Key}={f.Value}"));
        return count switch
        {
            1 => null,
            0 => $"no item of '{keyPath}' has {what}",
            _ => $"{count} items of '{keyPath}' have {what}; add a field to the filter so it selects one",
        };
    }

    private static string Where(string path) => path.Length == 0 ? "the scenario" : $"'{path}'";

    private sealed record Segment(string Key, int? Index, (string Key, string Value)[]? Filter);
}
