namespace MmSim.Scenario;

/// <summary>One entry of <c>mounts</c>: a filesystem, its block device and its bdi settings.</summary>
/// <param name="Name">Mount name; workloads name it in <c>mount:</c>.</param>
/// <param name="Fs">ext4, xfs, tmpfs or fuse.</param>
/// <param name="Device">Device name.</param>
/// <param name="QueueDepth">Requests in service at once.</param>
/// <param name="NrRequests">Requests queued before a submitter sleeps.</param>
/// <param name="LatencyNs">Per-request latency.</param>
/// <param name="BandwidthBytesPerSec">Transfer rate.</param>
/// <param name="Fault">none, never (requests never complete) or stall.</param>
/// <param name="StallFromNs">Stall start (fault stall).</param>
/// <param name="StallUntilNs">Stall end, −1 for never.</param>
/// <param name="LargeFolios">mapping_set_large_folios (null: the fs default).</param>
/// <param name="MinRatio">bdi min_ratio, percent.</param>
/// <param name="MaxRatio">bdi max_ratio, percent.</param>
/// <param name="StrictLimit">BDI_CAP_STRICTLIMIT.</param>
/// <param name="StableWrites">Writers wait for writeback (stable pages).</param>
/// <param name="Fuse">The FUSE connection of a <c>fs: fuse</c> mount (issue 9); null for the others.</param>
public sealed record MountConfig(
    string Name,
    string Fs,
    string Device,
    int QueueDepth,
    int NrRequests,
    long LatencyNs,
    long BandwidthBytesPerSec,
    string Fault,
    long StallFromNs,
    long StallUntilNs,
    bool? LargeFolios,
    int MinRatio,
    int MaxRatio,
    bool StrictLimit,
    bool StableWrites,
    FuseMountConfig? Fuse = null); // fuse (issue 9)
