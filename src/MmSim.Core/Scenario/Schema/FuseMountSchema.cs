namespace MmSim.Scenario;

/// <summary>Declaration of <c>mounts[].fuse</c> (issue 9) and its binding to <see cref="FuseMountConfig"/>.</summary>
/// <remarks>fs/fuse/inode.c: FUSE_DEFAULT_MAX_BACKGROUND 12, congestion_threshold 3/4 of it (9),
/// FUSE_DEFAULT_MAX_PAGES_PER_REQ 32 capped by fuse_max_pages_limit (256); request_timeout is a u16 of fuse_init_out.</remarks>
internal static class FuseMountSchema
{
    public static SectionDecl Decl { get; } = new(
        "mounts[].fuse",
        "The FUSE connection of a `fs: fuse` mount, as its server negotiates it in FUSE_INIT (and the admin tunes it in /sys/fs/fuse/connections/N).",
        [
            Int("max_background", 12, 1, 65535, "background requests (writeback) sent to the server at once; more wait on bg_queue", c => c.MaxBackground),
            Int("congestion_threshold", 9, 1, 65535, "background requests at which WB_SYNC_NONE writeback skips the mount's files (fuse_writepages)", c => c.CongestionThreshold),
            Int("max_pages", 32, 1, 256, "pages per request (contiguous dirty pages share one FUSE_WRITE up to this)", c => c.MaxPages),
            new() { Name = "writeback_cache", Kind = FieldKind.Bool, Default = true, Doc = "FUSE_WRITEBACK_CACHE: writes dirty the page cache and the flusher writes them back; false: write(2) sends FUSE_WRITE at once (write-through)", Get = FieldDecl.Of<FuseMountConfig>(c => c.WritebackCache) },
            Int("request_timeout", 0, 0, 65535, "seconds the server asks for in FUSE_INIT (6.15+), capped by sysctl fuse_max_request_timeout; 0: none (fuse_default_request_timeout applies)", c => c.RequestTimeoutSecs),
        ],
        Bind);

    private static FieldDecl Int(string name, long defaultValue, long min, long max, string doc, Func<FuseMountConfig, int> get) => new()
    {
        Name = name, Kind = FieldKind.Int, Default = defaultValue, Min = min, Max = max, Doc = doc,
        Get = FieldDecl.Of<FuseMountConfig>(c => (long)get(c)),
    };

    private static FuseMountConfig Bind(FieldValues v, LoadContext ctx) => new(
        (int)v.Get<long>("max_background"),
        (int)v.Get<long>("congestion_threshold"),
        (int)v.Get<long>("max_pages"),
        v.Get<bool>("writeback_cache"),
        (int)v.Get<long>("request_timeout"));
}
