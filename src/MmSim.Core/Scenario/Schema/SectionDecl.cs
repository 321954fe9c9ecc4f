namespace MmSim.Scenario;

/// <summary>
/// Declaration of a mapping in the scenario file (the top level, <c>kernel</c>, a zone, a
/// workload type …): its fields in schema order, and how to bind read values to a config record.
/// </summary>
/// <param name="Name">Heading in the reference, e.g. <c>machine.zones[]</c>.</param>
/// <param name="Doc">Paragraph for the reference.</param>
/// <param name="Fields">The fields in schema order (the writer's key order).</param>
/// <param name="Bind">
/// Builds the config record from values that all read without error; may report cross-field
/// problems through the context and return null.
/// </param>
internal sealed record SectionDecl(string Name, string Doc, IReadOnlyList<FieldDecl> Fields, Func<FieldValues, LoadContext, object?> Bind)
{
    /// <summary>
    /// Cross-field rules that must be reported even when another field of the section is
    /// wrong (so that one bad workload does not hide a bad sampling interval); runs on every
    /// read, sees only the fields that read cleanly (<see cref="FieldValues.TryGet{T}"/>).
    /// </summary>
    public Action<FieldValues, LoadContext>? Check { get; init; }

    public FieldDecl? Find(string key) => Fields.FirstOrDefault(f => f.Name == key);
}
