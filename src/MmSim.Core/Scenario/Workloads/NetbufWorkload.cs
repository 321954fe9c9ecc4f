namespace MmSim.Scenario;

/// <summary>Resolved <c>netbuf</c> workload: network buffers allocated and freed at a rate.</summary>
/// <param name="Orders">Weights of buffer orders 0..3 (<c>orders</c>).</param>
/// <param name="Rate">Buffers allocated per period (<c>rate</c>).</param>
/// <param name="Lifetime">How long a buffer lives (<c>lifetime</c>).</param>
/// <param name="RxShare">Share of buffers allocated on receive (<c>rx_share</c>).</param>
/// <param name="StartNs">When traffic starts (<c>start</c>).</param>
public sealed record NetbufWorkloadConfig(ValueList<OrderWeight> Orders, RateSpec Rate, DistributionSpec Lifetime, Percent RxShare, long StartNs) : WorkloadConfig
{
    /// <inheritdoc/>
    public override string Type => NetbufWorkloadType.TypeName;
}

/// <summary>Declaration of the <c>netbuf</c> workload type.</summary>
internal sealed class NetbufWorkloadType : WorkloadType
{
    public const string TypeName = "netbuf";

    public override string Name => TypeName;

    public override string Doc =>
        "Network buffers: unmovable order-0..3 pages allocated at `rate` (Poisson) and freed after `lifetime`. A share `rx_share` is allocated "
        + "on receive in softirq context (GFP_ATOMIC), the rest on transmit (GFP_KERNEL). An order-3 buffer is a page_frag refill "
        + "(mm/page_frag_cache.c): first order 3 without direct reclaim and with __GFP_NORETRY|__GFP_NOMEMALLOC, then order 0; orders 1 and 2 "
        + "are kmalloc_large allocations (__GFP_COMP).";

    public override IReadOnlyList<FieldDecl> Fields { get; } =
    [
        new()
        {
            Name = "orders", Kind = FieldKind.OrderWeights, RangeDoc = "orders 0..3, weights ≥ 0", Default = TimedFields.Orders((0, 50), (3, 50)),
            Doc = "relative weight of each buffer order (0..3): order 0 for page_pool rx pages, order 3 for page_frag caches",
            Get = FieldDecl.Of<NetbufWorkloadConfig>(c => c.Orders),
        },
        new()
        {
            Name = "rate", Kind = FieldKind.Rate, Required = true,
            Doc = "buffers allocated per unit of time (mean of a Poisson process)",
            Get = FieldDecl.Of<NetbufWorkloadConfig>(c => c.Rate),
        },
        new()
        {
            Name = "lifetime", Kind = FieldKind.Distribution, Default = TimedFields.Exp(Units.NsPerMs),
            Doc = "how long each buffer lives before it is freed",
            Get = FieldDecl.Of<NetbufWorkloadConfig>(c => c.Lifetime),
        },
        new()
        {
            Name = "rx_share", Kind = FieldKind.Percent, Default = Percent.FromWhole(50), Min = 0, Max = Percent.BasisPointsPerWhole,
            Doc = "share of buffers allocated on receive (GFP_ATOMIC); the rest are transmit buffers (GFP_KERNEL)",
            Get = FieldDecl.Of<NetbufWorkloadConfig>(c => c.RxShare),
        },
        TimedFields.Start<NetbufWorkloadConfig>(c => c.StartNs),
    ];

    public override WorkloadConfig? Bind(FieldValues values, LoadContext ctx)
    {
        if (!TimedFields.CheckOrdersAtMost(values, "orders", TimedFields.CostlyOrder, "network buffers stay at or below PAGE_ALLOC_COSTLY_ORDER", ctx))
        {
            return null;
        }

        return new NetbufWorkloadConfig(
            values.Get<ValueList<OrderWeight>>("orders"),
            values.Get<RateSpec>("rate"),
            values.Get<DistributionSpec>("lifetime"),
            values.Get<Percent>("rx_share"),
            values.Get<long>("start"));
    }
}
