using MmSim.Kernel.Designs;

namespace MmSim.Scenario;

/// <summary>One value a sweep sets: the selector and the YAML value written for it in the sweep file.</summary>
public sealed class PatchValue
{
    internal PatchValue(ScenarioSelector selector, YNode value)
    {
        Selector = selector;
        Node = value;
    }

    /// <summary>Where the value goes.</summary>
    public ScenarioSelector Selector { get; }

    /// <summary>The value as text: a scalar's text, or a list or mapping in flow style.</summary>
    public string Text => Flow(Node);

    /// <summary>Line of the value in the sweep file.</summary>
    public int Line => Node.Start.Line;

    /// <summary>Column of the value in the sweep file.</summary>
    public int Column => Node.Start.Column;

    /// <summary>The value's field path in the sweep file (e.g. <c>grid.workloads[0].stall_at[1]</c>).</summary>
    public string FieldPath => Node.Path;

    internal YNode Node { get; }

    private static string Flow(YNode n) => n switch
    {
        YScalar s => s.Value,
        YSequence q => "[" + string.Join(", ", q.Items.Select(Flow)) + "]",
        YMapping m => "{" + string.Join(", ", m.Entries.Select(e => $"{e.Key.Value}: {Flow(e.Value)}")) + "}",
        _ => string.Empty,
    };
}

/// <summary>Loads a scenario with some of its fields replaced (what one point of a sweep runs).</summary>
public static class ScenarioPatch
{
    /// <summary>Applies <paramref name="values"/> to the scenario text and loads the result under <paramref name="design"/>.</summary>
    /// <param name="scenarioText">The scenario file's text.</param>
    /// <param name="scenarioPath">The scenario file (messages, and the folder its relative paths start from).</param>
    /// <param name="values">The values to set, in order.</param>
    /// <param name="design">The design, as <c>run --design</c>; null: the file's.</param>
    /// <param name="patched">The patched scenario text (what was loaded), or null when a selector does not apply.</param>
    /// <param name="resolved">Per value, the scenario field path it set (<c>workloads[1].size</c>), so that the caller
    /// can tell which value a scenario error is about; empty for a value not applied.</param>
    /// <returns>The load result; a selector that does not apply is one error at the scenario's line 0 whose field is the selector.</returns>
    public static LoadResult Load(string scenarioText, string scenarioPath, IReadOnlyList<PatchValue> values, Design? design, out string? patched, out string[] resolved)
    {
        ArgumentNullException.ThrowIfNull(values);
        patched = null;
        resolved = new string[values.Count];
        Array.Fill(resolved, string.Empty);
        var errors = new List<ScenarioError>();
        YNode? root = YamlTree.Load(scenarioText, scenarioPath, errors);
        if (errors.Count > 0 || root is null)
        {
            return ScenarioLoader.LoadFromString(scenarioText, scenarioPath, design);
        }

        for (int i = 0; i < values.Count; i++)
        {
            PatchValue v = values[i];
            // A copy: a later selector may reach into a value an earlier one set, and the sweep's own tree stays as read.
            if (v.Selector.Apply(root, Clone(v.Node), out resolved[i]) is string problem)
            {
                return new LoadResult(null, [new ScenarioError(scenarioPath, 0, 0, v.Selector.Text, problem)]);
            }
        }

        patched = YamlEmitter.Emit(root);
        return ScenarioLoader.LoadFromString(patched, scenarioPath, design);
    }

    private static YNode Clone(YNode n)
    {
        switch (n)
        {
            case YMapping m:
                var mc = new YMapping(m.Start, m.Path);
                foreach ((YScalar k, YNode v) in m.Entries)
                {
                    mc.Entries.Add((k, Clone(v)));
                }

                return mc;
            case YSequence q:
                var qc = new YSequence(q.Start, q.Path);
                foreach (YNode item in q.Items)
                {
                    qc.Items.Add(Clone(item));
                }

                return qc;
            default:
                return n;
        }
    }
}
