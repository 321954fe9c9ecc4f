using MmSim.Kernel;

namespace MmSim.Scenario;

/// <summary>Parses one scalar by its field's kind (through <see cref="Units"/>) and applies the declared limits.</summary>
internal static class ScalarReader
{
    // Free text longer than this is certainly a mistake (a pasted file); keeps messages and memory bounded.
    private const int StringLengthMax = 4096;

    public static bool TryParse(FieldDecl f, string text, LoadContext ctx, out object? value, out string error)
    {
        if (!TryParseKind(f, text, ctx, out value, out error))
        {
            return false;
        }

        if (value is not null && !TryCheckRange(f, value, out error))
        {
            return false;
        }

        string? rule = value is null ? null : f.Check?.Invoke(value);
        if (rule is null && value is not null && f.Convert is not null)
        {
            (object? converted, rule) = f.Convert(value);
            value = converted;
        }

        return rule is null || Units.Fail(rule, out error);
    }

    private static bool TryParseKind(FieldDecl f, string text, LoadContext ctx, out object? value, out string error)
    {
        value = null;
        bool ok;
        switch (f.Kind)
        {
            case FieldKind.Int or FieldKind.Pfn:
                ok = Units.TryParseInteger(text, out long l, out error);
                value = l;
                return ok;
            case FieldKind.UInt64:
                ok = Units.TryParseUInt64(text, out ulong u, out error);
                value = u;
                return ok;
            case FieldKind.IntOrAuto:
                error = string.Empty;
                if (text.Trim() == "auto")
                {
                    return true;
                }

                ok = Units.TryParseInteger(text, out long n, out error);
                value = n;
                return ok || Units.Fail($"{error}; or write 'auto'", out error);
            case FieldKind.Bool:
                return TryParseBool(text, out value, out error);
            case FieldKind.String:
                value = text;
                error = string.Empty;
                return text.Length <= StringLengthMax || Units.Fail($"text longer than {StringLengthMax} characters", out error);
            case FieldKind.Choice:
                return TryParseChoice(f, text.Trim(), out value, out error);
            case FieldKind.Path:
                return TryParsePath(text.Trim(), ctx, out value, out error);
            default:
                return TryParseQuantity(f, text, out value, out error);
        }
    }

    private static bool TryParseQuantity(FieldDecl f, string text, out object? value, out string error)
    {
        value = null;
        switch (f.Kind)
        {
            case FieldKind.Size:
                bool size = Units.TryParseSize(text, out long bytes, out error);
                value = bytes;
                return size;
            case FieldKind.Duration:
                bool duration = Units.TryParseDuration(text, out long ns, out error);
                value = ns;
                return duration;
            case FieldKind.Rate:
                bool rate = Units.TryParseRate(text, out RateSpec r, out error);
                value = r;
                return rate;
            case FieldKind.Percent:
                bool percent = Units.TryParsePercent(text, out Percent p, out error);
                value = p;
                return percent;
            case FieldKind.Distribution:
                bool distribution = Units.TryParseDistribution(text, out DistributionSpec? d, out error);
                value = d;
                return distribution;
            default:
                throw new InvalidOperationException($"{f.Name}: {f.Kind} is not a scalar kind");
        }
    }

    private static bool TryParseBool(string text, out object? value, out string error)
    {
        error = string.Empty;
        value = text.Trim() switch
        {
            "true" => true,
            "false" => false,
            _ => null,
        };
        return value is not null || Units.Fail($"'{text.Trim()}' is not true or false", out error);
    }

    private static bool TryParseChoice(FieldDecl f, string text, out object? value, out string error)
    {
        error = string.Empty;
        value = text;
        if (f.Choices.Contains(text))
        {
            return true;
        }

        if (f.UnknownChoice is not null)
        {
            return Units.Fail(f.UnknownChoice(text), out error);
        }

        string? close = Suggest.Closest(text, f.Choices);
        string hint = close is null ? string.Empty : $"did you mean '{close}'? ";
        return Units.Fail($"'{text}' is not accepted; {hint}expected one of {string.Join(", ", f.Choices)}", out error);
    }

    // Relative to the scenario file's folder, so a scenario and its scripts move together.
    private static bool TryParsePath(string text, LoadContext ctx, out object? value, out string error)
    {
        value = null;
        error = string.Empty;
        if (text.Length == 0 || text.Length > StringLengthMax || text.Contains('\0', StringComparison.Ordinal))
        {
            return Units.Fail("expected a file path", out error);
        }

        string full = System.IO.Path.GetFullPath(System.IO.Path.Combine(ctx.BaseDirectory, text));
        if (!File.Exists(full))
        {
            return Units.Fail($"file '{text}' not found (looked for {full}; relative paths start at the scenario file's folder)", out error);
        }

        value = full;
        return true;
    }

    private static bool TryCheckRange(FieldDecl f, object value, out string error)
    {
        error = string.Empty;
        long? v = value switch
        {
            long l => l,
            Percent p => p.BasisPoints,
            _ => null,
        };
        if (v is not long x)
        {
            return true;
        }

        if ((f.Min is long min && x < min) || (f.Max is long max && x > max))
        {
            return Units.Fail($"{RangeText(f)}, got {ValueText.Quantity(f, x)}", out error);
        }

        if (f.Kind == FieldKind.Size && x % f.MultipleOf != 0)
        {
            return Units.Fail(NotMultiple(f, x), out error);
        }

        return true;
    }

    /// <summary>"must be between 1 and 3000" / "must be at least 2MiB" / "must be at most 100".</summary>
    public static string RangeText(FieldDecl f) => (f.Min, f.Max) switch
    {
        (long min, long max) => $"must be between {ValueText.Quantity(f, min)} and {ValueText.Quantity(f, max)}",
        (long min, null) => $"must be at least {ValueText.Quantity(f, min)}",
        (null, long max) => $"must be at most {ValueText.Quantity(f, max)}",
        _ => "any value",
    };

    private static string NotMultiple(FieldDecl f, long bytes)
    {
        string unit = f.MultipleOf == Units.PageblockSizeBytes
            ? $"a pageblock ({Units.FormatSize(f.MultipleOf)}, pageblock_order {Mm.MmConstants.PageblockOrder})"
            : $"the page size ({Units.FormatSize(f.MultipleOf)})";
        long down = bytes - (bytes % f.MultipleOf);
        long up = down + f.MultipleOf;
        string suggestion = down > 0 && (f.Min is not long min || down >= min)
            ? $"{Units.FormatSize(down)} or {Units.FormatSize(up)}"
            : Units.FormatSize(up);
        return $"{Units.FormatSize(bytes)} is not a multiple of {unit}; did you mean {suggestion}?";
    }
}
