namespace MmSim.Scenario;

/// <summary>
/// Workload types that scenarios may already name but whose mechanism mmsim does not model
/// yet: naming one gives a precise "not yet" error instead of "unknown type". A usable type
/// of the same name (one file in <c>Scenario/Workloads/</c>) replaces the entry automatically;
/// delete the line here when it lands.
/// </summary>
internal static class PendingWorkloadTypes
{
    public static IReadOnlyList<WorkloadType> All { get; } =
    [
        new PendingWorkloadType("anon", "anonymous memory and transparent huge pages", "Anonymous memory of a process: page faults, THP allocation and fallback, munmap."),
        new PendingWorkloadType("pagecache", "the page cache, writeback and reclaim", "File reads and writes through the page cache, dirtying and writeback."),
        new PendingWorkloadType("slab", "the slab allocator", "Slab caches growing and shrinking (reclaimable and unreclaimable)."),
        new PendingWorkloadType("pinned", "long-term page pinning", "Pages pinned with FOLL_LONGTERM (RDMA, VFIO) that migration cannot move."),
        new PendingWorkloadType("netbuf", "network buffer allocation", "Network receive buffers: high-order GFP_ATOMIC allocations in bursts."),
        new PendingWorkloadType("steps", "timed workload phases", "A sequence of workloads started and stopped at given simulated times."),
        new PendingWorkloadType("compaction_test", "compaction", "Preset: fill memory, fragment it, then measure high-order allocation success with compaction."),
        new PendingWorkloadType("thpchallenge", "compaction", "Preset after mmtests' thpchallenge: THP faults against a fragmenting page-cache workload."),
        new PendingWorkloadType("thpcompact", "compaction", "Preset after mmtests' thpcompact: THP allocation latency and success while memory is fragmented."),
        new PendingWorkloadType("frag", "compaction", "Preset: a fragmentation study over time (unmovable and mixed pageblocks)."),
    ];
}

/// <summary>A registered name whose mechanism is missing: loading it reports that, nothing more.</summary>
internal sealed class PendingWorkloadType(string name, string mechanism, string doc) : WorkloadType
{
    public override string Name => name;

    public override string Doc => doc;

    public override IReadOnlyList<FieldDecl> Fields => [];

    public override string? MissingMechanism => mechanism;

    public override WorkloadConfig? Bind(FieldValues values, LoadContext ctx) => null;
}
