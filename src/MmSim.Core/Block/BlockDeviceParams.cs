// What a scenario says about one block device: its queue, its speed and its faults.
namespace MmSim.Block;

/// <summary>A block device's queue depth, speed and injected faults.</summary>
/// <param name="Name">Device name (e.g. "sda"); names the flusher "kworker/u:flush-&lt;name&gt;".</param>
/// <param name="QueueDepth">Requests the device serves at once (the hardware tags of blk-mq).</param>
/// <param name="LatencyNs">Fixed latency of every request, overlapping between requests in service.</param>
/// <param name="BandwidthBytesPerSec">Transfer rate; transfers are serialised, so service time is latency + bytes/bandwidth.</param>
/// <param name="NrRequests">Requests queued and in service before a submitter sleeps in blk_mq_get_tag (nr_requests).</param>
/// <param name="NeverCompletes">Fault: every request stays in flight forever.</param>
/// <param name="StallFromNs">Fault: no request completes from this time (−1: no stall).</param>
/// <param name="StallUntilNs">End of the stall (−1: it never ends); held completions then finish.</param>
public sealed record BlockDeviceParams(
    string Name,
    int QueueDepth = 32,
    long LatencyNs = 100_000,
    long BandwidthBytesPerSec = 500L << 20,
    int NrRequests = 256,
    bool NeverCompletes = false,
    long StallFromNs = -1,
    long StallUntilNs = -1)
{
    /// <summary>The default device of a run whose scenario names none: a SATA-SSD-like disk.</summary>
    public static BlockDeviceParams Default { get; } = new("sda");
}
