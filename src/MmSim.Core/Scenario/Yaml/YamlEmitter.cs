using System.Text;

namespace MmSim.Scenario;

/// <summary>Writes a <see cref="YNode"/> tree back as block-style YAML that <see cref="YamlTree"/> reads to the same tree.</summary>
/// <remarks>
/// A sweep patches the scenario's tree and loads the text this writes. Plain scalars stay plain, because only
/// a plain scalar can be a YAML null and the schema reads every other scalar as its text; quoted ones are
/// quoted again (<see cref="YamlText"/>). Comments and flow style are not kept: the text is read, not edited.
/// </remarks>
internal static class YamlEmitter
{
    /// <summary>The YAML text of <paramref name="root"/>.</summary>
    public static string Emit(YNode root)
    {
        var b = new StringBuilder();
        switch (root)
        {
            case YMapping m when m.Entries.Count > 0:
                Mapping(m, 0, b);
                break;
            case YSequence s when s.Items.Count > 0:
                Sequence(s, 0, b);
                break;
            default:
                b.Append(Inline(root)).Append('\n');
                break;
        }

        return b.ToString();
    }

    private static void Mapping(YMapping m, int indent, StringBuilder b)
    {
        foreach ((YScalar key, YNode value) in m.Entries)
        {
            b.Append(' ', indent).Append(YamlText.Quote(key.Value)).Append(':');
            Value(value, indent, b);
        }
    }

    private static void Sequence(YSequence s, int indent, StringBuilder b)
    {
        foreach (YNode item in s.Items)
        {
            if (item is YMapping { Entries.Count: > 0 } or YSequence { Items.Count: > 0 })
            {
                // The item written one level deeper, its first indent replaced by "- ".
                var inner = new StringBuilder();
                if (item is YMapping m)
                {
                    Mapping(m, indent + 2, inner);
                }
                else
                {
                    Sequence((YSequence)item, indent + 2, inner);
                }

                b.Append(' ', indent).Append("- ").Append(inner, indent + 2, inner.Length - indent - 2);
            }
            else
            {
                b.Append(' ', indent).Append("- ").Append(Inline(item)).Append('\n');
            }
        }
    }

    private static void Value(YNode value, int indent, StringBuilder b)
    {
        switch (value)
        {
            case YMapping { Entries.Count: > 0 } m:
                b.Append('\n');
                Mapping(m, indent + 2, b);
                break;
            case YSequence { Items.Count: > 0 } s:
                b.Append('\n');
                Sequence(s, indent + 2, b);
                break;
            default:
                b.Append(' ').Append(Inline(value)).Append('\n');
                break;
        }
    }

    private static string Inline(YNode node) => node switch
    {
        YMapping => "{}",
        YSequence => "[]",
        YScalar { IsNull: true } => "~",
        YScalar { Plain: true } s when SafePlain(s.Value) => s.Value,
        YScalar s => YamlText.Quote(s.Value),
        _ => "~",
    };

    // A plain scalar read from a file is plain again here, unless folding left a line break in it or it now
    // holds what would end it ("': '", "' #'").
    private static bool SafePlain(string v) =>
        v.Length > 0 && !v.Contains('\n', StringComparison.Ordinal) && !v.Contains(": ", StringComparison.Ordinal) &&
        !v.Contains(" #", StringComparison.Ordinal) && !v.EndsWith(':') && v.Trim() == v;
}
