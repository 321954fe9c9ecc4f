using MmSim.Mm.Memory;
namespace MmSim.Scenario;

/// <summary>Resolved <c>thpchallenge</c> preset (after mmtests' thpchallenge).</summary>
/// <param name="StartNs">When it starts (<c>start</c>).</param>
/// <param name="Cache">Total size of the small files, as a share of managed memory (<c>cache</c>).</param>
/// <param name="FileSizeBytes">Size of each small file (<c>file_size</c>).</param>
/// <param name="ReadRate">Page reads per period (<c>read_rate</c>).</param>
/// <param name="DeleteRate">Small files deleted and created again per period (<c>delete_rate</c>).</param>
/// <param name="SlabRate">Slabs of the kernel churn per period (<c>slab_rate</c>).</param>
/// <param name="SlabLifetime">Lifetime of each of those slabs (<c>slab_lifetime</c>).</param>
/// <param name="ThpSize">Size of the THP process's mapping, as a share of managed memory (<c>thp_size</c>).</param>
/// <param name="ThpLifetime">Lifetime of each run of the THP process (<c>thp_lifetime</c>).</param>
/// <param name="Thp">How THP applies to its mapping (<c>thp</c>).</param>
/// <param name="Defrag">transparent_hugepage/defrag (<c>defrag</c>).</param>
/// <param name="ThpDelayNs">How long after <c>start</c> the THP process first runs (<c>thp_delay</c>).</param>
public sealed record ThpChallengeWorkloadConfig(
    long StartNs, Percent Cache, long FileSizeBytes, RateSpec ReadRate, RateSpec DeleteRate, RateSpec SlabRate, DistributionSpec SlabLifetime, Percent ThpSize, DistributionSpec ThpLifetime, ThpMode Thp, ThpDefrag Defrag, long ThpDelayNs = 0) : WorkloadConfig
{
    /// <inheritdoc/>
    public override string Type => ThpChallengeWorkloadType.TypeName;
}

/// <summary>Declaration of the <c>thpchallenge</c> preset.</summary>
internal sealed class ThpChallengeWorkloadType : WorkloadType
{
    public const string TypeName = "thpchallenge";

    // mmtests sizes its reader's files past memory so that reclaim runs all along; 4x is ample.
    private const int CachePercentMax = 400;

    public override string Name => TypeName;

    public override string Doc =>
        "Preset after mmtests' thpchallenge: THP faults while another load fragments memory. The fragmenting load reads random pages of many "
        + "small files (`cache` of memory in files of `file_size`, as a `pagecache` workload with pattern random at `read_rate`, deleting "
        + "`delete_rate` files a second), each newly opened file adding its inode and dentry to reclaimable slab, beside the kernel's own slab churn "
        + "(`slab_rate`, `slab_lifetime`). In parallel a process maps `thp_size` of memory with `thp` (as `anon`), faults it in, lives "
        + "`thp_lifetime` and exits, again and again until the run ends. Signature: thp_fault_fallback stays at 0 while whole 2MiB blocks remain "
        + "and grows once the load has taken them (the workload's metrics count its THP faults: thp_fault_alloc, thp_fault_fallback, runs). "
        + "As in mmtests (background fio-random-reader-inefficient), `cache` may exceed memory (up to 400%): the reads then keep reclaim busy, "
        + "kswapd frees clean page cache a page at a time all over memory (pgsteal_file), the freed pages are taken again by the next reads "
        + "before their buddies free, and THP faults fall back once no whole 2MiB block is left. `thp_delay` lets the reader fill memory "
        + "before the THP process first runs, as mmtests starts its faulter after the background reader. When a fallback finds no base page "
        + "either the OOM killer picks a victim (the THP process, the biggest: metric oom_killed).";

    public override IReadOnlyList<FieldDecl> Fields { get; } =
    [
        TimedFields.Start<ThpChallengeWorkloadConfig>(c => c.StartNs),
        TimedFields.ShareOfMemory<ThpChallengeWorkloadConfig>("cache", 80, "total size of the small files, as a share of managed memory; above 100% the reads keep reclaim running", c => c.Cache, maxPercent: CachePercentMax),
        TimedFields.Size<ThpChallengeWorkloadConfig>("file_size", "size of each small file", c => c.FileSizeBytes, defaultBytes: 64 * Units.KiB),
        new()
        {
            Name = "read_rate", Kind = FieldKind.Rate, Default = new RateSpec(131072, Units.NsPerS),
            Doc = "page reads of the fragmenting load per unit of time (Poisson)",
            Get = FieldDecl.Of<ThpChallengeWorkloadConfig>(c => c.ReadRate),
        },
        new()
        {
            Name = "delete_rate", Kind = FieldKind.Rate, Default = new RateSpec(512, Units.NsPerS),
            Doc = "small files deleted and created again per unit of time (Poisson), freeing their pages wherever the reads put them",
            Get = FieldDecl.Of<ThpChallengeWorkloadConfig>(c => c.DeleteRate),
        },
        new()
        {
            Name = "slab_rate", Kind = FieldKind.Rate, Default = new RateSpec(8192, Units.NsPerS),
            Doc = "slabs per unit of time of the kernel's own churn beside the reads (unmovable, orders 0..3 as `slab` with orders {0: 4, 1: 2, 2: 1, 3: 1})",
            Get = FieldDecl.Of<ThpChallengeWorkloadConfig>(c => c.SlabRate),
        },
        new()
        {
            Name = "slab_lifetime", Kind = FieldKind.Distribution, Default = new DistributionSpec(DistributionKind.Lognormal, 250 * Units.NsPerMs, 0, 2.0),
            Doc = "lifetime of each of those slabs",
            Get = FieldDecl.Of<ThpChallengeWorkloadConfig>(c => c.SlabLifetime),
        },
        TimedFields.ShareOfMemory<ThpChallengeWorkloadConfig>("thp_size", 15, "size of the THP process's mapping, as a share of managed memory", c => c.ThpSize),
        new()
        {
            Name = "thp_lifetime", Kind = FieldKind.Distribution, Default = TimedFields.Exp(250 * Units.NsPerMs),
            Doc = "lifetime of each run of the THP process",
            Get = FieldDecl.Of<ThpChallengeWorkloadConfig>(c => c.ThpLifetime),
        },
        new()
        {
            Name = "thp", Kind = FieldKind.Choice, Choices = AnonWorkloadType.ThpNames, Default = "madvise",
            Doc = "how THP applies to the THP process's mapping (as `anon`)",
            Get = FieldDecl.Of<ThpChallengeWorkloadConfig>(c => AnonWorkloadType.ThpNames[(int)c.Thp]),
        },
        new()
        {
            Name = "defrag", Kind = FieldKind.Choice, Choices = AnonWorkloadType.DefragNames, Default = "madvise",
            Doc = "transparent_hugepage/defrag (as `anon`)",
            Get = FieldDecl.Of<ThpChallengeWorkloadConfig>(c => AnonWorkloadType.DefragNames[(int)c.Defrag]),
        },
        new()
        {
            Name = "thp_delay", Kind = FieldKind.Duration, Default = 0L, Min = 0,
            Doc = "time after `start` before the THP process first runs, so that the reader has filled memory and reclaim runs when it faults",
            Get = FieldDecl.Of<ThpChallengeWorkloadConfig>(c => c.ThpDelayNs),
        },
    ];

    public override WorkloadConfig? Bind(FieldValues values, LoadContext ctx) => new ThpChallengeWorkloadConfig(
        values.Get<long>("start"),
        values.Get<Percent>("cache"),
        values.Get<long>("file_size"),
        values.Get<RateSpec>("read_rate"),
        values.Get<RateSpec>("delete_rate"),
        values.Get<RateSpec>("slab_rate"),
        values.Get<DistributionSpec>("slab_lifetime"),
        values.Get<Percent>("thp_size"),
        values.Get<DistributionSpec>("thp_lifetime"),
        AnonWorkloadType.ParseThp(values.Get<string>("thp")),
        AnonWorkloadType.ParseDefrag(values.Get<string>("defrag")),
        values.Get<long>("thp_delay"));
}
