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

    /// <summary><c>compact</c>: write 1 to /proc/sys/vm/compact_memory, or compact one <c>zone</c> as compact_node does.</summary>
    Compact,

    /// <summary><c>offline</c>: write "offline" to memory block <c>block</c>'s state, optionally signalled after <c>signal_after</c>.</summary>
    Offline,

    /// <summary><c>cma_alloc</c>: cma_alloc of <c>pages</c> pages from area <c>area</c>, named <c>id</c>.</summary>
    CmaAlloc,

    /// <summary><c>online</c>: write "online" to memory block <c>block</c>'s state.</summary>
    Online,

    /// <summary><c>cma_release</c>: cma_release of what cma_alloc <c>id</c> got.</summary>
    CmaRelease,

    /// <summary><c>alloc_contig</c>: alloc_contig_pages of <c>pages</c> pages, named <c>id</c> (freed by <c>free</c>).</summary>
    AllocContig,

    /// <summary><c>nr_hugepages</c>: write <c>value</c> to nr_hugepages of the <c>hugepage_size</c> hstate.</summary>
    NrHugepages,

    /// <summary><c>writeback</c>: put <c>size</c> of file <c>file</c> under writeback until <c>until</c>, ended by task <c>owner</c>.</summary>
    Writeback,

    // steps (issue 9): the other MIGRATE_SYNC users and fusectl abort.

    /// <summary><c>move_pages</c>: move_pages(2) of <c>pages</c> pages of file <c>file</c> from page <c>index</c> (MIGRATE_SYNC, MR_SYSCALL).</summary>
    MovePages,

    /// <summary><c>mbind</c>: mbind(2) with MPOL_MF_MOVE | MPOL_MF_STRICT over those pages (MIGRATE_SYNC, MR_MEMPOLICY_MBIND).</summary>
    Mbind,

    /// <summary><c>soft_offline</c>: soft_offline_page of <c>pfn</c>, or of the folio at page <c>index</c> of <c>file</c>.</summary>
    SoftOffline,

    /// <summary><c>memory_failure</c>: memory_failure of <c>pfn</c>, or of the folio at page <c>index</c> of <c>file</c>.</summary>
    MemoryFailure,

    /// <summary><c>pin_longterm</c>: pin_user_pages(FOLL_LONGTERM) of those pages of a MAP_SHARED mapping of <c>file</c>, then unpin.</summary>
    PinLongterm,

    /// <summary><c>fuse_abort</c>: write to /sys/fs/fuse/connections/N/abort of FUSE mount <c>mount</c>.</summary>
    FuseAbort,
}

/// <summary>One step of a <c>steps</c> workload; fields that do not apply to the action are null.</summary>
/// <param name="AtNs">When it runs (<c>at</c>).</param>
/// <param name="Do">The action (<c>do</c>).</param>
/// <param name="Id">Name of the allocation (<c>id</c>; alloc, free, pin).</param>
/// <param name="Gfp">GFP expression as written (<c>gfp</c>; alloc).</param>
/// <param name="GfpMask">The parsed mask of <paramref name="Gfp"/>; 0 when there is none.</param>
/// <param name="Order">Block order (<c>order</c>; alloc).</param>
/// <param name="Count">Number of blocks (<c>count</c>; alloc).</param>
/// <param name="SizeBytes">Memory to pin (<c>size</c>; pin), or bytes of the file put under writeback (writeback).</param>
/// <param name="Value">The number written to drop_caches (<c>value</c>: 1, 2 or 3) or to nr_hugepages.</param>
/// <param name="Zone">The zone a compact step compacts (<c>zone</c>); null: the whole node (compact_memory).</param>
/// <param name="Block">Memory block index (<c>block</c>; offline, online).</param>
/// <param name="SignalAfterNs">Delay after which an offline step's task is signalled (<c>signal_after</c>); null: never.</param>
/// <param name="Area">CMA area name (<c>area</c>; cma_alloc).</param>
/// <param name="Pages">Pages (<c>pages</c>; cma_alloc, alloc_contig).</param>
/// <param name="Align">Alignment order of a cma_alloc (<c>align</c>).</param>
/// <param name="HugepageSizeBytes">Huge page size of an nr_hugepages step (<c>hugepage_size</c>: 2MiB or 1GiB).</param>
/// <param name="File">File put under writeback (<c>file</c>).</param>
/// <param name="UntilNs">When the writeback ends (<c>until</c>); <see cref="long.MaxValue"/>: never.</param>
/// <param name="Owner">Command name of the task that ends the writeback (<c>owner</c>).</param>
/// <param name="Mount">Mount of <paramref name="File"/> (<c>mount</c>), or the FUSE mount a fuse_abort aborts; null: the file is found by name.</param>
/// <param name="Index">First page index in the file (<c>index</c>; move_pages, mbind, pin_longterm, soft_offline, memory_failure).</param>
/// <param name="Pfn">The page a soft_offline or memory_failure hits (<c>pfn</c>), instead of a file page.</param>
public sealed record StepConfig(
    long AtNs,
    StepAction Do,
    string? Id,
    string? Gfp,
    uint GfpMask,
    long? Order,
    long? Count,
    long? SizeBytes,
    long? Value,
    string? Zone = null,
    long? Block = null,
    long? SignalAfterNs = null,
    string? Area = null,
    long? Pages = null,
    long? Align = null,
    long? HugepageSizeBytes = null,
    string? File = null,
    long? UntilNs = null,
    string? Owner = null,
    string? Mount = null,
    long? Index = null,
    long? Pfn = null)
{
    /// <summary><see cref="UntilNs"/> of a writeback that never ends.</summary>
    public const long Never = long.MaxValue;
}

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
        "A script of actions at given simulated times, run by one task in list order (steps with the same `at` run in list order); "
        + "a step that sleeps in the kernel delays the steps after it, as in a shell script, so independent actions belong in separate `steps` workloads. "
        + "`alloc` allocates `count` blocks of `order` with `gfp` and names them `id` (movable ones are LRU pages); `free` frees everything "
        + "named `id` (unpinning first if pinned); `pin` faults in and long-term pins `size` bytes as the `pinned` workload does; `drop_caches` "
        + "writes `value` to /proc/sys/vm/drop_caches (1: clean page cache, 2: reclaimable slab, 3: both). `compact` writes /proc/sys/vm/compact_memory "
        + "(MIGRATE_SYNC over every zone) or, with `zone`, compacts that zone as compact_node does. `offline` writes \"offline\" to memory block "
        + "`block` (offline_pages); with `signal_after` the task gets a signal that long after the write, which ends the attempt between migration "
        + "passes but not a sleep in folio_wait_writeback. `online` onlines the block again. `cma_alloc` asks area `area` for `pages` pages "
        + "(aligned to 2^`align`) and names them `id` for a later `cma_release`; `alloc_contig` takes `pages` contiguous pages (alloc_contig_pages) "
        + "freed by `free`. `nr_hugepages` writes `value` to the pool of `hugepage_size` pages (1GiB pages come from alloc_contig_pages). "
        + "`writeback` (until the writeback model exists) writes the first `size` of file `file` into the page cache and puts those folios under "
        + "writeback that task `owner` ends at `until` (or `never`), so waiters' chains name that task. The kernel steps' outcomes and latencies are listed in summary.json (`workloads[].steps`) and counted in the workload's metrics.";

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
