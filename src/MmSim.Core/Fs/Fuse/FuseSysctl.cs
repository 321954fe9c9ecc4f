namespace MmSim.Fs.Fuse;

/// <summary>/proc/sys/fs/fuse (6.15+): request timeouts in seconds, 0 for none (the default).</summary>
/// <remarks>fs/fuse/sysctl.c: default_request_timeout, max_request_timeout; fs/fuse/inode.c: set_request_timeout.
/// Releases before 6.15 ignore them.</remarks>
public sealed record FuseSysctl
{
    /// <summary>fs.fuse.default_request_timeout: the timeout of connections whose server asks for none.</summary>
    public long DefaultRequestTimeoutSecs { get; init; }

    /// <summary>fs.fuse.max_request_timeout: the cap on any connection's timeout.</summary>
    public long MaxRequestTimeoutSecs { get; init; }
}
