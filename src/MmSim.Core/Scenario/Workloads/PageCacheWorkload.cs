namespace MmSim.Scenario;

/// <summary>How readers and writers walk the files.</summary>
public enum AccessPattern
{
    /// <summary>Page after page, file after file, starting over after the last page.</summary>
    Sequential,

    /// <summary>A uniformly random page of all the files' pages.</summary>
    Random,
}

/// <summary>One file of a <c>pagecache</c> workload.</summary>
/// <param name="Name">File name (<c>name</c>); workloads that name the same file share its page cache.</param>
/// <param name="SizeBytes">File size (<c>size</c>).</param>
public sealed record CachedFileConfig(string Name, long SizeBytes);

/// <summary>Resolved <c>pagecache</c> workload: a reader and/or a writer of named files.</summary>
/// <param name="Files">The files (<c>files</c>).</param>
/// <param name="ReadRate">Page reads per period (<c>read_rate</c>); null: no reader.</param>
/// <param name="WriteRate">Page writes per period (<c>write_rate</c>); null: no writer.</param>
/// <param name="DeleteRate">Files deleted and created again empty per period (<c>delete_rate</c>); null: none.</param>
/// <param name="Pattern">Access pattern (<c>pattern</c>).</param>
/// <param name="StartNs">When reading and writing start (<c>start</c>).</param>
/// <param name="ReadSizeBytes">Bytes each read() asks for (<c>read_size</c>), a whole number of pages.</param>
public sealed record PageCacheWorkloadConfig(
    ValueList<CachedFileConfig> Files, RateSpec? ReadRate, RateSpec? WriteRate, RateSpec? DeleteRate, AccessPattern Pattern, long StartNs, long ReadSizeBytes = Units.PageSizeBytes) : WorkloadConfig
{
    /// <inheritdoc/>
    public override string Type => PageCacheWorkloadType.TypeName;
}

/// <summary>Declaration of the <c>pagecache</c> workload type.</summary>
internal sealed class PageCacheWorkloadType : WorkloadType
{
    public const string TypeName = "pagecache";

    private const int FileNameLengthMax = 255;

    public static readonly IReadOnlyList<string> PatternNames = ["sequential", "random"];

    public static SectionDecl File { get; } = new(
        "files[]",
        "One file. Its pages enter the page cache on first access and stay there: there is no writeback and no reclaim yet.",
        [
            new()
            {
                Name = "name", Kind = FieldKind.String, Required = true,
                Check = v => ((string)v).Length is > 0 and <= FileNameLengthMax ? null : $"a file name has 1 to {FileNameLengthMax} characters (NAME_MAX)",
                Doc = "file name; workloads naming the same file share its cached pages",
                Get = FieldDecl.Of<CachedFileConfig>(f => f.Name),
            },
            TimedFields.Size<CachedFileConfig>("size", "file size", f => f.SizeBytes),
        ],
        (v, _) => v);

    public override string Name => TypeName;

    public override string Doc =>
        "Readers and writers of named files through the page cache (mm/filemap.c). A read() asks for `read_size` bytes from a page "
        + "(cut at the end of its file) and goes through readahead (mm/readahead.c: a miss reads a window ahead, reaching the marked "
        + "folio pushes the window on, up to read_ahead_kb = 128 KiB; random small reads get only what they ask); folios are allocated with "
        + "GFP_HIGHUSER_MOVABLE|__GFP_NORETRY|__GFP_NOWARN without __GFP_FS, as readahead does, order 0 unless the file's mount allows large "
        + "folios. A write touches one page (GFP_HIGHUSER_MOVABLE|__GFP_WRITE) and dirties it (nr_dirty, nr_dirtied). Cached pages are LRU "
        + "pages owned by the file, counted in nr_file_pages. An access to a file whose inode or dentry is not cached loads it into its "
        + "reclaimable slab cache. Accesses arrive as a Poisson process at `read_rate`/`write_rate`; `delete_rate` deletes random files "
        + "(truncate_inode_pages frees their pages wherever the accesses put them).";

    public override IReadOnlyList<FieldDecl> Fields { get; } =
    [
        new()
        {
            Name = "files", Kind = FieldKind.SectionList, Section = File, Required = true,
            Doc = "the files read and written",
            Get = FieldDecl.Of<PageCacheWorkloadConfig>(c => c.Files),
        },
        new()
        {
            Name = "read_rate", Kind = FieldKind.Rate, DefaultDoc = "no reader",
            Doc = "read() calls per unit of time (mean of a Poisson process)",
            Get = FieldDecl.Of<PageCacheWorkloadConfig>(c => c.ReadRate),
        },
        new()
        {
            Name = "write_rate", Kind = FieldKind.Rate, DefaultDoc = "no writer",
            Doc = "page writes per unit of time (mean of a Poisson process)",
            Get = FieldDecl.Of<PageCacheWorkloadConfig>(c => c.WriteRate),
        },
        new()
        {
            Name = "delete_rate", Kind = FieldKind.Rate, DefaultDoc = "no deletions",
            Doc = "files deleted and created again empty per unit of time (a random file each time, Poisson), as a build or log rotation does: all its cached pages are freed, dirty ones too",
            Get = FieldDecl.Of<PageCacheWorkloadConfig>(c => c.DeleteRate),
        },
        new()
        {
            Name = "pattern", Kind = FieldKind.Choice, Choices = PatternNames, Default = "sequential",
            Doc = "`sequential`: page after page through the files in order, then again; `random`: uniformly random pages",
            Get = FieldDecl.Of<PageCacheWorkloadConfig>(c => PatternNames[(int)c.Pattern]),
        },
        new()
        {
            Name = "read_size", Kind = FieldKind.Size, Default = Units.PageSizeBytes, Min = Units.PageSizeBytes, Max = ReadSizeMax,
            Doc = "bytes each read() asks for (fio's bs): one call reads them all, and readahead sizes its first window from it",
            Get = FieldDecl.Of<PageCacheWorkloadConfig>(c => c.ReadSizeBytes),
        },
        TimedFields.Start<PageCacheWorkloadConfig>(c => c.StartNs),
    ];

    // MAX_RW_COUNT is about 2 GiB; 64 MiB keeps one call's work bounded.
    private const long ReadSizeMax = 64 * Units.MiB;

    public override WorkloadConfig? Bind(FieldValues values, LoadContext ctx)
    {
        List<CachedFileConfig>? files = BindFiles(values, ctx);
        var read = (RateSpec?)values.Raw("read_rate");
        var write = (RateSpec?)values.Raw("write_rate");
        if (read is null && write is null)
        {
            ctx.Error(values.Node.Start, values.PathOf("read_rate"), "give 'read_rate', 'write_rate' or both; without them nothing touches the files");
            return null;
        }

        AccessPattern pattern = values.Get<string>("pattern") == "random" ? AccessPattern.Random : AccessPattern.Sequential;
        var delete = (RateSpec?)values.Raw("delete_rate");
        return files is null ? null : new PageCacheWorkloadConfig(new ValueList<CachedFileConfig>(files), read, write, delete, pattern, values.Get<long>("start"), values.Get<long>("read_size"));
    }

    private static List<CachedFileConfig>? BindFiles(FieldValues values, LoadContext ctx)
    {
        ValueList<FieldValues> items = values.List<FieldValues>("files");
        if (items.Count == 0)
        {
            ctx.Error(values.MarkOf("files"), values.PathOf("files"), "at least one file is needed, e.g. '- { name: data, size: 64MiB }'");
            return null;
        }

        var files = new List<CachedFileConfig>(items.Count);
        foreach (FieldValues item in items)
        {
            string name = item.Get<string>("name");
            if (files.Exists(f => f.Name == name))
            {
                ctx.Error(item.MarkOf("name"), item.PathOf("name"), $"file '{name}' is listed twice");
                return null;
            }

            files.Add(new CachedFileConfig(name, item.Get<long>("size")));
        }

        return files;
    }
}
