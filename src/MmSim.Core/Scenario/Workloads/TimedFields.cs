using MmSim.Mm;

namespace MmSim.Scenario;

/// <summary>
/// Field declarations and checks shared by the timed workload types (anon, pagecache, slab,
/// netbuf, pinned, steps and the presets), so each means the same in every type.
/// </summary>
internal static class TimedFields
{
    /// <summary>The largest region, file or cache a workload may name: the largest machine.</summary>
    public const long SizeBytesMax = MachineConfig.TotalBytesMax;

    /// <summary>1 GiB/s of 4 KiB pages: a single thread writing to fresh memory (memset) at DRAM speed.</summary>
    public static readonly RateSpec FaultRateDefault = new(Units.GiB / Units.PageSizeBytes, Units.NsPerS);

    /// <summary><c>start</c>: simulated time at which the workload's first task begins.</summary>
    public static FieldDecl Start<TConfig>(Func<TConfig, long> get) => new()
    {
        Name = "start", Kind = FieldKind.Duration, Default = 0L, Min = 0,
        Doc = "simulated time at which the workload starts",
        Get = FieldDecl.Of<TConfig>(c => get(c)),
    };

    /// <summary>A percentage of the node's managed memory, 0 % excluded.</summary>
    public static FieldDecl ShareOfMemory<TConfig>(string name, int defaultPercent, string doc, Func<TConfig, Percent> get, int maxPercent = 100) => new()
    {
        Name = name, Kind = FieldKind.Percent, Default = Percent.FromWhole(defaultPercent), Min = 1, Max = maxPercent * 100L,
        Doc = doc,
        Get = FieldDecl.Of<TConfig>(c => get(c)),
    };

    /// <summary>A size in bytes, a whole number of pages.</summary>
    public static FieldDecl Size<TConfig>(string name, string doc, Func<TConfig, long?> get, long? defaultBytes = null, string? defaultDoc = null) => new()
    {
        Name = name, Kind = FieldKind.Size, Required = defaultBytes is null && defaultDoc is null, Default = defaultBytes, DefaultDoc = defaultDoc,
        Min = Units.PageSizeBytes, Max = SizeBytesMax,
        Doc = doc,
        Get = FieldDecl.Of<TConfig>(c => get(c)),
    };

    /// <summary>
    /// Reports orders above <paramref name="orderMax"/> in a weight map (the map reader allows
    /// 0..MAX_PAGE_ORDER); returns whether all are allowed.
    /// </summary>
    public static bool CheckOrdersAtMost(FieldValues values, string field, int orderMax, string why, LoadContext ctx)
    {
        bool ok = true;
        foreach (OrderWeight w in values.Get<ValueList<OrderWeight>>(field))
        {
            if (w.Order > orderMax)
            {
                ctx.Error(values.MarkOf(field), values.PathOf(field), $"order {w.Order} is not allowed: {why} (orders 0..{orderMax})");
                ok = false;
            }
        }

        return ok;
    }

    /// <summary>A distribution is written as text and read back to an equal value; this is its default form.</summary>
    public static DistributionSpec Exp(long meanNs) => new(DistributionKind.Exp, meanNs, 0, 0);

    /// <summary>The order weights a kernel cache of small orders uses when the file gives none.</summary>
    public static ValueList<OrderWeight> Orders(params (int Order, long Weight)[] weights) =>
        new(weights.Select(w => new OrderWeight(w.Order, w.Weight)));

    /// <summary>PAGE_ALLOC_COSTLY_ORDER: slab and network buffers never ask for more.</summary>
    public const int CostlyOrder = MmConstants.PageAllocCostlyOrder;
}
