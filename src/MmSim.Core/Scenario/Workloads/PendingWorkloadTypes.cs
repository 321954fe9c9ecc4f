namespace MmSim.Scenario;

/// <summary>
/// Workload types that scenarios may already name but whose mechanism mmsim does not model
/// yet: naming one gives a precise "not yet" error instead of "unknown type". A usable type
/// of the same name (one file in <c>Scenario/Workloads/</c>) replaces the entry automatically;
/// delete the line here when it lands.
/// </summary>
internal static class PendingWorkloadTypes
{
    public static IReadOnlyList<WorkloadType> All { get; } =
    [];
}

/// <summary>A registered name whose mechanism is missing: loading it reports that, nothing more.</summary>
internal sealed class PendingWorkloadType(string name, string mechanism, string doc) : WorkloadType
{
    public override string Name => name;

    public override string Doc => doc;

    public override IReadOnlyList<FieldDecl> Fields => [];

    public override string? MissingMechanism => mechanism;

    public override WorkloadConfig? Bind(FieldValues values, LoadContext ctx) => null;
}
