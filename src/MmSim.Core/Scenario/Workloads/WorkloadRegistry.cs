namespace MmSim.Scenario;

/// <summary>
/// All workload types by name: the usable ones, found once at start-up among the
/// <see cref="WorkloadType"/> subclasses of this assembly, plus the
/// <see cref="PendingWorkloadTypes"/> whose name no usable type has taken yet.
/// </summary>
internal static class WorkloadRegistry
{
    /// <summary>Every type, sorted by name (so listings and the reference are stable).</summary>
    public static IReadOnlyList<WorkloadType> Types { get; } = Build();

    public static WorkloadType? Find(string name) => Types.FirstOrDefault(t => t.Name == name);

    private static List<WorkloadType> Build()
    {
        // Reflection only here, once; the result is a plain list afterwards.
        List<WorkloadType> usable = [.. typeof(WorkloadType).Assembly.GetTypes()
            .Where(t => t is { IsAbstract: false, IsClass: true } && t.IsSubclassOf(typeof(WorkloadType)) && t.GetConstructor(Type.EmptyTypes) is not null)
            .Select(t => (WorkloadType)Activator.CreateInstance(t)!)];
        string? duplicate = usable.GroupBy(t => t.Name).FirstOrDefault(g => g.Count() > 1)?.Key;
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"two workload types are named '{duplicate}'");
        }

        IEnumerable<WorkloadType> pending = PendingWorkloadTypes.All.Where(p => usable.All(u => u.Name != p.Name));
        return [.. usable.Concat(pending).OrderBy(t => t.Name, StringComparer.Ordinal)];
    }
}
