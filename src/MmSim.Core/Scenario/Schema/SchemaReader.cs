using MmSim.Kernel;

namespace MmSim.Scenario;

/// <summary>
/// Reads YAML mappings through their <see cref="SectionDecl"/>: reports unknown keys, missing
/// required fields and bad values (all of them, not just the first), applies defaults, and binds
/// each section whose fields all read cleanly. Scalar parsing lives in <see cref="ScalarReader"/>,
/// maps and lists in <see cref="CollectionReader"/>, workloads in <see cref="WorkloadReader"/>.
/// </summary>
internal static class SchemaReader
{
    /// <summary>Reads and binds a mapping; returns the bound object, or null when something was wrong (already reported).</summary>
    /// <param name="node">The mapping.</param>
    /// <param name="decl">Its declaration.</param>
    /// <param name="ctx">Load context.</param>
    /// <param name="extraKeys">Keys handled by the caller (a workload's <c>type</c>), not unknown.</param>
    public static object? ReadSection(YMapping node, SectionDecl decl, LoadContext ctx, IReadOnlyCollection<string>? extraKeys = null)
    {
        ReportUnknownKeys(node, decl, ctx, extraKeys ?? []);
        var values = new FieldValues(decl, node);
        foreach (FieldDecl field in decl.Fields)
        {
            ReadField(node, field, values, ctx);
        }

        decl.Check?.Invoke(values, ctx);
        return values.AllValid ? decl.Bind(values, ctx) : null;
    }

    private static void ReadField(YMapping node, FieldDecl field, FieldValues values, LoadContext ctx)
    {
        (YScalar key, YNode value) = node.Entries.FirstOrDefault(e => e.Key.Value == field.Name);
        if (key is null || value is YScalar { IsNull: true } && IsCollection(field.Kind))
        {
            ReadAbsent(node, field, values, ctx, present: key is not null);
            return;
        }

        if (TryRead(field, value, ctx, out object? read))
        {
            values.Set(field, read, present: true, value.Start);
        }
        else
        {
            values.SetInvalid(field, value.Start);
        }
    }

    // An absent field, or a collection written with no value (`cma:`), which means empty.
    private static void ReadAbsent(YMapping node, FieldDecl field, FieldValues values, LoadContext ctx, bool present)
    {
        string path = YamlTree.Join(node.Path, field.Name);
        if (field.Required)
        {
            ctx.Error(node.Start, path, $"required field is missing ({field.Doc})");
            values.SetInvalid(field, node.Start);
            return;
        }

        object? value = field.Kind switch
        {
            // An absent section still gets its defaults (and its own required fields reported).
            FieldKind.Section => ReadSection(new YMapping(node.Start, path), field.Section!, ctx),
            FieldKind.SectionList or FieldKind.Workloads => Array.Empty<object>(),
            FieldKind.ScalarMap => ValueList<PolicySwitch>.Empty,
            _ => field.Default,
        };
        if (field.Kind == FieldKind.Section && value is null)
        {
            values.SetInvalid(field, node.Start);
            return;
        }

        values.Set(field, value, present, node.Start);
    }

    private static bool IsCollection(FieldKind kind) =>
        kind is FieldKind.Section or FieldKind.SectionList or FieldKind.Workloads or FieldKind.ScalarMap;

    private static bool TryRead(FieldDecl field, YNode node, LoadContext ctx, out object? value)
    {
        switch (field.Kind)
        {
            case FieldKind.Section:
                value = node is YMapping m ? ReadSection(m, field.Section!, ctx) : WrongShape(field, node, ctx);
                return value is not null;
            case FieldKind.SectionList:
                return CollectionReader.TryReadSectionList(field, node, ctx, out value);
            case FieldKind.Workloads:
                return WorkloadReader.TryRead(node, ctx, out value);
            case FieldKind.OrderWeights or FieldKind.GfpWeights:
                return CollectionReader.TryReadWeights(field, node, ctx, out value);
            case FieldKind.IntList:
                return CollectionReader.TryReadIntList(field, node, ctx, out value);
            case FieldKind.ScalarMap:
                return CollectionReader.TryReadScalarMap(field, node, ctx, out value);
            default:
                return TryReadScalar(field, node, ctx, out value);
        }
    }

    private static bool TryReadScalar(FieldDecl field, YNode node, LoadContext ctx, out object? value)
    {
        value = null;
        if (node is not YScalar scalar || scalar.IsNull)
        {
            WrongShape(field, node, ctx);
            return false;
        }

        if (!ScalarReader.TryParse(field, scalar.Value, ctx, out value, out string error))
        {
            ctx.Error(node.Start, node.Path, error);
            return false;
        }

        return true;
    }

    /// <summary>Reports a value of the wrong YAML shape (a list where a size belongs …); returns null for convenience.</summary>
    public static object? WrongShape(FieldDecl field, YNode node, LoadContext ctx)
    {
        ctx.Error(node.Start, node.Path, $"expected {ValueText.Expected(field)}, got {node.KindName}");
        return null;
    }

    private static void ReportUnknownKeys(YMapping node, SectionDecl decl, LoadContext ctx, IReadOnlyCollection<string> extraKeys)
    {
        foreach ((YScalar key, _) in node.Entries)
        {
            if (decl.Find(key.Value) is not null || extraKeys.Contains(key.Value))
            {
                continue;
            }

            ctx.Error(key.Start, YamlTree.Join(node.Path, key.Value), UnknownKeyMessage(key.Value, decl));
        }
    }

    private static string UnknownKeyMessage(string key, SectionDecl decl)
    {
        IEnumerable<string> known = decl.Fields.Select(f => f.Name);
        string? close = Suggest.Closest(key, known);
        if (close is not null)
        {
            return $"unknown key '{key}'; did you mean '{close}'?";
        }

        // Long lists (sysctl) would drown the line: name the nearest and point at the reference.
        if (decl.Fields.Count > 8)
        {
            string nearest = Suggest.Nearest(key, known, out _)!;
            return $"unknown key '{key}'; the closest known key is '{nearest}' (all keys: docs/scenario-schema.md)";
        }

        return $"unknown key '{key}'; known keys: {string.Join(", ", known)}";
    }
}
