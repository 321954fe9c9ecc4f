using MmSim.Mm;

namespace MmSim.Scenario;

/// <summary>Reads the list- and map-shaped field kinds: section lists, weight maps, integer lists and the policy map.</summary>
internal static class CollectionReader
{
    // Bounds that no hand-written scenario reaches; they keep hostile input from growing without limit.
    private const int ItemsMax = 1024;
    private const long WeightMax = 1_000_000_000;

    public static bool TryReadSectionList(FieldDecl field, YNode node, LoadContext ctx, out object? value)
    {
        value = null;
        if (!TryItems(field, node, ctx, out List<YNode> items))
        {
            return false;
        }

        var bound = new List<object>(items.Count);
        bool ok = true;
        foreach (YNode item in items)
        {
            object? b = item is YMapping m ? SchemaReader.ReadSection(m, field.Section!, ctx) : SchemaReader.WrongShape(ItemDecl(field, FieldKind.Section), item, ctx);
            ok &= b is not null;
            if (b is not null)
            {
                bound.Add(b);
            }
        }

        value = bound;
        return ok;
    }

    public static bool TryReadIntList(FieldDecl field, YNode node, LoadContext ctx, out object? value)
    {
        value = null;
        if (!TryItems(field, node, ctx, out List<YNode> items))
        {
            return false;
        }

        if (field.Count is int count && items.Count != count)
        {
            ctx.Error(node.Start, node.Path, $"expected {count} values, got {items.Count}");
            return false;
        }

        FieldDecl element = ItemDecl(field, FieldKind.Int);
        var numbers = new List<long>(items.Count);
        bool ok = true;
        foreach (YNode item in items)
        {
            if (item is not YScalar { IsNull: false } s)
            {
                SchemaReader.WrongShape(element, item, ctx);
                ok = false;
            }
            else if (!ScalarReader.TryParse(element, s.Value, ctx, out object? n, out string error))
            {
                ctx.Error(item.Start, item.Path, error);
                ok = false;
            }
            else
            {
                numbers.Add((long)n!);
            }
        }

        value = new ValueList<long>(numbers);
        return ok;
    }

    public static bool TryReadWeights(FieldDecl field, YNode node, LoadContext ctx, out object? value)
    {
        value = null;
        if (node is not YMapping map || map.Entries.Count > ItemsMax)
        {
            return SchemaReader.WrongShape(field, node, ctx) is not null;
        }

        if (map.Entries.Count == 0)
        {
            ctx.Error(map.Start, map.Path, "needs at least one entry (or leave the field out for the default)");
            return false;
        }

        var keys = new List<(string Text, long Key, long Weight, YScalar Node)>(map.Entries.Count);
        bool ok = true;
        foreach ((YScalar key, YNode weightNode) in map.Entries)
        {
            string path = YamlTree.Join(map.Path, key.Value);
            bool keyOk = TryWeightKey(field.Kind, key.Value, out long normalized, out string error);
            if (!keyOk)
            {
                ctx.Error(key.Start, path, error);
            }

            bool weightOk = TryWeight(weightNode, out long weight, out error);
            if (!weightOk)
            {
                ctx.Error(weightNode.Start, path, error);
            }

            bool duplicate = keyOk && IsDuplicate(field.Kind, keys, key, normalized, path, ctx);
            ok &= keyOk && weightOk && !duplicate;
            if (keyOk && !duplicate)
            {
                keys.Add((key.Value, normalized, weight, key));
            }
        }

        if (ok && keys.All(k => k.Weight == 0))
        {
            ctx.Error(map.Start, map.Path, "all weights are 0; at least one must be positive");
            ok = false;
        }

        value = !ok ? null : field.Kind == FieldKind.OrderWeights
            ? new ValueList<OrderWeight>(keys.Select(k => new OrderWeight((int)k.Key, k.Weight)))
            : new ValueList<GfpWeight>(keys.Select(k => new GfpWeight(k.Text, (uint)k.Key, k.Weight)));
        return ok;
    }

    public static bool TryReadScalarMap(FieldDecl field, YNode node, LoadContext ctx, out object? value)
    {
        value = null;
        if (node is not YMapping map || map.Entries.Count > ItemsMax)
        {
            return SchemaReader.WrongShape(field, node, ctx) is not null;
        }

        bool ok = true;
        var entries = new List<PolicySwitch>(map.Entries.Count);
        foreach ((YScalar key, YNode v) in map.Entries)
        {
            if (v is YScalar { IsNull: false } s)
            {
                entries.Add(new PolicySwitch(key.Value, s.Value));
                continue;
            }

            ctx.Error(v.Start, YamlTree.Join(map.Path, key.Value), $"expected a single value (a word or number), got {v.KindName}");
            ok = false;
        }

        // Sorted so that the order keys were written in cannot change a run or its resolved file.
        entries.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        value = new ValueList<PolicySwitch>(entries);
        return ok;
    }

    private static bool TryItems(FieldDecl field, YNode node, LoadContext ctx, out List<YNode> items)
    {
        items = node is YSequence s ? s.Items : [];
        if (node is not YSequence)
        {
            SchemaReader.WrongShape(field, node, ctx);
            return false;
        }

        if (items.Count > ItemsMax)
        {
            ctx.Error(node.Start, node.Path, $"more than {ItemsMax} entries");
            return false;
        }

        return true;
    }

    // The declaration of one element of a list field, for messages and range checks.
    private static FieldDecl ItemDecl(FieldDecl field, FieldKind kind) => new()
    {
        Name = field.Name,
        Kind = kind,
        Doc = field.Doc,
        Get = field.Get,
        Min = field.Min,
        Max = field.Max,
    };

    private static bool TryWeightKey(FieldKind kind, string text, out long key, out string error)
    {
        key = 0;
        if (kind == FieldKind.GfpWeights)
        {
            bool ok = GfpNames.TryParse(text, out uint mask, out error);
            key = mask;
            return ok;
        }

        if (!Units.TryParseInteger(text, out key, out error) || key < 0 || key > MmConstants.MaxPageOrder)
        {
            return Units.Fail($"order '{text}' is not a whole number from 0 to {MmConstants.MaxPageOrder} (MAX_PAGE_ORDER)", out error);
        }

        return true;
    }

    private static bool TryWeight(YNode node, out long weight, out string error)
    {
        weight = 0;
        if (node is not YScalar { IsNull: false } s)
        {
            return Units.Fail($"expected a weight (a whole number), got {node.KindName}", out error);
        }

        if (!Units.TryParseInteger(s.Value, out weight, out error))
        {
            return false;
        }

        return (weight >= 0 && weight <= WeightMax) || Units.Fail($"a weight must be between 0 and {WeightMax}, got {weight}", out error);
    }

    // Two spellings of the same order or mask would silently add up; make the writer pick one.
    private static bool IsDuplicate(FieldKind kind, List<(string Text, long Key, long Weight, YScalar Node)> seen, YScalar key, long normalized, string path, LoadContext ctx)
    {
        foreach ((string text, long k, _, YScalar first) in seen)
        {
            if (k == normalized)
            {
                string what = kind == FieldKind.GfpWeights ? "GFP mask" : "order";
                ctx.Error(key.Start, path, $"same {what} as '{text}' (line {first.Start.Line}); give each only once");
                return true;
            }
        }

        return false;
    }
}
