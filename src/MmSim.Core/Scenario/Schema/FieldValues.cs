using System.Diagnostics.CodeAnalysis;

namespace MmSim.Scenario;

/// <summary>
/// The values read for one mapping, by field name, with where each came from, so binders can
/// place cross-field errors exactly. A field that failed to read is marked invalid and the
/// section is not bound (its problem is already reported).
/// </summary>
internal sealed class FieldValues(SectionDecl decl, YMapping node)
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public SectionDecl Decl { get; } = decl;

    public YMapping Node { get; } = node;

    public string Path => Node.Path;

    public bool AllValid { get; private set; } = true;

    public void Set(FieldDecl field, object? value, bool present, Mark at) => _entries[field.Name] = new Entry(value, present, true, at);

    public void SetInvalid(FieldDecl field, Mark at)
    {
        _entries[field.Name] = new Entry(null, true, false, at);
        AllValid = false;
    }

    /// <summary>The value (explicit or default) of a field that read without error.</summary>
    public T Get<T>(string name)
    {
        Entry e = _entries[name];
        if (!e.Valid)
        {
            throw new InvalidOperationException($"field '{name}' of {Decl.Name} is invalid; binders run only on valid sections");
        }

        return (T)e.Value!;
    }

    /// <summary>The value when the field read cleanly (explicit or default), for cross-checks that run on partly wrong sections.</summary>
    public bool TryGet<T>(string name, [MaybeNullWhen(false)] out T value)
    {
        if (_entries.TryGetValue(name, out Entry e) && e.Valid && e.Value is T v)
        {
            value = v;
            return true;
        }

        value = default!;
        return false;
    }

    /// <summary>The stored value as is: null when an optional field without default is absent (or is <c>auto</c>).</summary>
    public object? Raw(string name) => _entries[name].Value;

    /// <summary>Typed view of a <see cref="FieldKind.SectionList"/> value.</summary>
    public ValueList<T> List<T>(string name) => new(Get<IReadOnlyList<object>>(name).Cast<T>());

    public bool IsPresent(string name) => _entries[name].Present;

    /// <summary>Where the field's value is (or, when absent, where its mapping starts).</summary>
    public Mark MarkOf(string name) => _entries.TryGetValue(name, out Entry e) ? e.At : Node.Start;

    public string PathOf(string name) => YamlTree.Join(Path, name);

    private readonly record struct Entry(object? Value, bool Present, bool Valid, Mark At);
}
