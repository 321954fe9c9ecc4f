namespace MmSim.Scenario;

/// <summary>The <c>fuse</c> map of a <c>fs: fuse</c> mount (issue 9): the connection's parameters as FUSE_INIT and fusectl set them.</summary>
/// <param name="MaxBackground">max_background.</param>
/// <param name="CongestionThreshold">congestion_threshold.</param>
/// <param name="MaxPages">max_pages per request.</param>
/// <param name="WritebackCache">FUSE_WRITEBACK_CACHE.</param>
/// <param name="RequestTimeoutSecs">The server's request_timeout in FUSE_INIT, seconds (0: none).</param>
public sealed record FuseMountConfig(int MaxBackground, int CongestionThreshold, int MaxPages, bool WritebackCache, int RequestTimeoutSecs);
