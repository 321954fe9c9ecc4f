namespace MmSim.Scenario;

/// <summary>Resolved <c>filewrite</c> workload (writeback, issue 8): buffered or mmap-shared writers of one file.</summary>
/// <param name="File">File name.</param>
/// <param name="SizeBytes">File size.</param>
/// <param name="Mount">Mount the file lives on (null: the first mount).</param>
/// <param name="Writers">Writer tasks.</param>
/// <param name="Rate">Page writes per period per writer.</param>
/// <param name="Pattern">Sequential or random pages.</param>
/// <param name="FsyncEvery">fsync after this many writes (0: never).</param>
/// <param name="Mmap">Writes are stores to a MAP_SHARED mapping (page_mkwrite) instead of write().</param>
/// <param name="StartNs">When writing starts.</param>
public sealed record FileWriteWorkloadConfig(
    string File, long SizeBytes, string? Mount, int Writers, RateSpec Rate, AccessPattern Pattern, int FsyncEvery, bool Mmap, long StartNs) : WorkloadConfig
{
    /// <inheritdoc/>
    public override string Type => FileWriteWorkloadType.TypeName;
}

/// <summary>Declaration of the <c>filewrite</c> workload type.</summary>
internal sealed class FileWriteWorkloadType : WorkloadType
{
    public const string TypeName = "filewrite";

    public override string Name => TypeName;

    public override string Doc =>
        "Writers of one file through the page cache and writeback (mm/filemap.c generic_perform_write, or do_shared_fault → page_mkwrite "
        + "with `mmap: true`): each write dirties a page and runs balance_dirty_pages_ratelimited, so writers over the dirty limits sleep "
        + "in balance_dirty_pages; the mount's flusher writes the data to its device. `fsync_every` N writes runs fsync "
        + "(file_write_and_wait_range). Metrics: bytes_written, fsyncs, fsync_ns_total, fsync_ns_max, throttled_ns.";

    public override IReadOnlyList<FieldDecl> Fields { get; } =
    [
        new() { Name = "file", Kind = FieldKind.String, Required = true, Doc = "file name (shared with other workloads naming it)", Get = FieldDecl.Of<FileWriteWorkloadConfig>(c => c.File) },
        TimedFields.Size<FileWriteWorkloadConfig>("size", "file size", c => c.SizeBytes),
        new() { Name = "mount", Kind = FieldKind.String, DefaultDoc = "the first mount", Doc = "mount the file lives on (a name from `mounts`)", Get = FieldDecl.Of<FileWriteWorkloadConfig>(c => c.Mount) },
        new() { Name = "writers", Kind = FieldKind.Int, Default = 1L, Min = 1, Max = 256, Doc = "writer tasks", Get = FieldDecl.Of<FileWriteWorkloadConfig>(c => (long)c.Writers) },
        new() { Name = "rate", Kind = FieldKind.Rate, Required = true, Doc = "page writes per unit of time per writer (Poisson)", Get = FieldDecl.Of<FileWriteWorkloadConfig>(c => c.Rate) },
        new()
        {
            Name = "pattern", Kind = FieldKind.Choice, Choices = PageCacheWorkloadType.PatternNames, Default = "sequential",
            Doc = "`sequential`: each writer walks the file from its own offset; `random`: uniformly random pages",
            Get = FieldDecl.Of<FileWriteWorkloadConfig>(c => PageCacheWorkloadType.PatternNames[(int)c.Pattern]),
        },
        new() { Name = "fsync_every", Kind = FieldKind.Int, Default = 0L, Min = 0, Max = int.MaxValue, Doc = "fsync after this many writes of a writer; 0: never", Get = FieldDecl.Of<FileWriteWorkloadConfig>(c => (long)c.FsyncEvery) },
        new() { Name = "mmap", Kind = FieldKind.Bool, Default = false, Doc = "write through a MAP_SHARED mapping (page_mkwrite) instead of write()", Get = FieldDecl.Of<FileWriteWorkloadConfig>(c => c.Mmap) },
        TimedFields.Start<FileWriteWorkloadConfig>(c => c.StartNs),
    ];

    public override WorkloadConfig? Bind(FieldValues values, LoadContext ctx)
    {
        long size = values.Get<long>("size");
        if (size < Units.PageSizeBytes)
        {
            ctx.Error(values.MarkOf("size"), values.PathOf("size"), "the file needs at least one page");
            return null;
        }

        return new FileWriteWorkloadConfig(
            values.Get<string>("file"),
            size,
            values.IsPresent("mount") ? values.Get<string>("mount") : null,
            (int)values.Get<long>("writers"),
            (RateSpec)values.Raw("rate")!,
            values.Get<string>("pattern") == "random" ? AccessPattern.Random : AccessPattern.Sequential,
            (int)values.Get<long>("fsync_every"),
            values.Get<bool>("mmap"),
            values.Get<long>("start"));
    }
}
