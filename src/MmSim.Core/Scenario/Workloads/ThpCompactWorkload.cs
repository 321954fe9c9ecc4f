namespace MmSim.Scenario;

/// <summary>Resolved <c>thpcompact</c> preset (after mmtests' thpcompact).</summary>
/// <param name="StartNs">When it starts (<c>start</c>).</param>
/// <param name="Fill">Share of memory filled and fragmented first, as <c>frag</c> does (<c>fill</c>).</param>
/// <param name="Threads">Worker threads (<c>threads</c>).</param>
/// <param name="AnonSize">Anonymous memory of all threads, as a share of managed memory (<c>anon_size</c>).</param>
/// <param name="FileSize">File read by all threads, as a share of managed memory (<c>file_size</c>).</param>
/// <param name="Madvise">The measured mapping is madvised MADV_HUGEPAGE (<c>madvise</c>).</param>
/// <param name="FaultRate">Pages touched per period by each thread (<c>fault_rate</c>).</param>
public sealed record ThpCompactWorkloadConfig(long StartNs, Percent Fill, long Threads, Percent AnonSize, Percent FileSize, bool Madvise, RateSpec FaultRate) : WorkloadConfig
{
    /// <inheritdoc/>
    public override string Type => ThpCompactWorkloadType.TypeName;
}

/// <summary>Declaration of the <c>thpcompact</c> preset.</summary>
internal sealed class ThpCompactWorkloadType : WorkloadType
{
    public const string TypeName = "thpcompact";

    private const long ThreadsMax = 64;

    public override string Name => TypeName;

    public override string Doc =>
        "Preset after mmtests' thpcompact: anonymous THP faults against a memory-filled, fragmented machine. First `fill` of memory is filled "
        + "and fragmented as `frag` does. Then `threads` workers each, as thpcompact.c's worker: map their share of `anon_size` madvised "
        + "MADV_HUGEPAGE and write it; unmap the first half of every 2MiB of it (punching holes; a THP so split stays allocated on the deferred-split "
        + "queue, counted in thp_deferred_split_page, because only reclaim's shrinker would free it); read their share of a `file_size` file into "
        + "the page cache to fill the holes; wait for each other; then fault a second mapping (half their anon share; madvised when `madvise`) one "
        + "2MiB range at a time, recording whether each fault got a huge page (metrics thpcompact_huge, thpcompact_base); and unmap everything. "
        + "Signature: a THP success rate below 100% until compaction is modelled.";

    public override IReadOnlyList<FieldDecl> Fields { get; } =
    [
        TimedFields.Start<ThpCompactWorkloadConfig>(c => c.StartNs),
        TimedFields.ShareOfMemory<ThpCompactWorkloadConfig>("fill", 50, "share of managed memory filled and fragmented (as `frag` with keep 25%) before the workers start", c => c.Fill),
        new()
        {
            Name = "threads", Kind = FieldKind.Int, Default = 4L, Min = 1, Max = ThreadsMax,
            Doc = "worker threads",
            Get = FieldDecl.Of<ThpCompactWorkloadConfig>(c => c.Threads),
        },
        TimedFields.ShareOfMemory<ThpCompactWorkloadConfig>("anon_size", 40, "anonymous memory of all workers together, as a share of managed memory", c => c.AnonSize),
        TimedFields.ShareOfMemory<ThpCompactWorkloadConfig>("file_size", 15, "size of the file the workers read, as a share of managed memory", c => c.FileSize),
        new()
        {
            Name = "madvise", Kind = FieldKind.Bool, Default = true,
            Doc = "madvise MADV_HUGEPAGE on the measured mapping (thpcompact's madvise_hugepage argument); otherwise THP applies as enabled=always",
            Get = FieldDecl.Of<ThpCompactWorkloadConfig>(c => c.Madvise),
        },
        new()
        {
            Name = "fault_rate", Kind = FieldKind.Rate, Default = TimedFields.FaultRateDefault,
            Doc = "pages each worker writes per unit of time",
            Get = FieldDecl.Of<ThpCompactWorkloadConfig>(c => c.FaultRate),
        },
    ];

    public override WorkloadConfig? Bind(FieldValues values, LoadContext ctx) => new ThpCompactWorkloadConfig(
        values.Get<long>("start"),
        values.Get<Percent>("fill"),
        values.Get<long>("threads"),
        values.Get<Percent>("anon_size"),
        values.Get<Percent>("file_size"),
        values.Get<bool>("madvise"),
        values.Get<RateSpec>("fault_rate"));
}
