namespace MmSim.Scenario;

/// <summary>
/// What a declared field holds, which decides how the loader reads it, how the resolved
/// writer prints it and how the schema reference describes it. The comment on each member
/// names the .NET type the loader stores for it.
/// </summary>
internal enum FieldKind
{
    /// <summary>Whole number, decimal or 0x hex (long).</summary>
    Int,

    /// <summary>Unsigned 64-bit whole number, e.g. a seed (ulong).</summary>
    UInt64,

    /// <summary>Page frame number, written in hex by the writer (long).</summary>
    Pfn,

    /// <summary><c>auto</c> or a whole number (long?, null for auto).</summary>
    IntOrAuto,

    /// <summary><c>true</c> or <c>false</c> (bool).</summary>
    Bool,

    /// <summary>Free text (string).</summary>
    String,

    /// <summary>One of <see cref="FieldDecl.Choices"/> (string).</summary>
    Choice,

    /// <summary>Size in IEC units or pages (long bytes).</summary>
    Size,

    /// <summary>Duration (long ns).</summary>
    Duration,

    /// <summary>Rate COUNT/UNIT (<see cref="RateSpec"/>).</summary>
    Rate,

    /// <summary>Percentage (<see cref="Percent"/>).</summary>
    Percent,

    /// <summary>Distribution of durations (<see cref="DistributionSpec"/>).</summary>
    Distribution,

    /// <summary>File path relative to the scenario file's folder (string, made absolute; must exist).</summary>
    Path,

    /// <summary>Map buddy order (0..MAX_PAGE_ORDER) → weight (<see cref="ValueList{T}"/> of <see cref="OrderWeight"/>).</summary>
    OrderWeights,

    /// <summary>Map GFP expression → weight (<see cref="ValueList{T}"/> of <see cref="GfpWeight"/>).</summary>
    GfpWeights,

    /// <summary>List of whole numbers, optionally of fixed length (<see cref="ValueList{T}"/> of long).</summary>
    IntList,

    /// <summary>Map name → scalar text, kept sorted by name (<see cref="ValueList{T}"/> of <see cref="PolicySwitch"/>).</summary>
    ScalarMap,

    /// <summary>Nested mapping declared by <see cref="FieldDecl.Section"/> (its bound object).</summary>
    Section,

    /// <summary>List of mappings, each declared by <see cref="FieldDecl.Section"/> (list of bound objects).</summary>
    SectionList,

    /// <summary>List of workloads, each a mapping with a <c>type</c> from the workload registry (list of <see cref="WorkloadConfig"/>).</summary>
    Workloads,
}
