namespace MmSim.Scenario;

/// <summary>
/// An event rate kept as an exact integer fraction: <see cref="Count"/> events per
/// <see cref="PerNs"/> nanoseconds (e.g. <c>100/s</c> is 100 per 1 000 000 000 ns).
/// </summary>
/// <param name="Count">Events per period; positive.</param>
/// <param name="PerNs">Length of the period in nanoseconds; one of the duration units.</param>
public readonly record struct RateSpec(long Count, long PerNs)
{
    /// <summary>Mean time between events in nanoseconds, rounded down (at least 1).</summary>
    public long MeanIntervalNs => Count <= 0 ? long.MaxValue : Math.Max(1, PerNs / Count);

    /// <summary>The canonical text, e.g. <c>100/s</c>, which <see cref="Units.TryParseRate"/> reads back.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"{Count}/{Units.DurationUnitName(PerNs)}";
}
