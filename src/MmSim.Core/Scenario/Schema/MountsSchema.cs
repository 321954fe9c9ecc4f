namespace MmSim.Scenario;

/// <summary>Declaration of <c>mounts[]</c> (writeback, issue 8) and its binding to <see cref="MountConfig"/>.</summary>
internal static class MountsSchema
{
    public static SectionDecl Mount { get; } = new(
        "mounts[]",
        "One mounted filesystem with its block device and backing-device (bdi) settings. The first mount is where files that name none live; without `mounts`, one ext4 mount on a default device (`sda`: queue depth 32, 100us, 500MiB/s).",
        [
            new() { Name = "name", Kind = FieldKind.String, Required = true, Doc = "mount name; workloads name it in `mount:`", Get = FieldDecl.Of<MountConfig>(m => m.Name) },
            new() { Name = "fs", Kind = FieldKind.Choice, Choices = ["ext4", "xfs", "tmpfs", "fuse"], Default = "ext4", Doc = "filesystem type; tmpfs has no device and no writeback; fuse has no device: its server answers (see `fuse`)", Get = FieldDecl.Of<MountConfig>(m => m.Fs) },
            new() { Name = "device", Kind = FieldKind.String, DefaultDoc = "`sd` and a letter by position (sda, sdb…)", Doc = "block device name; the flusher is `kworker/u:flush-DEVICE`", Get = FieldDecl.Of<MountConfig>(m => IsFuse(m) ? null : m.Device) },
            new() { Name = "queue_depth", Kind = FieldKind.Int, Default = 32L, Min = 1, Max = 4096, Doc = "requests the device serves at once", Get = FieldDecl.Of<MountConfig>(m => IsFuse(m) ? null : (long)m.QueueDepth) },
            new() { Name = "nr_requests", Kind = FieldKind.Int, Default = 256L, Min = 1, Max = 1 << 16, Doc = "requests queued and in service before a submitter sleeps in blk_mq_get_tag (at least queue_depth)", Get = FieldDecl.Of<MountConfig>(m => IsFuse(m) ? null : (long)m.NrRequests) },
            new() { Name = "latency", Kind = FieldKind.Duration, Default = 100 * Units.NsPerUs, Min = 0, Max = Units.NsPerH, Doc = "fixed latency of every request", Get = FieldDecl.Of<MountConfig>(m => IsFuse(m) ? null : m.LatencyNs) },
            new() { Name = "bandwidth", Kind = FieldKind.Size, Default = 500L * Units.MiB, Min = 1, MultipleOf = 1, Doc = "bytes transferred per second; service time = latency + bytes/bandwidth", Get = FieldDecl.Of<MountConfig>(m => IsFuse(m) ? null : m.BandwidthBytesPerSec) },
            new() { Name = "fault", Kind = FieldKind.Choice, Choices = ["none", "never", "stall"], Default = "none", Doc = "`never`: requests never complete; `stall`: none completes from `stall_from` to `stall_until`", Get = FieldDecl.Of<MountConfig>(m => IsFuse(m) ? null : m.Fault) },
            new() { Name = "stall_from", Kind = FieldKind.Duration, Default = 0L, Min = 0, Doc = "start of a `stall` fault", Get = FieldDecl.Of<MountConfig>(m => IsFuse(m) ? null : m.StallFromNs) },
            new() { Name = "stall_until", Kind = FieldKind.Duration, Min = 0, DefaultDoc = "never", Doc = "end of a `stall` fault", Get = FieldDecl.Of<MountConfig>(m => !IsFuse(m) && m.StallUntilNs >= 0 ? m.StallUntilNs : null) },
            new() { Name = "large_folios", Kind = FieldKind.Bool, DefaultDoc = "true for ext4 and xfs (6.18), false for tmpfs", Doc = "the mount's files may use large folios (mapping_set_large_folios)", Get = FieldDecl.Of<MountConfig>(m => m.LargeFolios) },
            new() { Name = "min_ratio", Kind = FieldKind.Int, Default = 0L, Min = 0, Max = 100, Doc = "bdi min_ratio: percent of the dirty limit reserved for this device", Get = FieldDecl.Of<MountConfig>(m => (long)m.MinRatio) },
            new() { Name = "max_ratio", Kind = FieldKind.Int, Default = 100L, Min = 0, Max = 100, DefaultDoc = "100; 1 for fuse (fuse_bdi_init)", Doc = "bdi max_ratio: most of the dirty limit this device may use", Get = FieldDecl.Of<MountConfig>(m => (long)m.MaxRatio) },
            new() { Name = "strictlimit", Kind = FieldKind.Bool, Default = false, DefaultDoc = "false; true for fuse (fuse_bdi_init)", Doc = "BDI_CAP_STRICTLIMIT: throttle writers at the device's own share even below the global freerun ceiling (FUSE sets it)", Get = FieldDecl.Of<MountConfig>(m => m.StrictLimit) },
            new() { Name = "stable_writes", Kind = FieldKind.Bool, Default = false, Doc = "the device needs stable pages: writers wait for a folio's writeback (folio_wait_stable)", Get = FieldDecl.Of<MountConfig>(m => m.StableWrites) },
            new() { Name = "fuse", Kind = FieldKind.Section, Section = FuseMountSchema.Decl, DefaultDoc = "the FUSE defaults", Doc = "`fs: fuse` only: the connection's parameters", Get = FieldDecl.Of<MountConfig>(m => m.Fuse) }, // fuse (issue 9)
        ],
        Bind);

    // Keys of the block device, which a FUSE mount does not have.
    private static readonly string[] DeviceKeys = ["device", "queue_depth", "nr_requests", "latency", "bandwidth", "fault", "stall_from", "stall_until"];

    private static bool IsFuse(MountConfig m) => m.Fs == "fuse";

    private static MountConfig? Bind(FieldValues v, LoadContext ctx)
    {
        bool ok = true;
        bool fuse = v.Get<string>("fs") == "fuse"; // fuse (issue 9)
        ok &= CheckFuseKeys(v, ctx, fuse);
        long depth = v.Get<long>("queue_depth");
        long nr = v.Get<long>("nr_requests");
        if (nr < depth)
        {
            ctx.Error(v.MarkOf("nr_requests"), v.PathOf("nr_requests"), $"{nr} is below queue_depth {depth}; the queue holds at least the requests in service");
            ok = false;
        }

        long min = v.Get<long>("min_ratio");
        long max = fuse && !v.IsPresent("max_ratio") ? FuseMaxRatio : v.Get<long>("max_ratio");
        if (min > max)
        {
            ctx.Error(v.MarkOf("min_ratio"), v.PathOf("min_ratio"), $"{min} is above max_ratio {max}");
            ok = false;
        }

        long stallUntil = v.Raw("stall_until") is long su ? su : -1;
        if (stallUntil >= 0 && stallUntil <= v.Get<long>("stall_from"))
        {
            ctx.Error(v.MarkOf("stall_until"), v.PathOf("stall_until"), "must be after stall_from");
            ok = false;
        }

        if (!ok)
        {
            return null;
        }

        return new MountConfig(
            v.Get<string>("name"),
            v.Get<string>("fs"),
            v.IsPresent("device") ? v.Get<string>("device") : string.Empty,
            (int)depth,
            (int)nr,
            v.Get<long>("latency"),
            v.Get<long>("bandwidth"),
            v.Get<string>("fault"),
            v.Get<long>("stall_from"),
            stallUntil,
            v.Raw("large_folios") is bool lf ? lf : null,
            (int)min,
            (int)max,
            fuse && !v.IsPresent("strictlimit") || v.Get<bool>("strictlimit"),
            v.Get<bool>("stable_writes"),
            fuse ? v.Get<FuseMountConfig>("fuse") : null);
    }

    // fuse_bdi_init: bdi_set_max_ratio(sb->s_bdi, 1).
    private const long FuseMaxRatio = 1;

    // A FUSE mount names no device keys; the fuse map belongs to FUSE mounts only.
    private static bool CheckFuseKeys(FieldValues v, LoadContext ctx, bool fuse)
    {
        bool ok = true;
        if (fuse)
        {
            foreach (string key in DeviceKeys)
            {
                if (v.IsPresent(key))
                {
                    ctx.Error(v.MarkOf(key), v.PathOf(key), "a fuse mount has no block device: its server answers the requests (set `fuse:` instead)");
                    ok = false;
                }
            }
        }
        else if (v.IsPresent("fuse"))
        {
            ctx.Error(v.MarkOf("fuse"), v.PathOf("fuse"), $"only a `fs: fuse` mount takes a fuse map, this one is {v.Get<string>("fs")}");
            ok = false;
        }

        return ok;
    }
}
