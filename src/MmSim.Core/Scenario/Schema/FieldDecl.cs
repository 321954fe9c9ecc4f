namespace MmSim.Scenario;

/// <summary>
/// Declaration of one scenario field: its name, kind, default, limits and doc line. The loader,
/// the resolved-config writer and the schema reference all work from these declarations, so
/// they cannot disagree.
/// </summary>
internal sealed class FieldDecl
{
    /// <summary>Key as written in the file (kernel spelling for kernel things: <c>min_free_kbytes</c>).</summary>
    public required string Name { get; init; }

    /// <summary>What the field holds.</summary>
    public required FieldKind Kind { get; init; }

    /// <summary>One line for the schema reference: what the field means, in kernel terms.</summary>
    public required string Doc { get; init; }

    /// <summary>Reads the resolved value back out of the bound config object, for the writer (same .NET type the loader stores).</summary>
    public required Func<object, object?> Get { get; init; }

    /// <summary>Whether the file must give the field.</summary>
    public bool Required { get; init; }

    /// <summary>Value used when the field is absent (stored .NET type of <see cref="Kind"/>); null: no default.</summary>
    public object? Default { get; init; }

    /// <summary>Text shown as the default in the reference when it is computed rather than fixed.</summary>
    public string? DefaultDoc { get; init; }

    /// <summary>Lowest allowed value, in the stored unit (bytes, ns, basis points, or the number).</summary>
    public long? Min { get; init; }

    /// <summary>Highest allowed value, in the stored unit.</summary>
    public long? Max { get; init; }

    /// <summary>A size must be a multiple of this many bytes (default: one page).</summary>
    public long MultipleOf { get; init; } = Units.PageSizeBytes;

    /// <summary>Accepted words of a <see cref="FieldKind.Choice"/>.</summary>
    public IReadOnlyList<string> Choices { get; init; } = [];

    /// <summary>
    /// Message for a word that is not one of <see cref="Choices"/>, when a registry has a better one
    /// than the generic "expected one of" (a design name: did-you-mean by version); null: the generic one.
    /// </summary>
    public Func<string, string>? UnknownChoice { get; init; }

    /// <summary>Exact element count of an <see cref="FieldKind.IntList"/>, if fixed.</summary>
    public int? Count { get; init; }

    /// <summary>Extra rule beyond min/max: returns an error message for a bad value, else null.</summary>
    public Func<object, string?>? Check { get; init; }

    /// <summary>
    /// Extra rule that also gives the value to store, so text a binder needs parsed is parsed once:
    /// returns (value, null), or (null, error message) for a bad value. Runs after <see cref="Check"/>.
    /// </summary>
    public Func<object, (object? Value, string? Error)>? Convert { get; init; }

    /// <summary>Allowed-range text for the reference when <see cref="Check"/> makes it more than min/max.</summary>
    public string? RangeDoc { get; init; }

    /// <summary>Child declaration of a <see cref="FieldKind.Section"/> or <see cref="FieldKind.SectionList"/>.</summary>
    public SectionDecl? Section { get; init; }

    /// <summary>Makes a typed getter for <see cref="Get"/>.</summary>
    public static Func<object, object?> Of<TOwner>(Func<TOwner, object?> get) => owner => get((TOwner)owner);
}
