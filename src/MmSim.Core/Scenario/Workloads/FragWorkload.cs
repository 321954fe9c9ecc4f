namespace MmSim.Scenario;

/// <summary>Where <c>frag</c> keeps its pages inside each 2 MiB chunk.</summary>
public enum FragPattern
{
    /// <summary>Kept pages evenly spaced through the chunk: the free holes are as small as possible.</summary>
    Spread,

    /// <summary>Kept pages at the start of the chunk: the free rest splits into blocks of up to order 8.</summary>
    Head,
}

/// <summary>Resolved <c>frag</c> preset: fill memory with movable pages, then free most of every 2 MiB chunk.</summary>
/// <param name="AtNs">When the pattern is laid down (<c>at</c>).</param>
/// <param name="Fill">Share of managed memory to fill (<c>fill</c>).</param>
/// <param name="Keep">Share of each 2 MiB chunk that stays allocated (<c>keep</c>).</param>
/// <param name="Pattern">Where the kept pages sit in a chunk (<c>pattern</c>).</param>
public sealed record FragWorkloadConfig(long AtNs, Percent Fill, Percent Keep, FragPattern Pattern) : WorkloadConfig
{
    /// <inheritdoc/>
    public override string Type => FragWorkloadType.TypeName;
}

/// <summary>Declaration of the <c>frag</c> preset.</summary>
internal sealed class FragWorkloadType : WorkloadType
{
    public const string TypeName = "frag";

    public static readonly IReadOnlyList<string> PatternNames = ["spread", "head"];

    public override string Name => TypeName;

    public override string Doc =>
        "Preset: the classic fragmented machine. At `at` a process faults in order-0 movable pages (GFP_HIGHUSER_MOVABLE, LRU) until `fill` "
        + "of managed memory is taken or the allocator refuses, then frees all but `keep` of every 2MiB chunk it holds, and finally takes "
        + "(as order-9 movable blocks) the few whole free 2MiB blocks the watermark reserve kept from the fill. With the defaults no free order-9 "
        + "block is left in the zones it filled while about three quarters of memory is free: only compaction can make huge pages again. "
        + "It is the synthetic worst case of compaction studies (the selftest compaction_test does the same with half of each 2MiB in use). "
        + "The DMA zone, which movable allocations reach only above its lowmem reserve, may keep its free blocks as real machines' buddyinfo shows.";

    public override IReadOnlyList<FieldDecl> Fields { get; } =
    [
        new()
        {
            Name = "at", Kind = FieldKind.Duration, Default = 0L, Min = 0,
            Doc = "simulated time at which the pattern is laid down (instantly)",
            Get = FieldDecl.Of<FragWorkloadConfig>(c => c.AtNs),
        },
        TimedFields.ShareOfMemory<FragWorkloadConfig>("fill", 100, "share of managed memory to fill before freeing (the allocator's watermarks stop it earlier)", c => c.Fill),
        TimedFields.ShareOfMemory<FragWorkloadConfig>("keep", 25, "share of every 2MiB chunk that stays allocated", c => c.Keep, maxPercent: 99),
        new()
        {
            Name = "pattern", Kind = FieldKind.Choice, Choices = PatternNames, Default = "spread",
            Doc = "`spread`: kept pages evenly spaced, so free holes are tiny; `head`: kept pages at the start of each chunk, so free blocks reach order 8",
            Get = FieldDecl.Of<FragWorkloadConfig>(c => PatternNames[(int)c.Pattern]),
        },
    ];

    public override WorkloadConfig? Bind(FieldValues values, LoadContext ctx) => new FragWorkloadConfig(
        values.Get<long>("at"),
        values.Get<Percent>("fill"),
        values.Get<Percent>("keep"),
        values.Get<string>("pattern") == "head" ? FragPattern.Head : FragPattern.Spread);
}
