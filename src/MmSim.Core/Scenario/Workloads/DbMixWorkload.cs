namespace MmSim.Scenario;

/// <summary>Resolved <c>dbmix</c> workload (writeback, issue 8): a database-like mix of data overwrites, log appends with fsync, and reads.</summary>
/// <param name="File">Data file name.</param>
/// <param name="SizeBytes">Data file size.</param>
/// <param name="Hot">Share of the data file that writes and reads go to (the hot set, its first pages).</param>
/// <param name="Log">Log file name.</param>
/// <param name="LogSizeBytes">Log file size; appends wrap around at its end.</param>
/// <param name="Mount">Mount both files live on (null: the first mount).</param>
/// <param name="WriteRate">Random page overwrites of the hot set per period.</param>
/// <param name="ReadRate">Random page reads of the hot set per period.</param>
/// <param name="LogRate">Page appends to the log per period.</param>
/// <param name="FsyncIntervalNs">The log is fsync'd every this long.</param>
/// <param name="StartNs">When the workload starts.</param>
public sealed record DbMixWorkloadConfig(
    string File, long SizeBytes, Percent Hot, string Log, long LogSizeBytes, string? Mount,
    RateSpec WriteRate, RateSpec ReadRate, RateSpec LogRate, long FsyncIntervalNs, long StartNs) : WorkloadConfig
{
    /// <inheritdoc/>
    public override string Type => DbMixWorkloadType.TypeName;
}

/// <summary>Declaration of the <c>dbmix</c> workload type.</summary>
internal sealed class DbMixWorkloadType : WorkloadType
{
    public const string TypeName = "dbmix";

    public override string Name => TypeName;

    public override string Doc =>
        "A database-like mix on one mount (issue 8): a writer overwrites random pages of the data file's hot set (buffered writes, "
        + "balance_dirty_pages), a logger appends pages to the log file and fsyncs it every `fsync_interval`, and a reader reads "
        + "random pages of the hot set. Metrics: bytes_written, log_bytes, bytes_read, fsyncs, fsync_ns_total, fsync_ns_max, throttled_ns.";

    public override IReadOnlyList<FieldDecl> Fields { get; } =
    [
        new() { Name = "file", Kind = FieldKind.String, Default = "db.data", Doc = "data file name", Get = FieldDecl.Of<DbMixWorkloadConfig>(c => c.File) },
        TimedFields.Size<DbMixWorkloadConfig>("size", "data file size", c => c.SizeBytes),
        new()
        {
            Name = "hot", Kind = FieldKind.Percent, Default = Percent.FromWhole(20), Min = 1, Max = Percent.BasisPointsPerWhole,
            Doc = "share of the data file (its first pages) that writes and reads go to", Get = FieldDecl.Of<DbMixWorkloadConfig>(c => c.Hot),
        },
        new() { Name = "log", Kind = FieldKind.String, Default = "db.log", Doc = "log file name", Get = FieldDecl.Of<DbMixWorkloadConfig>(c => c.Log) },
        TimedFields.Size<DbMixWorkloadConfig>("log_size", "log file size; appends wrap around at its end", c => c.LogSizeBytes, 16L << 20),
        new() { Name = "mount", Kind = FieldKind.String, DefaultDoc = "the first mount", Doc = "mount both files live on (a name from `mounts`)", Get = FieldDecl.Of<DbMixWorkloadConfig>(c => c.Mount) },
        new() { Name = "write_rate", Kind = FieldKind.Rate, Required = true, Doc = "random page overwrites of the hot set per unit of time (Poisson)", Get = FieldDecl.Of<DbMixWorkloadConfig>(c => c.WriteRate) },
        new() { Name = "read_rate", Kind = FieldKind.Rate, Required = true, Doc = "random page reads of the hot set per unit of time (Poisson)", Get = FieldDecl.Of<DbMixWorkloadConfig>(c => c.ReadRate) },
        new() { Name = "log_rate", Kind = FieldKind.Rate, Required = true, Doc = "page appends to the log per unit of time (Poisson)", Get = FieldDecl.Of<DbMixWorkloadConfig>(c => c.LogRate) },
        new()
        {
            Name = "fsync_interval", Kind = FieldKind.Duration, Default = 10_000_000L, Min = 1,
            Doc = "the logger fsyncs the log this often (a commit interval)", Get = FieldDecl.Of<DbMixWorkloadConfig>(c => c.FsyncIntervalNs),
        },
        TimedFields.Start<DbMixWorkloadConfig>(c => c.StartNs),
    ];

    public override WorkloadConfig? Bind(FieldValues values, LoadContext ctx)
    {
        string file = values.Get<string>("file");
        string log = values.Get<string>("log");
        if (file == log)
        {
            ctx.Error(values.MarkOf("log"), values.PathOf("log"), $"the log must be another file than the data file '{file}'");
            return null;
        }

        return new DbMixWorkloadConfig(
            file,
            values.Get<long>("size"),
            values.Get<Percent>("hot"),
            log,
            values.Get<long>("log_size"),
            values.IsPresent("mount") ? values.Get<string>("mount") : null,
            (RateSpec)values.Raw("write_rate")!,
            (RateSpec)values.Raw("read_rate")!,
            (RateSpec)values.Raw("log_rate")!,
            values.Get<long>("fsync_interval"),
            values.Get<long>("start"));
    }
}
