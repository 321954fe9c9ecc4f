namespace MmSim.Scenario;

/// <summary>Resolved <c>punch</c> preset: fill memory with tmpfs files, punch out every other chunk, compact.</summary>
/// <param name="AtNs">When the fill starts (<c>at</c>).</param>
/// <param name="Fill">Share of managed memory written into tmpfs (<c>fill</c>).</param>
/// <param name="ChunkBytes">Unit of the writes and of the holes (<c>chunk</c>).</param>
/// <param name="FileBytes">Size of each tmpfs file (<c>file_size</c>).</param>
/// <param name="Compact">Whether the task writes /proc/sys/vm/compact_memory after punching (<c>compact</c>).</param>
/// <param name="CompactAfterNs">Delay between the last hole and compact_memory (<c>compact_after</c>).</param>
public sealed record PunchWorkloadConfig(long AtNs, Percent Fill, long ChunkBytes, long FileBytes, bool Compact, long CompactAfterNs) : WorkloadConfig
{
    /// <inheritdoc/>
    public override string Type => PunchWorkloadType.TypeName;
}

/// <summary>Declaration of the <c>punch</c> preset.</summary>
internal sealed class PunchWorkloadType : WorkloadType
{
    public const string TypeName = "punch";

    public override string Name => TypeName;

    public override string Doc =>
        "Preset: the classic hole-punch fragmentation experiment. At `at` one task writes tmpfs (shmem) files of `file_size`, `chunk` by chunk "
        + "(order-0 GFP_HIGHUSER_MOVABLE page cache, swap-backed, nr_shmem), until `fill` of managed memory is written or a write gets no memory; "
        + "then punches a hole (fallocate FALLOC_FL_PUNCH_HOLE: shmem_truncate_range) in every other chunk, counting chunks across the files in "
        + "the order written; then, `compact_after` later, writes 1 to /proc/sys/vm/compact_memory. The metrics record `filled_pages`, "
        + "`punched_pages`, the free buddy blocks of every order over all zones right after punching (`free_o0_before` … `free_o10_before`, "
        + "pcp lists excluded as in /proc/buddyinfo) and after compaction (`free_o0_after` …), and `compact_ns`, the time compact_memory took. "
        + "The time series shows the same per zone and migratetype (`free_o*_*`) at every sample.";

    public override IReadOnlyList<FieldDecl> Fields { get; } =
    [
        new()
        {
            Name = "at", Kind = FieldKind.Duration, Default = 0L, Min = 0,
            Doc = "simulated time at which the files are written",
            Get = FieldDecl.Of<PunchWorkloadConfig>(c => c.AtNs),
        },
        TimedFields.ShareOfMemory<PunchWorkloadConfig>("fill", 80, "share of managed memory written into tmpfs files", c => c.Fill),
        TimedFields.Size<PunchWorkloadConfig>("chunk", "size of each write and of each hole (every other chunk is punched)", c => c.ChunkBytes, defaultBytes: Units.MiB),
        TimedFields.Size<PunchWorkloadConfig>("file_size", "size of each tmpfs file, a multiple of `chunk`; the fill is split into files of this size", c => c.FileBytes, defaultBytes: 64 * Units.MiB),
        new()
        {
            Name = "compact", Kind = FieldKind.Bool, Default = true,
            Doc = "write 1 to /proc/sys/vm/compact_memory after punching",
            Get = FieldDecl.Of<PunchWorkloadConfig>(c => c.Compact),
        },
        new()
        {
            Name = "compact_after", Kind = FieldKind.Duration, Default = Units.NsPerS, Min = 0,
            Doc = "time between the last hole and compact_memory (leave a sample between them to see both patterns in the time series)",
            Get = FieldDecl.Of<PunchWorkloadConfig>(c => c.CompactAfterNs),
        },
    ];

    public override WorkloadConfig? Bind(FieldValues values, LoadContext ctx)
    {
        long chunk = values.Get<long>("chunk");
        long file = values.Get<long>("file_size");
        if (file % chunk != 0)
        {
            ctx.Error(values.MarkOf("file_size"), values.PathOf("file_size"),
                $"{Units.FormatSize(file)} is not a multiple of the chunk ({Units.FormatSize(chunk)}); files are written and punched in whole chunks");
            return null;
        }

        return new PunchWorkloadConfig(values.Get<long>("at"), values.Get<Percent>("fill"), chunk, file, values.Get<bool>("compact"), values.Get<long>("compact_after"));
    }
}
