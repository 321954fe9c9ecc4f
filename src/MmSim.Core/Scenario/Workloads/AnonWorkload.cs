using MmSim.Mm.Memory;
namespace MmSim.Scenario;

/// <summary>Resolved <c>anon</c> workload: a process that maps anonymous memory, faults it in, holds it and exits.</summary>
/// <param name="SizeBytes">Size of the mapping (<c>size</c>).</param>
/// <param name="FaultRate">Pages first touched per period (<c>fault_rate</c>, or <c>size</c> over <c>fill_time</c>).</param>
/// <param name="Lifetime">Time from start to munmap and exit (<c>lifetime</c>); null: until the run ends.</param>
/// <param name="Thp">How THP applies to the mapping (<c>thp</c>).</param>
/// <param name="Defrag">transparent_hugepage/defrag (<c>defrag</c>).</param>
/// <param name="Mlock">The mapping is mlocked (<c>mlock</c>, MAP_LOCKED).</param>
/// <param name="StartNs">When the first run starts (<c>start</c>).</param>
/// <param name="Repeat">How many times the process runs, one after the other (<c>repeat</c>).</param>
/// <param name="OomScoreAdj">The process's /proc/pid/oom_score_adj (<c>oom_score_adj</c>), −1000…1000.</param>
public sealed record AnonWorkloadConfig(
    long SizeBytes, RateSpec FaultRate, DistributionSpec? Lifetime, ThpMode Thp, ThpDefrag Defrag, bool Mlock, long StartNs, long Repeat, int OomScoreAdj = 0) : WorkloadConfig
{
    /// <inheritdoc/>
    public override string Type => AnonWorkloadType.TypeName;
}

/// <summary>Declaration of the <c>anon</c> workload type.</summary>
internal sealed class AnonWorkloadType : WorkloadType
{
    public const string TypeName = "anon";

    public static readonly IReadOnlyList<string> ThpNames = ["never", "madvise", "always"];

    public static readonly IReadOnlyList<string> DefragNames = ["always", "defer", "defer+madvise", "madvise", "never"];

    private const long RepeatMax = 1_000_000_000;

    public override string Name => TypeName;

    public override string Doc =>
        "A process that mmaps `size` bytes of private anonymous memory (2MiB-aligned), writes to it page by page at `fault_rate`, "
        + "holds it for `lifetime` and then unmaps it and exits (all its pages and page tables are freed). The first touch of each 2MiB range "
        + "whose mapping THP applies to (`thp`) tries an order-9 folio with the gfp of mm/huge_memory.c vma_thp_gfp_mask for `defrag` "
        + "(madvised: GFP_TRANSHUGE under defrag=madvise; not madvised: GFP_TRANSHUGE_LIGHT), counting thp_fault_alloc, or thp_fault_fallback "
        + "and then order-0 GFP_HIGHUSER_MOVABLE pages for that range. Each 2MiB range also gets a page-table page (GFP_PGTABLE_USER, unmovable). "
        + "Pages are LRU pages (movable); `mlock` makes them unevictable as MAP_LOCKED does. The process is one process for the OOM "
        + "killer (rss, page tables, `oom_score_adj`): when memory runs out the killer picks the process with the highest badness, and a "
        + "killed process exits at once, freeing its memory, and stops for good (metric oom_killed).";

    public override IReadOnlyList<FieldDecl> Fields { get; } =
    [
        TimedFields.Size<AnonWorkloadConfig>("size", "size of the anonymous mapping", c => c.SizeBytes),
        new()
        {
            Name = "fault_rate", Kind = FieldKind.Rate, DefaultDoc = $"`{TimedFields.FaultRateDefault}` (1GiB/s), or from `fill_time`",
            Doc = "pages first touched per unit of time (each touch of a page not yet present is a page fault; a THP fault maps 512 at once)",
            Get = FieldDecl.Of<AnonWorkloadConfig>(c => c.FaultRate),
        },
        new()
        {
            Name = "fill_time", Kind = FieldKind.Duration, Min = 1, DefaultDoc = "none",
            Doc = "instead of `fault_rate`: time to touch the whole mapping once",
            Get = _ => null,
        },
        new()
        {
            Name = "lifetime", Kind = FieldKind.Distribution, DefaultDoc = "until the run ends",
            Doc = "time from the process's start to munmap and exit, drawn per run of the process",
            Get = FieldDecl.Of<AnonWorkloadConfig>(c => c.Lifetime),
        },
        new()
        {
            Name = "thp", Kind = FieldKind.Choice, Choices = ThpNames, Default = "always",
            Doc = "`always`: transparent_hugepage/enabled=always, mapping not madvised; `madvise`: the mapping is madvised MADV_HUGEPAGE; `never`: no THP",
            Get = FieldDecl.Of<AnonWorkloadConfig>(c => ThpNames[(int)c.Thp]),
        },
        new()
        {
            Name = "defrag", Kind = FieldKind.Choice, Choices = DefragNames, Default = "madvise",
            Doc = "transparent_hugepage/defrag, which picks the THP fault's gfp (vma_thp_gfp_mask)",
            Get = FieldDecl.Of<AnonWorkloadConfig>(c => DefragNames[(int)c.Defrag]),
        },
        new()
        {
            Name = "mlock", Kind = FieldKind.Bool, Default = false,
            Doc = "map with MAP_LOCKED: pages are mlocked (unevictable LRU, nr_mlock)",
            Get = FieldDecl.Of<AnonWorkloadConfig>(c => c.Mlock),
        },
        TimedFields.Start<AnonWorkloadConfig>(c => c.StartNs),
        new()
        {
            Name = "repeat", Kind = FieldKind.Int, Default = 1L, Min = 1, Max = RepeatMax,
            Doc = "how many times the process runs, each run starting when the previous one exits",
            Get = FieldDecl.Of<AnonWorkloadConfig>(c => c.Repeat),
        },
        new()
        {
            Name = "oom_score_adj", Kind = FieldKind.Int, Default = 0L, Min = MmSim.Mm.MmStruct.OomScoreAdjMin, Max = MmSim.Mm.MmStruct.OomScoreAdjMax,
            Doc = "the process's /proc/pid/oom_score_adj: added to its OOM badness in thousandths of memory; -1000 means never OOM-killed",
            Get = FieldDecl.Of<AnonWorkloadConfig>(c => (long)c.OomScoreAdj),
        },
    ];

    public override WorkloadConfig? Bind(FieldValues values, LoadContext ctx)
    {
        long size = values.Get<long>("size");
        RateSpec? rate = (RateSpec?)values.Raw("fault_rate");
        if (values.Raw("fill_time") is long fillNs)
        {
            if (rate is not null)
            {
                ctx.Error(values.MarkOf("fill_time"), values.PathOf("fill_time"), "give either 'fault_rate' or 'fill_time', not both");
                return null;
            }

            // The whole mapping is touched once in fill_time: size/4KiB pages per fill_time.
            rate = new RateSpec(size / Units.PageSizeBytes, fillNs);
        }

        return new AnonWorkloadConfig(
            size,
            rate ?? TimedFields.FaultRateDefault,
            (DistributionSpec?)values.Raw("lifetime"),
            ParseThp(values.Get<string>("thp")),
            ParseDefrag(values.Get<string>("defrag")),
            values.Get<bool>("mlock"),
            values.Get<long>("start"),
            values.Get<long>("repeat"),
            (int)values.Get<long>("oom_score_adj"));
    }

    public static ThpMode ParseThp(string text) => (ThpMode)IndexOf(ThpNames, text);

    public static ThpDefrag ParseDefrag(string text) => (ThpDefrag)IndexOf(DefragNames, text);

    private static int IndexOf(IReadOnlyList<string> names, string text)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (names[i] == text)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"'{text}' is not one of {string.Join(", ", names)}; the choice reader admits only those");
    }
}
