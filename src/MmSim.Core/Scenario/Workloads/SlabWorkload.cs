namespace MmSim.Scenario;

/// <summary>Resolved <c>slab</c> workload: a kernel cache growing and shrinking by whole slabs.</summary>
/// <param name="Reclaimable">SLAB_RECLAIM_ACCOUNT cache (<c>reclaimable</c>).</param>
/// <param name="Orders">Weights of slab orders 0..3 (<c>orders</c>).</param>
/// <param name="Rate">New slabs per period (<c>rate</c>).</param>
/// <param name="Lifetime">How long a slab lives (<c>lifetime</c>).</param>
/// <param name="MaxBytes">Largest size of the cache (<c>max_bytes</c>); null: no limit.</param>
/// <param name="StartNs">When the cache starts growing (<c>start</c>).</param>
public sealed record SlabWorkloadConfig(
    bool Reclaimable, ValueList<OrderWeight> Orders, RateSpec Rate, DistributionSpec Lifetime, long? MaxBytes, long StartNs) : WorkloadConfig
{
    /// <inheritdoc/>
    public override string Type => SlabWorkloadType.TypeName;
}

/// <summary>Declaration of the <c>slab</c> workload type.</summary>
internal sealed class SlabWorkloadType : WorkloadType
{
    public const string TypeName = "slab";

    public override string Name => TypeName;

    public override string Doc =>
        "A slab cache (mm/slub.c) whose slabs are allocated at `rate` (Poisson) and each freed after its `lifetime`. A slab of order > 0 is "
        + "first tried as allocate_slab does, with __GFP_NOWARN|__GFP_NORETRY|__GFP_NOMEMALLOC and without reclaim, then at order 0 with the "
        + "cache's gfp: GFP_KERNEL, plus __GFP_RECLAIMABLE for a `reclaimable` (SLAB_RECLAIM_ACCOUNT) cache, whose slabs go to Reclaimable "
        + "pageblocks. Counted in nr_slab_reclaimable / nr_slab_unreclaimable (pages). A slab that would grow the cache past `max_bytes` is not allocated. "
        + "Dropping caches (`steps`, drop_caches 2 or 3) frees every slab of a reclaimable cache.";

    public override IReadOnlyList<FieldDecl> Fields { get; } =
    [
        new()
        {
            Name = "reclaimable", Kind = FieldKind.Bool, Default = false,
            Doc = "a SLAB_RECLAIM_ACCOUNT cache (dentries, inodes): GFP_KERNEL|__GFP_RECLAIMABLE instead of GFP_KERNEL",
            Get = FieldDecl.Of<SlabWorkloadConfig>(c => c.Reclaimable),
        },
        new()
        {
            Name = "orders", Kind = FieldKind.OrderWeights, RangeDoc = "orders 0..3, weights ≥ 0", Default = TimedFields.Orders((0, 1)),
            Doc = "relative weight of each slab order (0..3; kmalloc caches use 0..3, most caches 0)",
            Get = FieldDecl.Of<SlabWorkloadConfig>(c => c.Orders),
        },
        new()
        {
            Name = "rate", Kind = FieldKind.Rate, Required = true,
            Doc = "slabs allocated per unit of time (mean of a Poisson process)",
            Get = FieldDecl.Of<SlabWorkloadConfig>(c => c.Rate),
        },
        new()
        {
            Name = "lifetime", Kind = FieldKind.Distribution, Default = TimedFields.Exp(Units.NsPerS),
            Doc = "how long each slab lives before it is freed",
            Get = FieldDecl.Of<SlabWorkloadConfig>(c => c.Lifetime),
        },
        new()
        {
            Name = "max_bytes", Kind = FieldKind.Size, Min = Units.PageSizeBytes, Max = TimedFields.SizeBytesMax, DefaultDoc = "no limit",
            Doc = "largest size of the cache; slabs beyond it are not allocated",
            Get = FieldDecl.Of<SlabWorkloadConfig>(c => c.MaxBytes),
        },
        TimedFields.Start<SlabWorkloadConfig>(c => c.StartNs),
    ];

    public override WorkloadConfig? Bind(FieldValues values, LoadContext ctx)
    {
        if (!TimedFields.CheckOrdersAtMost(values, "orders", TimedFields.CostlyOrder, "slab orders stay at or below PAGE_ALLOC_COSTLY_ORDER", ctx))
        {
            return null;
        }

        return new SlabWorkloadConfig(
            values.Get<bool>("reclaimable"),
            values.Get<ValueList<OrderWeight>>("orders"),
            values.Get<RateSpec>("rate"),
            values.Get<DistributionSpec>("lifetime"),
            (long?)values.Raw("max_bytes"),
            values.Get<long>("start"));
    }
}
