namespace MmSim.Scenario;

/// <summary>What a scripted step does.</summary>
public enum StepAction
{
    /// <summary><c>alloc</c>: allocate <c>count</c> blocks of <c>order</c> with <c>gfp</c>, named <c>id</c>.</summary>
    Alloc,

    /// <summary><c>free</c>: free (or unpin and unmap) everything named <c>id</c>.</summary>
    Free,

    /// <summary><c>pin</c>: fault in and long-term pin <c>size</c> bytes, named <c>id</c>.</summary>
    Pin,

    /// <summary><c>drop_caches</c>: write <c>value</c> to /proc/sys/vm/drop_caches.</summary>
    DropCaches,

    /// <summary><c>compact</c>: write 1 to /proc/sys/vm/compact_memory (needs compaction).</summary>
    Compact,

    /// <summary><c>offline</c>: offline a memory range (needs memory offlining).</summary>
    Offline,

    /// <summary><c>cma_alloc</c>: allocate from a CMA area (needs alloc_contig_range).</summary>
    CmaAlloc,
}

/// <summary>One step of a <c>steps</c> workload; fields that do not apply to the action are null.</summary>
/// <param name="AtNs">When it runs (<c>at</c>).</param>
/// <param name="Do">The action (<c>do</c>).</param>
/// <param name="Id">Name of the allocation (<c>id</c>; alloc, free, pin).</param>
/// <param name="Gfp">GFP expression as written (<c>gfp</c>; alloc).</param>
/// <param name="GfpMask">The parsed mask of <paramref name="Gfp"/>; 0 when there is none.</param>
/// <param name="Order">Block order (<c>order</c>; alloc).</param>
/// <param name="Count">Number of blocks (<c>count</c>; alloc).</param>
/// <param name="SizeBytes">Memory to pin (<c>size</c>; pin).</param>
/// <param name="Value">The number written to drop_caches (<c>value</c>: 1, 2 or 3).</param>
public sealed record StepConfig(long AtNs, StepAction Do, string? Id, string? Gfp, uint GfpMask, long? Order, long? Count, long? SizeBytes, long? Value);

/// <summary>Resolved <c>steps</c> workload: a script of actions at given times.</summary>
/// <param name="Steps">The steps, in time order (<c>steps</c>).</param>
public sealed record StepsWorkloadConfig(ValueList<StepConfig> Steps) : WorkloadConfig
{
    /// <inheritdoc/>
    public override string Type => StepsWorkloadType.TypeName;
}

/// <summary>Declaration of the <c>steps</c> workload type; the per-step rules are in <see cref="StepRules"/>.</summary>
internal sealed class StepsWorkloadType : WorkloadType
{
    public const string TypeName = "steps";

    public override string Name => TypeName;

    public override string Doc =>
        "A script of actions at given simulated times, run by one task in list order (steps with the same `at` run in list order). "
        + "`alloc` allocates `count` blocks of `order` with `gfp` and names them `id` (movable ones are LRU pages); `free` frees everything "
        + "named `id` (unpinning first if pinned); `pin` faults in and long-term pins `size` bytes as the `pinned` workload does; `drop_caches` "
        + "writes `value` to /proc/sys/vm/drop_caches (1: clean page cache, 2: reclaimable slab, 3: both). `compact`, `offline` and `cma_alloc` "
        + "are refused when the scenario loads until compaction, memory offlining and alloc_contig_range are modelled.";

    public override IReadOnlyList<FieldDecl> Fields { get; } =
    [
        new()
        {
            Name = "steps", Kind = FieldKind.SectionList, Section = StepRules.Step, Required = true,
            Doc = "the steps, in time order",
            Get = FieldDecl.Of<StepsWorkloadConfig>(c => c.Steps),
        },
    ];

    public override WorkloadConfig? Bind(FieldValues values, LoadContext ctx)
    {
        ValueList<FieldValues> items = values.List<FieldValues>("steps");
        if (items.Count == 0)
        {
            ctx.Error(values.MarkOf("steps"), values.PathOf("steps"), "at least one step is needed, e.g. '- { at: 1s, do: drop_caches }'");
            return null;
        }

        List<StepConfig>? steps = StepRules.Sequence(items, ctx);
        return steps is null ? null : new StepsWorkloadConfig(new ValueList<StepConfig>(steps));
    }
}
