namespace MmSim.Scenario;

/// <summary>
/// A workload type that scenarios can name in <c>workloads[].type</c>: its parameters, declared
/// once for the loader, the writer and the reference, and how to bind them to its config record.
/// </summary>
/// <remarks>
/// To add a type, add one file with a sealed subclass that has a parameterless constructor
/// (see <see cref="ChurnWorkloadType"/>); <see cref="WorkloadRegistry"/> finds it, and it
/// replaces a "not yet available" entry of the same name in <see cref="PendingWorkloadTypes"/>.
/// </remarks>
internal abstract class WorkloadType
{
    private SectionDecl? _section;

    /// <summary>The <c>type</c> value, e.g. <c>churn</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Paragraph for the reference: what the workload does, in kernel terms.</summary>
    public abstract string Doc { get; }

    /// <summary>Parameters in schema order (without <c>type</c>).</summary>
    public abstract IReadOnlyList<FieldDecl> Fields { get; }

    /// <summary>The mechanism this type needs that mmsim does not model yet, or null when the type is usable.</summary>
    public virtual string? MissingMechanism => null;

    /// <summary>The parameters as a section declaration for <see cref="SchemaReader"/>.</summary>
    public SectionDecl Section => _section ??= new SectionDecl($"workloads[] type: {Name}", Doc, Fields, Bind);

    /// <summary>Builds the config record from parameters that all read without error.</summary>
    /// <param name="values">The parameters.</param>
    /// <param name="ctx">Load context for cross-field problems.</param>
    /// <returns>The workload, or null after reporting a problem.</returns>
    public abstract WorkloadConfig? Bind(FieldValues values, LoadContext ctx);
}
