using MmSim.Mm.Memory;
namespace MmSim.Scenario;

/// <summary>Resolved <c>compaction_test</c> preset (tools/testing/selftests/mm/compaction_test.c).</summary>
/// <param name="StartNs">When the test starts (<c>start</c>).</param>
/// <param name="Fill">Share of MemFree mapped and locked (<c>fill</c>).</param>
/// <param name="ChunkBytes">Size of each locked mapping (<c>chunk</c>).</param>
/// <param name="FaultRate">Pages touched per period while mapping (<c>fault_rate</c>).</param>
/// <param name="Thp">How THP applies to the chunks (<c>thp</c>).</param>
public sealed record CompactionTestWorkloadConfig(long StartNs, Percent Fill, long ChunkBytes, RateSpec FaultRate, ThpMode Thp) : WorkloadConfig
{
    /// <inheritdoc/>
    public override string Type => CompactionTestWorkloadType.TypeName;
}

/// <summary>Declaration of the <c>compaction_test</c> preset.</summary>
internal sealed class CompactionTestWorkloadType : WorkloadType
{
    public const string TypeName = "compaction_test";

    public override string Name => TypeName;

    public override string Doc =>
        "Preset after the kernel selftest tools/testing/selftests/mm/compaction_test.c: read MemFree, mmap `chunk`-sized anonymous mappings "
        + "with MAP_LOCKED until `fill` of MemFree is mapped (each populated at `fault_rate`), unmap every other mapping (newest first), then "
        + "ask for huge pages for half of 80% of MemFree by writing /proc/sys/vm/nr_hugepages (order-9 GFP_HIGHUSER_MOVABLE|__GFP_COMP|"
        + "__GFP_RETRY_MAYFAIL|__GFP_NOWARN|__GFP_THISNODE allocations until the first failure). The test passes when at least a third of "
        + "80% of MemFree became huge pages. The workload's metrics record hugepages_requested, hugepages_allocated, compaction_index and "
        + "passed. Then the test exits: its remaining mappings go, the huge pages stay in the pool. Without compaction the huge page count stays low "
        + "(only memory the mappings never touched), which is this preset's signature until compaction is modelled. "
        + "The default `chunk` is the test's original 1MiB; today's test maps 100MiB at a time, which on a freshly booted machine leaves "
        + "whole free 2MiB blocks between mappings.";

    public override IReadOnlyList<FieldDecl> Fields { get; } =
    [
        TimedFields.Start<CompactionTestWorkloadConfig>(c => c.StartNs),
        TimedFields.ShareOfMemory<CompactionTestWorkloadConfig>("fill", 80, "share of MemFree mapped with MAP_LOCKED (the test's 80%)", c => c.Fill),
        TimedFields.Size<CompactionTestWorkloadConfig>("chunk", "size of each locked mapping (the test's MAP_SIZE)", c => c.ChunkBytes, defaultBytes: Units.MiB),
        new()
        {
            Name = "fault_rate", Kind = FieldKind.Rate, Default = TimedFields.FaultRateDefault,
            Doc = "pages populated per unit of time while the mappings are created",
            Get = FieldDecl.Of<CompactionTestWorkloadConfig>(c => c.FaultRate),
        },
        new()
        {
            Name = "thp", Kind = FieldKind.Choice, Choices = AnonWorkloadType.ThpNames, Default = "never",
            Doc = "how THP applies to the mappings (as `anon`); a 1MiB mapping never holds a THP anyway",
            Get = FieldDecl.Of<CompactionTestWorkloadConfig>(c => AnonWorkloadType.ThpNames[(int)c.Thp]),
        },
    ];

    public override WorkloadConfig? Bind(FieldValues values, LoadContext ctx) => new CompactionTestWorkloadConfig(
        values.Get<long>("start"),
        values.Get<Percent>("fill"),
        values.Get<long>("chunk"),
        values.Get<RateSpec>("fault_rate"),
        AnonWorkloadType.ParseThp(values.Get<string>("thp")));
}
