using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace MmSim.Scenario;

/// <summary>A 1-based position in the scenario file.</summary>
internal readonly record struct Mark(int Line, int Column)
{
    public static Mark From(YamlDotNet.Core.Mark m) => new(checked((int)m.Line), checked((int)m.Column));
}

/// <summary>A node of the parsed YAML document, with where it starts and its field path.</summary>
internal abstract class YNode(Mark start, string path)
{
    public Mark Start { get; } = start;

    /// <summary>Field path as the loader prints it, e.g. <c>machine.zones[1]</c>; empty for the root.</summary>
    public string Path { get; } = path;

    public abstract string KindName { get; }
}

/// <summary>A scalar, kept as the text written: the schema, not YAML's type guessing, decides what it means.</summary>
internal sealed class YScalar(Mark start, string path, string value, bool plain) : YNode(start, path)
{
    public string Value { get; } = value;

    /// <summary>True when the scalar was written without quotes (only such a scalar can be a YAML null).</summary>
    public bool Plain { get; } = plain;

    public bool IsNull => Plain && Value is "" or "~" or "null" or "Null" or "NULL";

    public override string KindName => IsNull ? "nothing" : $"'{Value}'";
}

/// <summary>A YAML sequence (<c>- item</c> or <c>[a, b]</c>).</summary>
internal sealed class YSequence(Mark start, string path) : YNode(start, path)
{
    public List<YNode> Items { get; } = [];

    public override string KindName => "a list";
}

/// <summary>A YAML mapping; duplicate keys were reported while building and only the first is kept.</summary>
internal sealed class YMapping(Mark start, string path) : YNode(start, path)
{
    public List<(YScalar Key, YNode Value)> Entries { get; } = [];

    public override string KindName => "a mapping";

    public YScalar? KeyNamed(string name) => Entries.FirstOrDefault(e => e.Key.Value == name).Key;
}

/// <summary>
/// Builds a <see cref="YNode"/> tree from YamlDotNet's event parser.
/// </summary>
/// <remarks>
/// Why not YamlDotNet's representation model (<c>YamlStream</c>): it throws at the first
/// duplicate key, so a file with two duplicates and a wrong unit would report one problem
/// instead of three; and malformed flow collections surface as a bare
/// <c>InvalidOperationException</c> without a position. Building from events keeps every
/// position, reports every duplicate and continues, and is iterative (no recursion), so a
/// deeply nested file cannot overflow the stack.
/// </remarks>
internal sealed class YamlTree
{
    // Deeper nesting than this is not a scenario; the limit keeps hostile input bounded.
    private const int DepthMax = 64;

    private readonly string _file;
    private readonly List<ScenarioError> _errors;
    private readonly Dictionary<string, YNode> _anchors = new(StringComparer.Ordinal);
    private readonly Stack<Frame> _open = new();
    private YNode? _root;
    private Mark _last = new(1, 1);

    private YamlTree(string file, List<ScenarioError> errors)
    {
        _file = file;
        _errors = errors;
    }

    /// <summary>Parses <paramref name="text"/>; returns the root node, or null for an empty or unparseable file.</summary>
    public static YNode? Load(string text, string file, List<ScenarioError> errors)
    {
        var tree = new YamlTree(file, errors);
        var parser = new Parser(new StringReader(text));
        try
        {
            while (parser.MoveNext())
            {
                ParsingEvent e = parser.Current!;
                tree._last = Mark.From(e.Start);
                if (!tree.Accept(e))
                {
                    break;
                }
            }
        }
        catch (YamlException e)
        {
            // YamlDotNet places tab errors at the start of the enclosing mapping; point at the tab instead.
            Mark at = e.Message.Contains("tab", StringComparison.Ordinal) ? FirstIndentTab(text, Mark.From(e.Start)) : Mark.From(e.Start);
            tree.SyntaxError(at, Clean(e.Message) + (at != Mark.From(e.Start) ? "; indent with spaces" : string.Empty));
            return null;
        }
        catch (ArgumentException)
        {
            // YamlDotNet refuses a '!' tag that is not a valid URI with a bare ArgumentException.
            tree.SyntaxError(tree._last, "invalid YAML tag ('!…' must be a valid URI); scenario files use no tags");
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner gives up without a position on some malformed flow collections.
            (Mark at, string message) = tree.UnclosedFlowHint();
            tree.SyntaxError(at, message);
            return null;
        }

        return tree._root;
    }

    private bool Accept(ParsingEvent e)
    {
        switch (e)
        {
            case DocumentStart when _root is not null:
                Error(Mark.From(e.Start), string.Empty, "a scenario file holds one YAML document; remove the second '---'");
                return false;
            case Scalar s:
                Attach(new YScalar(Mark.From(s.Start), ChildPath(), s.Value, s.Style == ScalarStyle.Plain), s);
                break;
            case SequenceStart s:
                Open(new YSequence(Mark.From(s.Start), ChildPath()), s, s.Style == SequenceStyle.Flow);
                break;
            case MappingStart m:
                Open(new YMapping(Mark.From(m.Start), ChildPath()), m, m.Style == MappingStyle.Flow);
                break;
            case SequenceEnd or MappingEnd:
                Close();
                break;
            case AnchorAlias alias:
                Alias(alias);
                break;
            default:
                break;
        }

        return true;
    }

    private void Open(YNode node, NodeEvent e, bool flow)
    {
        if (_open.Count >= DepthMax)
        {
            throw new YamlException(e.Start, e.End, $"nesting deeper than {DepthMax} levels");
        }

        Attach(node, e);
        _open.Push(new Frame(node, e.Anchor.IsEmpty ? null : e.Anchor.Value, flow));
    }

    private void Close()
    {
        Frame frame = _open.Pop();
        // Registered only when complete, so an alias cannot refer to its own ancestor (no cycles).
        if (frame.Anchor is not null)
        {
            _anchors[frame.Anchor] = frame.Node;
        }
    }

    private void Alias(AnchorAlias alias)
    {
        if (_anchors.TryGetValue(alias.Value.Value, out YNode? target))
        {
            AttachResolved(target, Mark.From(alias.Start));
            return;
        }

        Error(Mark.From(alias.Start), ChildPath(), $"unknown alias '*{alias.Value.Value}' (anchors must be defined before use, outside the node that uses them)");
        AttachResolved(new YScalar(Mark.From(alias.Start), ChildPath(), string.Empty, true), Mark.From(alias.Start));
    }

    private void Attach(YNode node, NodeEvent e)
    {
        if (!e.Tag.IsEmpty && !e.Tag.IsNonSpecific && !e.Tag.Value.StartsWith("tag:yaml.org,2002:", StringComparison.Ordinal))
        {
            Error(node.Start, node.Path, $"YAML tag '{e.Tag.Value}' is not supported");
        }

        if (node is YScalar && !e.Anchor.IsEmpty)
        {
            _anchors[e.Anchor.Value] = node;
        }

        AttachResolved(node, node.Start);
    }

    private void AttachResolved(YNode node, Mark at)
    {
        if (_open.Count == 0)
        {
            _root = node;
            return;
        }

        Frame parent = _open.Peek();
        if (parent.Node is YSequence sequence)
        {
            sequence.Items.Add(node);
            return;
        }

        var mapping = (YMapping)parent.Node;
        if (parent.PendingKey is null)
        {
            if (node is not YScalar key)
            {
                Error(at, mapping.Path, "a mapping key must be a plain name, not a list or mapping");
                key = new YScalar(at, mapping.Path, "\0invalid", false);
            }

            parent.PendingKey = key;
            return;
        }

        AddEntry(mapping, parent.PendingKey, node);
        parent.PendingKey = null;
    }

    private void AddEntry(YMapping mapping, YScalar key, YNode value)
    {
        if (key.Value.StartsWith('\0'))
        {
            return;
        }

        YScalar? first = mapping.KeyNamed(key.Value);
        if (first is not null)
        {
            Error(key.Start, Join(mapping.Path, key.Value), $"duplicate key '{key.Value}' (first given at line {first.Start.Line}); remove one");
            return;
        }

        if (key.Value == "<<")
        {
            Error(key.Start, mapping.Path, "YAML merge keys ('<<') are not supported; write the fields out");
            return;
        }

        mapping.Entries.Add((key, value));
    }

    // Path of the node about to be attached: parent path plus key or index.
    private string ChildPath()
    {
        if (_open.Count == 0)
        {
            return string.Empty;
        }

        Frame parent = _open.Peek();
        return parent.Node switch
        {
            YSequence s => $"{s.Path}[{s.Items.Count}]",
            _ when parent.PendingKey is { } key => Join(parent.Node.Path, key.Value),
            _ => parent.Node.Path,
        };
    }

    // Points at the innermost open flow collection, the usual culprit, else at the last event read.
    private (Mark At, string Message) UnclosedFlowHint()
    {
        foreach (Frame frame in _open)
        {
            if (frame.Flow)
            {
                char bracket = frame.Node is YSequence ? '[' : '{';
                return (frame.Node.Start, $"YAML syntax error: this '{bracket}' is not closed");
            }
        }

        return (_last, "YAML syntax error near here");
    }

    private static Mark FirstIndentTab(string text, Mark from)
    {
        string[] lines = text.Split('\n');
        for (int i = from.Line - 1; i < lines.Length; i++)
        {
            int indent = lines[i].Length - lines[i].TrimStart(' ', '\t').Length;
            int tab = lines[i].IndexOf('\t', StringComparison.Ordinal);
            if (tab >= 0 && tab < indent)
            {
                return new Mark(i + 1, tab + 1);
            }
        }

        return from;
    }

    private void SyntaxError(Mark at, string message) => _errors.Add(new ScenarioError(_file, at.Line, at.Column, string.Empty, message));

    private void Error(Mark at, string path, string message) => _errors.Add(new ScenarioError(_file, at.Line, at.Column, path, message));

    internal static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    // YamlDotNet: "While scanning a plain scalar value, found invalid mapping." → one lower-case clause.
    private static string Clean(string message)
    {
        string m = message.Trim().TrimEnd('.');
        if (m.Length > 0 && char.IsUpper(m[0]) && !(m.Length > 1 && char.IsUpper(m[1])))
        {
            m = char.ToLowerInvariant(m[0]) + m[1..];
        }

        return "YAML syntax error: " + m;
    }

    private sealed class Frame(YNode node, string? anchor, bool flow)
    {
        public YNode Node { get; } = node;

        public string? Anchor { get; } = anchor;

        public bool Flow { get; } = flow;

        public YScalar? PendingKey { get; set; }
    }
}
