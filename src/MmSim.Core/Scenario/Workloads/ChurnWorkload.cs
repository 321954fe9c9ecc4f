namespace MmSim.Scenario;

/// <summary>Resolved <c>churn</c> workload: random page-allocator churn held around a fill level.</summary>
/// <param name="Ops">Allocator operations (allocations plus frees) to run, fill phase included (<c>ops</c>).</param>
/// <param name="Fill">Share of managed memory to keep allocated (<c>fill</c>).</param>
/// <param name="Orders">Weights of allocation orders (<c>orders</c>), in file order.</param>
/// <param name="Gfp">Weights of GFP masks (<c>gfp</c>), in file order.</param>
public sealed record ChurnWorkloadConfig(long Ops, Percent Fill, ValueList<OrderWeight> Orders, ValueList<GfpWeight> Gfp) : WorkloadConfig
{
    /// <inheritdoc/>
    public override string Type => ChurnWorkloadType.TypeName;
}

/// <summary>Declaration of the <c>churn</c> workload type.</summary>
internal sealed class ChurnWorkloadType : WorkloadType
{
    public const string TypeName = "churn";

    // Mostly order-0, some small multi-page allocations, and order-9 (THP-sized) ones that need whole pageblocks.
    private static readonly ValueList<OrderWeight> OrdersDefault =
        [new(0, 80), new(1, 8), new(2, 4), new(3, 4), new(9, 4)];

    // User memory (movable), kernel memory (unmovable), reclaimable kernel caches: the three migratetypes that fragment.
    private static readonly ValueList<GfpWeight> GfpDefault =
    [
        new("GFP_HIGHUSER_MOVABLE", GfpNames.GFP_HIGHUSER_MOVABLE, 60),
        new("GFP_KERNEL", GfpNames.GFP_KERNEL, 25),
        new("GFP_KERNEL|__GFP_RECLAIMABLE", GfpNames.GFP_KERNEL | GfpNames.__GFP_RECLAIMABLE, 15),
    ];

    public override string Name => TypeName;

    public override string Doc =>
        "Random page-allocator churn. Each operation allocates while the allocated share of managed memory is below `fill` "
        + "and otherwise frees a uniformly chosen live block, so memory first fills to `fill` and then hovers there while blocks "
        + "live a random (roughly geometric) number of operations. Each allocation draws its order from `orders` and its GFP mask "
        + "from `gfp`; a failed allocation is counted and not retried. Simulated time plays no part: the run ends after `ops` operations.";

    public override IReadOnlyList<FieldDecl> Fields { get; } =
    [
        new()
        {
            Name = "ops", Kind = FieldKind.Int, Required = true, Min = 1, Max = 1_000_000_000_000,
            Doc = "number of allocator operations (allocations plus frees, fill phase included)",
            Get = FieldDecl.Of<ChurnWorkloadConfig>(c => c.Ops),
        },
        new()
        {
            Name = "fill", Kind = FieldKind.Percent, Default = Percent.FromWhole(70), Min = 1, Max = Percent.BasisPointsPerWhole,
            Doc = "share of managed memory kept allocated once filled",
            Get = FieldDecl.Of<ChurnWorkloadConfig>(c => c.Fill),
        },
        new()
        {
            Name = "orders", Kind = FieldKind.OrderWeights, Default = OrdersDefault,
            Doc = "relative weight of each allocation order (keys 0..10)",
            Get = FieldDecl.Of<ChurnWorkloadConfig>(c => c.Orders),
        },
        new()
        {
            Name = "gfp", Kind = FieldKind.GfpWeights, Default = GfpDefault,
            Doc = "relative weight of each GFP mask; the mask picks zone and migratetype as in the kernel",
            Get = FieldDecl.Of<ChurnWorkloadConfig>(c => c.Gfp),
        },
    ];

    public override WorkloadConfig Bind(FieldValues values, LoadContext ctx) => new ChurnWorkloadConfig(
        values.Get<long>("ops"),
        values.Get<Percent>("fill"),
        values.Get<ValueList<OrderWeight>>("orders"),
        values.Get<ValueList<GfpWeight>>("gfp"));
}
