namespace MmSim.Scenario;

/// <summary>Resolved <c>swap</c> section: one swap device (swapon), none when <see cref="SizeBytes"/> is 0.</summary>
/// <param name="SizeBytes">Size of the device (<c>size</c>); 0: no swap, the default.</param>
/// <param name="LatencyNs">Per-request latency (<c>latency</c>).</param>
/// <param name="BandwidthBytes">Bytes per second the device transfers (<c>bandwidth</c>).</param>
public sealed record SwapConfig(long SizeBytes, long LatencyNs, long BandwidthBytes)
{
    /// <summary>No swap device.</summary>
    public static SwapConfig None { get; } = new(0, Mm.Swap.SwapSpec.DefaultLatencyNs, Mm.Swap.SwapSpec.DefaultBytesPerSec);
}
