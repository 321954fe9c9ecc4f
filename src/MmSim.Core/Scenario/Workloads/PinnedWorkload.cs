namespace MmSim.Scenario;

/// <summary>Resolved <c>pinned</c> workload: memory pinned long-term by a device driver.</summary>
/// <param name="SizeBytes">Memory pinned (<c>size</c>).</param>
/// <param name="AtNs">When it is pinned (<c>at</c>).</param>
/// <param name="ReleaseAtNs">When it is unpinned and freed (<c>release_at</c>); null: never.</param>
public sealed record PinnedWorkloadConfig(long SizeBytes, long AtNs, long? ReleaseAtNs) : WorkloadConfig
{
    /// <inheritdoc/>
    public override string Type => PinnedWorkloadType.TypeName;
}

/// <summary>Declaration of the <c>pinned</c> workload type.</summary>
internal sealed class PinnedWorkloadType : WorkloadType
{
    public const string TypeName = "pinned";

    public override string Name => TypeName;

    public override string Doc =>
        "A buffer pinned with pin_user_pages(FOLL_LONGTERM), as RDMA memory registration or VFIO DMA mapping do: at `at`, `size` bytes of "
        + "anonymous memory are faulted in and pinned, and held until `release_at`. A long-term pin must not sit in ZONE_MOVABLE or CMA: "
        + "gup runs under memalloc_pin_save(), which strips __GFP_MOVABLE and ALLOC_CMA, so the pages are allocated as GFP_HIGHUSER "
        + "(an unmovable allocation) rather than faulted movable and migrated (see docs/fidelity.md). Pages are LRU pages with "
        + "folio_maybe_dma_pinned set, counted in nr_foll_pin_acquired/nr_foll_pin_released; migration can never move them.";

    public override IReadOnlyList<FieldDecl> Fields { get; } =
    [
        TimedFields.Size<PinnedWorkloadConfig>("size", "memory pinned", c => c.SizeBytes),
        new()
        {
            Name = "at", Kind = FieldKind.Duration, Default = 0L, Min = 0,
            Doc = "simulated time of the pin",
            Get = FieldDecl.Of<PinnedWorkloadConfig>(c => c.AtNs),
        },
        new()
        {
            Name = "release_at", Kind = FieldKind.Duration, Min = 0, DefaultDoc = "never",
            Doc = "simulated time of unpin_user_pages and munmap",
            Get = FieldDecl.Of<PinnedWorkloadConfig>(c => c.ReleaseAtNs),
        },
    ];

    public override WorkloadConfig? Bind(FieldValues values, LoadContext ctx)
    {
        long at = values.Get<long>("at");
        var release = (long?)values.Raw("release_at");
        if (release is long r && r <= at)
        {
            ctx.Error(values.MarkOf("release_at"), values.PathOf("release_at"), $"release_at ({Units.FormatDuration(r)}) must come after at ({Units.FormatDuration(at)})");
            return null;
        }

        return new PinnedWorkloadConfig(values.Get<long>("size"), at, release);
    }
}
