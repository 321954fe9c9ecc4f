namespace MmSim.Fs;

/// <summary>
/// A FUSE connection's parameters as the server negotiates them in FUSE_INIT and the admin tunes them
/// in /sys/fs/fuse/connections/N: background limits, request size and writeback cache mode.
/// </summary>
/// <remarks>fs/fuse/inode.c: process_init_reply, FUSE_DEFAULT_MAX_BACKGROUND (12),
/// FUSE_DEFAULT_CONGESTION_THRESHOLD (9), FUSE_DEFAULT_MAX_PAGES_PER_REQ (32).</remarks>
public sealed record FuseMountOptions
{
    /// <summary>max_background: background requests sent to the server at once; more wait on bg_queue.</summary>
    public int MaxBackground { get; init; } = 12;

    /// <summary>congestion_threshold: with this many background requests, WB_SYNC_NONE writepages skips the mapping.</summary>
    public int CongestionThreshold { get; init; } = 9;

    /// <summary>max_pages: pages per request.</summary>
    public int MaxPages { get; init; } = 32;

    /// <summary>FUSE_WRITEBACK_CACHE: buffered writes dirty the page cache (else write(2) goes to the server at once).</summary>
    public bool WritebackCache { get; init; } = true;

    /// <summary>The timeout the server asks for in FUSE_INIT (request_timeout, seconds; 0: none), capped by fs.fuse.max_request_timeout.</summary>
    public long RequestTimeoutSecs { get; init; }
}
