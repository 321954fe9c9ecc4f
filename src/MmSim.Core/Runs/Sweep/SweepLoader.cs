using System.Globalization;
using MmSim.Kernel.Designs;
using MmSim.Runs.Compare;
using MmSim.Scenario;

namespace MmSim.Runs.Sweep;

/// <summary>The outcome of reading a sweep file: the sweep, or every problem found.</summary>
/// <param name="Sweep">The sweep; null whenever <paramref name="Errors"/> is not empty.</param>
/// <param name="Errors">Every problem, in file order, as <c>FILE:LINE:COL: field: message</c>.</param>
public sealed record SweepLoadResult(SweepDefinition? Sweep, IReadOnlyList<ScenarioError> Errors);

/// <summary>
/// Reads sweep files (docs/sweeps.md): <c>scenario</c>, <c>designs</c>, <c>seeds</c>, a <c>grid</c> or a <c>list</c>
/// of parameter values, and <c>metrics</c>. Problems are reported like a scenario's, one line each with the file,
/// line, column and field; a selector that does not fit the scenario is reported where the sweep writes it.
/// </summary>
public static class SweepLoader
{
    /// <summary>Most runs one sweep may have.</summary>
    public const int RunsMax = 1_000_000;

    /// <summary>Most seeds per point and design.</summary>
    public const int SeedsMax = 10_000;

    private static readonly string[] Keys = ["version", "scenario", "designs", "seeds", "grid", "list", "metrics"];

    /// <summary>Reads a sweep file and the scenario it names.</summary>
    /// <param name="path">The sweep file; messages name it as given.</param>
    /// <returns>The sweep, or the problems.</returns>
    public static SweepLoadResult Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!TryRead(path, "sweep file", out string text, out string? problem))
        {
            return new SweepLoadResult(null, [new ScenarioError(path, 0, 0, string.Empty, problem!)]);
        }

        return LoadFromString(text, path);
    }

    /// <summary>Reads sweep text; the scenario path in it is relative to the folder of <paramref name="path"/>.</summary>
    /// <param name="text">The YAML text.</param>
    /// <param name="path">The file name for messages.</param>
    /// <returns>The sweep, or the problems.</returns>
    public static SweepLoadResult LoadFromString(string text, string path)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(path);
        var errors = new List<ScenarioError>();
        YNode? root = YamlTree.Load(text, path, errors);
        if (errors.Count > 0)
        {
            return new SweepLoadResult(null, errors);
        }

        if (root is not YMapping map)
        {
            errors.Add(new ScenarioError(path, root?.Start.Line ?? 1, root?.Start.Column ?? 1, string.Empty,
                "a sweep file is a YAML mapping with 'scenario', 'designs', 'seeds' and a 'grid' or a 'list'"));
            return new SweepLoadResult(null, errors);
        }

        var r = new Reader(path, errors);
        SweepDefinition? sweep = r.Read(map);
        return new SweepLoadResult(errors.Count == 0 ? sweep : null, [.. errors.OrderBy(e => e.Line).ThenBy(e => e.Column)]);
    }

    /// <summary>Loads the scenario of one point under one design, or the problems, located in the sweep file.</summary>
    /// <param name="sweep">The sweep.</param>
    /// <param name="point">The point's position.</param>
    /// <param name="design">The design.</param>
    /// <param name="errors">Problems are added here.</param>
    /// <returns>The config, or null after adding the problems.</returns>
    public static ScenarioConfig? LoadPoint(SweepDefinition sweep, int point, Design design, List<ScenarioError> errors) =>
        LoadPoint(sweep, point, design, errors, null);

    /// <summary>As <see cref="LoadPoint(SweepDefinition, int, Design, List{ScenarioError})"/>; a problem whose sweep
    /// location and scenario message are in <paramref name="seen"/> already is not added again (one bad value
    /// fails every point and design it is in: it is reported once, with the first).</summary>
    internal static ScenarioConfig? LoadPoint(SweepDefinition sweep, int point, Design design, List<ScenarioError> errors, HashSet<string>? seen)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        ArgumentNullException.ThrowIfNull(errors);
        PatchValue[] values = [.. sweep.Points[point].Values.OfType<PatchValue>()];
        LoadResult result = ScenarioPatch.Load(sweep.ScenarioText, sweep.ScenarioPath, values, design, out _, out string[] resolved);
        if (result.Success)
        {
            return result.Config;
        }

        string what = values.Length == 0 ? string.Empty : " with " + string.Join(", ", values.Select(v => $"{v.Selector.Text}={v.Text}"));
        foreach (ScenarioError e in result.Errors)
        {
            int at = Array.FindIndex(resolved, r => r.Length > 0 && (e.FieldPath == r || e.FieldPath.StartsWith(r + ".", StringComparison.Ordinal) || e.FieldPath.StartsWith(r + "[", StringComparison.Ordinal)));
            if (at < 0 && e.Line == 0 && e.FieldPath.Length > 0)
            {
                at = Array.FindIndex(values, v => v.Selector.Text == e.FieldPath);
            }

            PatchValue? v = at >= 0 ? values[at] : values.FirstOrDefault();
            if (seen is not null && !seen.Add(string.Create(CultureInfo.InvariantCulture, $"{v?.Line}:{v?.Column}:{e.FieldPath}:{e.Message}")))
            {
                continue;
            }

            string field = e.FieldPath.Length > 0 ? $"{e.FieldPath}: " : string.Empty;
            errors.Add(v is null
                ? new ScenarioError(sweep.SweepPath, 0, 0, "scenario", $"{sweep.ScenarioPath} under {design.Name}: {field}{e.Message}")
                : new ScenarioError(sweep.SweepPath, v.Line, v.Column, v.FieldPath, $"point {point}{what}, under {design.Name}: the scenario's {field}{e.Message}"));
        }

        return null;
    }

    internal static bool TryRead(string path, string what, out string text, out string? problem)
    {
        text = string.Empty;
        problem = null;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                problem = $"{what} not found";
                return false;
            }

            if (info.Length > ScenarioLoader.FileBytesMax)
            {
                problem = $"{what} is {Units.FormatSize(info.Length)}; at most {Units.FormatSize(ScenarioLoader.FileBytesMax)}";
                return false;
            }

            text = File.ReadAllText(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            problem = $"cannot read the {what}: {e.Message}";
            return false;
        }
    }

    private sealed class Reader(string file, List<ScenarioError> errors)
    {
        public SweepDefinition? Read(YMapping map)
        {
            foreach ((YScalar key, YNode _) in map.Entries)
            {
                if (Array.IndexOf(Keys, key.Value) < 0)
                {
                    Error(key, key.Value, $"unknown key '{key.Value}'; a sweep has {string.Join(", ", Keys)}");
                }
            }

            if (Get(map, "version") is { } version && (version is not YScalar { Value: "1" }))
            {
                Error(version, "version", "the sweep file format is version 1");
            }

            string? scenarioPath = null;
            string? scenarioText = null;
            YNode? scenario = Get(map, "scenario");
            if (scenario is null)
            {
                errors.Add(new ScenarioError(file, map.Start.Line, map.Start.Column, "scenario", "missing: the scenario file to sweep, relative to this file"));
            }
            else if (scenario is not YScalar { IsNull: false, Value.Length: > 0 } s)
            {
                Error(scenario, "scenario", "the scenario file to sweep (a path relative to this file)");
            }
            else
            {
                string dir = Path.GetDirectoryName(file) ?? string.Empty;
                scenarioPath = Path.IsPathRooted(s.Value) ? s.Value : Path.Combine(dir, s.Value);
                if (!TryRead(scenarioPath, "scenario file", out string t, out string? problem))
                {
                    Error(scenario, "scenario", $"{scenarioPath}: {problem}");
                    scenarioPath = null;
                }
                else
                {
                    scenarioText = t;
                }
            }

            IReadOnlyList<Design> designs = ReadDesigns(Get(map, "designs"));
            int seeds = ReadSeeds(Get(map, "seeds"));
            var parameters = new List<(ScenarioSelector Selector, YScalar Key)>();
            List<PatchValue?[]> points = ReadPoints(map, parameters);
            List<string> metrics = ReadMetrics(Get(map, "metrics"));
            CheckColumns(parameters, metrics, Get(map, "metrics"));
            if (scenarioPath is null || scenarioText is null)
            {
                return null;
            }

            CheckSelectorsFit(scenarioText, scenarioPath, parameters, points);
            if (errors.Count > 0)
            {
                return null;
            }

            long count = (long)points.Count * designs.Count * seeds;
            if (count > RunsMax)
            {
                errors.Add(new ScenarioError(file, map.Start.Line, map.Start.Column, string.Empty,
                    string.Create(CultureInfo.InvariantCulture, $"{points.Count} points × {designs.Count} designs × {seeds} seeds is {count} runs; a sweep has at most {RunsMax}")));
            }

            return new SweepDefinition(file, scenarioPath, scenarioText, designs, seeds, [.. parameters.Select(p => p.Selector)],
                [.. points.Select(p => new SweepPoint(p))], metrics);
        }

        private IReadOnlyList<Design> ReadDesigns(YNode? node)
        {
            if (node is null)
            {
                return Designs.All;
            }

            if (node is not YSequence { Items.Count: > 0 } list)
            {
                Error(node, "designs", $"a list of design names (see 'mmsim designs'), e.g. [{Designs.DefaultName}]");
                return [];
            }

            var designs = new List<Design>();
            foreach (YNode item in list.Items)
            {
                if (item is not YScalar s || Designs.Find(s.Value) is not { } d)
                {
                    Error(item, item.Path, item is YScalar n ? Designs.UnknownMessage(n.Value) : "a design name");
                }
                else if (designs.Contains(d))
                {
                    Error(item, item.Path, $"'{d.Name}' is listed twice");
                }
                else
                {
                    designs.Add(d);
                }
            }

            return designs;
        }

        private int ReadSeeds(YNode? node)
        {
            if (node is null)
            {
                return 1;
            }

            if (node is YScalar s && int.TryParse(s.Value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1 && n <= SeedsMax)
            {
                return n;
            }

            Error(node, "seeds", $"the number of seeds per point and design, 1 .. {SeedsMax}");
            return 1;
        }

        private List<PatchValue?[]> ReadPoints(YMapping map, List<(ScenarioSelector, YScalar)> parameters)
        {
            YNode? grid = Get(map, "grid");
            YNode? list = Get(map, "list");
            if (grid is not null && list is not null)
            {
                Error(list, "list", "a sweep has a 'grid' or a 'list', not both");
                return [];
            }

            if (grid is not null)
            {
                return ReadGrid(grid, parameters);
            }

            return list is not null ? ReadList(list, parameters) : [[]];
        }

        // The cartesian product, the first parameter varying slowest (nested loops in file order).
        private List<PatchValue?[]> ReadGrid(YNode grid, List<(ScenarioSelector, YScalar)> parameters)
        {
            if (grid is not YMapping { Entries.Count: > 0 } m)
            {
                Error(grid, "grid", "a mapping of selector → list of values, e.g. 'kernel.writeback_wait_timeout: [100ms, 1s]'");
                return [];
            }

            var axes = new List<List<PatchValue>>();
            foreach ((YScalar key, YNode value) in m.Entries)
            {
                ScenarioSelector? selector = Selector(key);
                if (selector is null)
                {
                    continue;
                }

                parameters.Add((selector, key));
                var values = new List<PatchValue>();
                if (value is YSequence seq)
                {
                    if (seq.Items.Count == 0)
                    {
                        Error(value, value.Path, "no values: give at least one");
                    }

                    values.AddRange(seq.Items.Select(v => new PatchValue(selector, v)));
                }
                else
                {
                    values.Add(new PatchValue(selector, value));
                }

                axes.Add(values);
            }

            var points = new List<PatchValue?[]> { Array.Empty<PatchValue?>() };
            foreach (List<PatchValue> axis in axes)
            {
                var next = new List<PatchValue?[]>(points.Count * Math.Max(1, axis.Count));
                foreach (PatchValue?[] p in points)
                {
                    foreach (PatchValue v in axis)
                    {
                        next.Add([.. p, v]);
                    }
                }

                points = next;
                if (points.Count > RunsMax)
                {
                    Error(grid, "grid", $"the grid has more than {RunsMax} points");
                    return [];
                }
            }

            return points;
        }

        private List<PatchValue?[]> ReadList(YNode list, List<(ScenarioSelector Selector, YScalar Key)> parameters)
        {
            if (list is not YSequence { Items.Count: > 0 } seq)
            {
                Error(list, "list", "a list of points, each a mapping of selector → value, e.g. '- { kernel.writeback_wait_timeout: 1s }'");
                return [];
            }

            var raw = new List<List<(int Column, PatchValue Value)>>();
            foreach (YNode item in seq.Items)
            {
                var point = new List<(int, PatchValue)>();
                raw.Add(point);
                if (item is not YMapping { Entries.Count: > 0 } m)
                {
                    Error(item, item.Path, "a point is a mapping of selector → value");
                    continue;
                }

                foreach ((YScalar key, YNode value) in m.Entries)
                {
                    int column = parameters.FindIndex(p => p.Selector.Text == key.Value);
                    if (column < 0 && Selector(key) is { } selector)
                    {
                        parameters.Add((selector, key));
                        column = parameters.Count - 1;
                    }

                    if (column >= 0)
                    {
                        point.Add((column, new PatchValue(parameters[column].Selector, value)));
                    }
                }
            }

            var points = new List<PatchValue?[]>();
            foreach (var point in raw)
            {
                var values = new PatchValue?[parameters.Count];
                foreach ((int column, PatchValue value) in point)
                {
                    values[column] = value;
                }

                points.Add(values);
            }

            return points;
        }

        private List<string> ReadMetrics(YNode? node)
        {
            var metrics = new List<string>();
            if (node is null)
            {
                return metrics;
            }

            if (node is not YSequence seq)
            {
                Error(node, "metrics", "a list of summary.json paths, e.g. [outcomes.waits.false_aborts]");
                return metrics;
            }

            foreach (YNode item in seq.Items)
            {
                if (item is not YScalar s || !SummaryPath.TryParse(s.Value, out _, out string? problem))
                {
                    Error(item, item.Path, item is YScalar n ? $"'{n.Value}': {SummaryPath.Syntax}" : SummaryPath.Syntax);
                }
                else
                {
                    metrics.Add(s.Value);
                }
            }

            return metrics;
        }

        // Column names must be unique in the table: the index, the parameters, the compare columns and the metrics.
        private void CheckColumns(List<(ScenarioSelector Selector, YScalar Key)> parameters, List<string> metrics, YNode? metricsNode)
        {
            var taken = new List<string> { SweepTable.IndexColumn };
            foreach ((ScenarioSelector selector, YScalar key) in parameters)
            {
                if (taken.Contains(selector.ColumnName) || CompareColumns.Names.Contains(selector.ColumnName))
                {
                    Error(key, KeyField(key), $"its column name '{selector.ColumnName}' is already taken; write it differently");
                }

                taken.Add(selector.ColumnName);
            }

            taken.AddRange(CompareColumns.Names);
            foreach (string metric in metrics)
            {
                string column = ScenarioSelector.SnakeCase(metric);
                if (taken.Contains(column))
                {
                    Error(metricsNode!, "metrics", $"'{metric}': its column name '{column}' is already taken");
                }

                taken.Add(column);
            }
        }

        // Each selector, tried with its first value on the scenario as written: a typo is found here, at the
        // selector, rather than at every point.
        private void CheckSelectorsFit(string scenarioText, string scenarioPath, List<(ScenarioSelector Selector, YScalar Key)> parameters, List<PatchValue?[]> points)
        {
            for (int c = 0; c < parameters.Count; c++)
            {
                PatchValue? first = points.Select(p => p[c]).FirstOrDefault(v => v is not null);
                if (first is null)
                {
                    continue;
                }

                LoadResult r = ScenarioPatch.Load(scenarioText, scenarioPath, [first], null, out string? patched, out _);
                if (patched is null && r.Errors.Count == 1 && r.Errors[0].Line == 0)
                {
                    YScalar key = parameters[c].Key;
                    Error(key, KeyField(key), $"{r.Errors[0].Message} (in {scenarioPath})");
                }
            }
        }

        private ScenarioSelector? Selector(YScalar key)
        {
            if (ScenarioSelector.TryParse(key.Value, out ScenarioSelector? selector, out string? problem))
            {
                return selector;
            }

            Error(key, KeyField(key), problem!);
            return null;
        }

        private static string KeyField(YScalar key) => YamlTree.Join(key.Path, key.Value);

        private static YNode? Get(YMapping map, string key) => map.Entries.Find(e => e.Key.Value == key).Value;

        private void Error(YNode at, string field, string message) =>
            errors.Add(new ScenarioError(file, at.Start.Line, at.Start.Column, field, message));
    }
}
