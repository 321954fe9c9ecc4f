namespace MmSim.Scenario;

/// <summary>How a <c>fuse_server</c> behaves over the run (<c>behaviour</c>).</summary>
public enum FuseServerBehaviour
{
    /// <summary>Answers every request after its service time.</summary>
    Healthy,

    /// <summary>As healthy, every service time multiplied by <c>slow_factor</c>.</summary>
    Slow,

    /// <summary>SIGSTOP at <c>stall_at</c> (SIGCONT at <c>resume_at</c>, if given): requests read stay held.</summary>
    Stall,

    /// <summary>Answers every request but FUSE_WRITE, which it reads and never answers.</summary>
    NeverWrite,

    /// <summary>The process exits at <c>die_at</c>; the last /dev/fuse fd closes and the connection aborts.</summary>
    Die,
}

/// <summary>Resolved <c>fuse_server</c> workload (issue 9): the user-space server of a FUSE mount.</summary>
/// <param name="Mount">The FUSE mount it serves.</param>
/// <param name="Threads">Server threads reading /dev/fuse.</param>
/// <param name="Splice">Share of the threads that read with splice (fuse_dev_splice_read).</param>
/// <param name="WriteService">Service time of FUSE_WRITE per page (one draw per request, times its pages).</param>
/// <param name="ReadService">Service time of FUSE_READ per page (one draw per request, times its pages).</param>
/// <param name="FsyncService">Service time of FUSE_FSYNC per request.</param>
/// <param name="FlushService">Service time of FUSE_FLUSH per request.</param>
/// <param name="SetattrService">Service time of FUSE_SETATTR per request.</param>
/// <param name="Behaviour">Healthy, slow, stall, never_write or die.</param>
/// <param name="SlowFactor">Service-time multiplier of a slow server (1 otherwise).</param>
/// <param name="StallAtNs">When a stalling server stops (−1: never).</param>
/// <param name="ResumeAtNs">When a stalled server continues (−1: never).</param>
/// <param name="DieAtNs">When a dying server exits (−1: never).</param>
/// <param name="BackingMount">Mount of the backing file (null: the first mount that is not FUSE).</param>
/// <param name="BackingSizeBytes">Size of the backing file; writes wrap around at its end.</param>
public sealed record FuseServerWorkloadConfig(
    string Mount,
    int Threads,
    Percent Splice,
    DistributionSpec WriteService,
    DistributionSpec ReadService,
    DistributionSpec FsyncService,
    DistributionSpec FlushService,
    DistributionSpec SetattrService,
    FuseServerBehaviour Behaviour,
    int SlowFactor,
    long StallAtNs,
    long ResumeAtNs,
    long DieAtNs,
    string? BackingMount,
    long BackingSizeBytes) : WorkloadConfig
{
    /// <inheritdoc/>
    public override string Type => FuseServerWorkloadType.TypeName;
}

/// <summary>Declaration of the <c>fuse_server</c> workload type.</summary>
internal sealed class FuseServerWorkloadType : WorkloadType
{
    public const string TypeName = "fuse_server";

    /// <summary>Behaviour names as written, in <see cref="FuseServerBehaviour"/> order.</summary>
    public static readonly string[] BehaviourNames = ["healthy", "slow", "stall", "never_write", "die"];

    private const int SlowFactorDefault = 10;

    public override string Name => TypeName;

    public override string Doc =>
        "The user-space server of a FUSE mount (issue 9): `threads` tasks (`fuse-server`, `fuse-server1`…) loop on /dev/fuse — "
        + "fuse_dev_do_read (S while nothing is pending), the request's service time, its work, then the answer (fuse_dev_do_write). "
        + "Each thread maps and touches a request buffer of max_pages pages at start; each FUSE_WRITE is written with buffered "
        + "write(2) to a backing file on `backing_mount` (its page cache, like the buffers, charged to the server's `cgroup`, where "
        + "it can enter memcg limit reclaim), FUSE_READ reads it, FUSE_FSYNC fsyncs it. Behaviours: `slow` multiplies service "
        + "times; `stall` stops the process (SIGSTOP: the threads sleep in do_signal_stop and keep the requests they read) at "
        + "`stall_at` and continues it at `resume_at`; `never_write` reads FUSE_WRITE requests and never answers them; `die` exits "
        + "at `die_at`, and the connection aborts when the last thread has gone (fuse_dev_release). Metrics: answered_write, "
        + "answered_read, answered_fsync, answered_flush, answered_setattr, pages_written, service_ns_total, service_ns_max, "
        + "stalled_ns, held_when_stalled, held_pages_when_stalled, writes_held, exited_threads.";

    public override IReadOnlyList<FieldDecl> Fields { get; } =
    [
        new() { Name = "mount", Kind = FieldKind.String, Required = true, Doc = "the FUSE mount it serves (a `mounts` entry with `fs: fuse`)", Get = FieldDecl.Of<FuseServerWorkloadConfig>(c => c.Mount) },
        new() { Name = "threads", Kind = FieldKind.Int, Default = 1L, Min = 1, Max = 256, Doc = "server threads reading /dev/fuse", Get = FieldDecl.Of<FuseServerWorkloadConfig>(c => (long)c.Threads) },
        new()
        {
            Name = "splice", Kind = FieldKind.Percent, Default = Percent.FromWhole(0), Min = 0, Max = Percent.BasisPointsPerWhole,
            Doc = "share of the threads (the first ones) that read with splice (fuse_dev_splice_read): their requests' pages sit in a pipe, which cancel-writeback cannot take back",
            Get = FieldDecl.Of<FuseServerWorkloadConfig>(c => c.Splice),
        },
        Service("write_service", TimedFields.Exp(5 * Units.NsPerUs), "service time of FUSE_WRITE per page: one draw per request, times its pages", c => c.WriteService),
        Service("read_service", TimedFields.Exp(5 * Units.NsPerUs), "service time of FUSE_READ per page: one draw per request, times its pages", c => c.ReadService),
        Service("fsync_service", TimedFields.Exp(Units.NsPerMs), "service time of FUSE_FSYNC (besides fsync of the backing file)", c => c.FsyncService),
        Service("flush_service", TimedFields.Exp(10 * Units.NsPerUs), "service time of FUSE_FLUSH (close)", c => c.FlushService),
        Service("setattr_service", TimedFields.Exp(10 * Units.NsPerUs), "service time of FUSE_SETATTR", c => c.SetattrService),
        new()
        {
            Name = "behaviour", Kind = FieldKind.Choice, Choices = BehaviourNames, Default = "healthy",
            Doc = "`healthy`; `slow` (times `slow_factor`); `stall` at `stall_at`, until `resume_at`; `never_write` (FUSE_WRITE is never answered); `die` at `die_at` (the connection aborts)",
            Get = FieldDecl.Of<FuseServerWorkloadConfig>(c => BehaviourNames[(int)c.Behaviour]),
        },
        new()
        {
            Name = "slow_factor", Kind = FieldKind.Int, Min = 1, Max = 1_000_000, DefaultDoc = $"{SlowFactorDefault} with `behaviour: slow`",
            Doc = "service-time multiplier of a `slow` server",
            Get = FieldDecl.Of<FuseServerWorkloadConfig>(c => c.Behaviour == FuseServerBehaviour.Slow ? (long)c.SlowFactor : null),
        },
        When("stall_at", "when a `stall` server stops (SIGSTOP); required with `behaviour: stall`", c => c.StallAtNs),
        When("resume_at", "when a stalled server continues (SIGCONT); absent: never", c => c.ResumeAtNs),
        When("die_at", "when a `die` server exits; required with `behaviour: die`", c => c.DieAtNs),
        new()
        {
            Name = "backing_mount", Kind = FieldKind.String, DefaultDoc = "the first mount that is not FUSE",
            Doc = "mount of the backing file the server writes FUSE_WRITE data to (not a FUSE mount)",
            Get = FieldDecl.Of<FuseServerWorkloadConfig>(c => c.BackingMount),
        },
        TimedFields.Size<FuseServerWorkloadConfig>("backing_size", "size of the backing file; writes wrap around at its end", c => c.BackingSizeBytes, 64 * Units.MiB),
    ];

    public override WorkloadConfig? Bind(FieldValues values, LoadContext ctx)
    {
        var behaviour = (FuseServerBehaviour)Array.IndexOf(BehaviourNames, values.Get<string>("behaviour"));
        bool ok = Only(values, ctx, "slow_factor", behaviour, FuseServerBehaviour.Slow)
            & Only(values, ctx, "stall_at", behaviour, FuseServerBehaviour.Stall)
            & Only(values, ctx, "resume_at", behaviour, FuseServerBehaviour.Stall)
            & Only(values, ctx, "die_at", behaviour, FuseServerBehaviour.Die)
            & Needs(values, ctx, "stall_at", behaviour, FuseServerBehaviour.Stall)
            & Needs(values, ctx, "die_at", behaviour, FuseServerBehaviour.Die);
        long stallAt = values.IsPresent("stall_at") ? values.Get<long>("stall_at") : -1;
        long resumeAt = values.IsPresent("resume_at") ? values.Get<long>("resume_at") : -1;
        if (ok && resumeAt >= 0 && resumeAt <= stallAt)
        {
            ctx.Error(values.MarkOf("resume_at"), values.PathOf("resume_at"), $"{Units.FormatDuration(resumeAt)} is not after stall_at {Units.FormatDuration(stallAt)}");
            ok = false;
        }

        if (!ok)
        {
            return null;
        }

        return new FuseServerWorkloadConfig(
            values.Get<string>("mount"),
            (int)values.Get<long>("threads"),
            values.Get<Percent>("splice"),
            values.Get<DistributionSpec>("write_service"),
            values.Get<DistributionSpec>("read_service"),
            values.Get<DistributionSpec>("fsync_service"),
            values.Get<DistributionSpec>("flush_service"),
            values.Get<DistributionSpec>("setattr_service"),
            behaviour,
            behaviour != FuseServerBehaviour.Slow ? 1 : values.IsPresent("slow_factor") ? (int)values.Get<long>("slow_factor") : SlowFactorDefault,
            stallAt,
            resumeAt,
            values.IsPresent("die_at") ? values.Get<long>("die_at") : -1,
            values.IsPresent("backing_mount") ? values.Get<string>("backing_mount") : null,
            values.Get<long>("backing_size"));
    }

    private static FieldDecl Service(string name, DistributionSpec defaultSpec, string doc, Func<FuseServerWorkloadConfig, DistributionSpec> get) => new()
    {
        Name = name, Kind = FieldKind.Distribution, Default = defaultSpec, Doc = doc,
        Get = FieldDecl.Of<FuseServerWorkloadConfig>(c => get(c)),
    };

    private static FieldDecl When(string name, string doc, Func<FuseServerWorkloadConfig, long> get) => new()
    {
        Name = name, Kind = FieldKind.Duration, Min = 0, Doc = doc,
        Get = FieldDecl.Of<FuseServerWorkloadConfig>(c => get(c) >= 0 ? get(c) : null),
    };

    // A behaviour's own field given with another behaviour is a mistake worth naming, not a value to ignore.
    private static bool Only(FieldValues values, LoadContext ctx, string field, FuseServerBehaviour behaviour, FuseServerBehaviour owner)
    {
        if (!values.IsPresent(field) || behaviour == owner)
        {
            return true;
        }

        ctx.Error(values.MarkOf(field), values.PathOf(field), $"applies only to `behaviour: {BehaviourNames[(int)owner]}` (this server is {BehaviourNames[(int)behaviour]})");
        return false;
    }

    private static bool Needs(FieldValues values, LoadContext ctx, string field, FuseServerBehaviour behaviour, FuseServerBehaviour owner)
    {
        if (behaviour != owner || values.IsPresent(field))
        {
            return true;
        }

        ctx.Error(values.MarkOf("behaviour"), values.PathOf("behaviour"), $"`behaviour: {BehaviourNames[(int)owner]}` needs `{field}`");
        return false;
    }
}
