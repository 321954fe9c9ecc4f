using System.Collections;
using System.Globalization;

namespace MmSim.Scenario;

/// <summary>
/// How each field kind is named in messages and the reference, and how a stored value is
/// printed: one place, so the writer, the reference and error messages agree.
/// </summary>
internal static class ValueText
{
    /// <summary>What a field expects, for messages: "a size (e.g. 512MiB)".</summary>
    public static string Expected(FieldDecl f) => f.Kind switch
    {
        FieldKind.Int or FieldKind.UInt64 => "a whole number",
        FieldKind.Pfn => "a page frame number (decimal or 0x hex)",
        FieldKind.IntOrAuto => "'auto' or a whole number",
        FieldKind.Bool => "true or false",
        FieldKind.String => "text",
        FieldKind.Choice => "one of " + string.Join(", ", f.Choices),
        FieldKind.Size => "a size (e.g. 512MiB or 1024 pages)",
        FieldKind.Duration => "a duration (e.g. 500ms or 2min)",
        FieldKind.Rate => "a rate (e.g. 100/s)",
        FieldKind.Percent => "a percentage (e.g. 70%)",
        FieldKind.Distribution => "a distribution (e.g. exp(10ms))",
        FieldKind.Path => "a file path",
        FieldKind.OrderWeights => "a map of order to weight (e.g. {0: 80, 9: 20})",
        FieldKind.GfpWeights => "a map of GFP flags to weight (e.g. {GFP_KERNEL: 1})",
        FieldKind.IntList => f.Count is int n ? $"a list of {n} whole numbers" : "a list of whole numbers",
        FieldKind.ScalarMap => "a map of name to value",
        FieldKind.Section => "a mapping",
        FieldKind.SectionList or FieldKind.Workloads => "a list of mappings",
        _ => f.Kind.ToString(),
    };

    /// <summary>Short type name for the reference's "type" column.</summary>
    public static string TypeName(FieldDecl f) => f.Kind switch
    {
        FieldKind.Int => "integer",
        FieldKind.UInt64 => "unsigned integer",
        FieldKind.Pfn => "PFN",
        FieldKind.IntOrAuto => "`auto` or integer",
        FieldKind.Bool => "bool",
        FieldKind.String => "string",
        FieldKind.Choice => "one of " + string.Join(", ", f.Choices.Select(c => $"`{c}`")),
        FieldKind.Size => "size",
        FieldKind.Duration => "duration",
        FieldKind.Rate => "rate",
        FieldKind.Percent => "percent",
        FieldKind.Distribution => "distribution",
        FieldKind.Path => "path",
        FieldKind.OrderWeights => "map order → weight",
        FieldKind.GfpWeights => "map GFP → weight",
        FieldKind.IntList => f.Count is int n ? $"list of {n} integers" : "list of integers",
        FieldKind.ScalarMap => "map name → value",
        FieldKind.Section => "mapping",
        FieldKind.SectionList => "list of mappings",
        FieldKind.Workloads => "list of workloads",
        _ => f.Kind.ToString(),
    };

    /// <summary>A number in the field's unit: <c>2MiB</c> for sizes, <c>10ms</c> for durations, <c>70%</c> for percentages.</summary>
    public static string Quantity(FieldDecl f, long value) => f.Kind switch
    {
        FieldKind.Size => Units.FormatSize(value),
        FieldKind.Duration => Units.FormatDuration(value),
        FieldKind.Percent => new Percent(checked((int)value)).ToString(),
        FieldKind.Pfn => Units.FormatPfn(value),
        _ => value.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// Prints a scalar-like value (everything but sections, section lists and workloads) as
    /// YAML text that the loader reads back to the same value.
    /// </summary>
    public static string Scalar(FieldDecl f, object? value) => f.Kind switch
    {
        FieldKind.IntOrAuto when value is null => "auto",
        FieldKind.Pfn => Units.FormatPfn(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        FieldKind.Int or FieldKind.UInt64 or FieldKind.IntOrAuto => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "0",
        FieldKind.Bool => (bool)value! ? "true" : "false",
        FieldKind.String or FieldKind.Choice or FieldKind.Path => YamlText.Quote((string)value!),
        FieldKind.Size => Units.FormatSize(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        FieldKind.Duration => Units.FormatDuration(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        // Plain is safe for these in block context: they start with a digit or letter and hold no ': ' or ' #'.
        FieldKind.Rate or FieldKind.Percent or FieldKind.Distribution => value!.ToString()!,
        FieldKind.OrderWeights => Flow(((IEnumerable<OrderWeight>)value!).Select(w => $"{w.Order}: {w.Weight}")),
        FieldKind.GfpWeights => Flow(((IEnumerable<GfpWeight>)value!).Select(w => $"{YamlText.Quote(w.Expression)}: {w.Weight}")),
        FieldKind.IntList => "[" + string.Join(", ", ((IEnumerable)value!).Cast<object>().Select(v => Convert.ToString(v, CultureInfo.InvariantCulture))) + "]",
        FieldKind.ScalarMap => Flow(((IEnumerable<PolicySwitch>)value!).Select(p => $"{YamlText.Quote(p.Name)}: {YamlText.Quote(p.Value)}")),
        _ => throw new InvalidOperationException($"{f.Name}: {f.Kind} is not printed as a scalar"),
    };

    private static string Flow(IEnumerable<string> entries) => "{" + string.Join(", ", entries) + "}";
}
