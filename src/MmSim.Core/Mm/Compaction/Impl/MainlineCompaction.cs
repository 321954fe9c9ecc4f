// Compaction as mainline Linux 6.18 does it (mm/compaction.c): the migrate scanner walks a zone
// up from its start isolating movable folios, the free scanner walks down from its end isolating
// free pages as targets, and migrate_pages moves the one onto the other until the scanners meet or
// a page of the requested order is free. This file holds the state and the ICompact plumbing; the
// function groups live in the other files of this partial class, named after the kernel's.
using MmSim.Mm.Folio;
using MmSim.Mm.Migrate;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Rmap;

namespace MmSim.Mm.Compaction.Impl;

/// <summary>
/// Mainline compaction: compact_zone with both scanners and their fast searches, skip bits, cached
/// positions, deferral, capture, and the entry points' modes.
/// </summary>
/// <remarks>mm/compaction.c (Linux 6.18); compaction_capture and task_capc from mm/page_alloc.c.
/// One instance per kernel: the per-zone compaction fields of struct zone live here.</remarks>
[Impl("mainline", "mm/compaction.c of Linux 6.18: both scanners, fast searches, skip bits, deferral, capture")]
public sealed partial class MainlineCompaction : ICompact
{
    /// <summary>Simulated CPU time per page the migrate scanner examines (ns).</summary>
    public const long MigrateScanCostNs = 12;

    /// <summary>Simulated CPU time per page the free scanner examines (ns).</summary>
    public const long FreeScanCostNs = 8;

    private const int PageblockNrPages = MmConstants.PageblockNrPages;
    private const int Enomem = -12;

    private readonly CompactDeps deps;
    private readonly PageAllocator alloc;
    private readonly PgData node;
    private readonly PageFrame[] pages;
    private readonly Migration migrate;
    private readonly FolioRefs refs;
    private readonly MappingRegistry mappings;
    private readonly ZoneCompaction[] zoneState;

    // Runs in progress (several tasks may compact at once), for the invariant checker.
    private readonly List<CompactControl> running = [];

    // Captured blocks the allocating task has not prepared yet.
    private readonly List<CaptureControl> captured = [];

    /// <summary>Creates compaction for the kernel's node and installs the free path's capture hook.</summary>
    /// <param name="deps">The kernel's parts.</param>
    public MainlineCompaction(CompactDeps deps)
    {
        ArgumentNullException.ThrowIfNull(deps);
        this.deps = deps;
        alloc = deps.Alloc;
        node = alloc.Node;
        pages = node.Pages;
        migrate = deps.Migrate;
        refs = deps.Refs;
        mappings = deps.Mappings;
        zoneState = new ZoneCompaction[node.Zones.Length];
        for (int i = 0; i < zoneState.Length; i++)
        {
            zoneState[i] = new ZoneCompaction();

            // The kernel's zones start zeroed, and the first compact_zone resets a cached free PFN outside the
            // zone; a zone that starts at PFN 0 would instead see its scanners "met" on its first run. Start
            // from reset_cached_positions, which is where that first run leaves every other zone.
            if (node.Zones[i].IsPopulated)
            {
                ResetCachedPositions(node.Zones[i]);
            }
        }

        alloc.CaptureHook = CompactionCapture;
        alloc.TaskCapcHook = TaskCapc;
    }

    /// <summary>The compaction fields of <paramref name="zone"/> (struct zone's compact_*).</summary>
    /// <param name="zone">A zone of this node.</param>
    /// <returns>Its state.</returns>
    public ZoneCompaction StateOf(Zone zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return zoneState[(int)zone.Type];
    }

    private ICompactionTrace? Trace => alloc.Trace as ICompactionTrace;

    private TaskContext Current => deps.Current();

    /// <inheritdoc/>
    public void IsolatedFreeBlocks(List<(int Pfn, int Order)> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        foreach (CompactControl cc in running)
        {
            for (int order = 0; order < MmConstants.NrPageOrders; order++)
            {
                for (int i = 0; i < cc.Freepages.Count(order); i++)
                {
                    into.Add((cc.Freepages.At(order, i), order));
                }
            }
        }

        captured.RemoveAll(c => c.Page < 0 || pages[c.Page].Has(PageFlags.Allocated));
        foreach (CaptureControl c in captured)
        {
            into.Add((c.Page, c.Order));
        }
    }

    private static int PageblockStartPfn(int pfn) => pfn & ~(PageblockNrPages - 1);

    private static int PageblockEndPfn(int pfn) => (pfn & ~(PageblockNrPages - 1)) + PageblockNrPages;

    private static bool PageblockAligned(int pfn) => (pfn & (PageblockNrPages - 1)) == 0;

    // block_end_pfn(pfn, order): ALIGN(pfn + 1, 1 << order).
    private static int BlockEndPfn(int pfn, int order) => (pfn + (1 << order)) & ~((1 << order) - 1);

    // block_start_pfn(pfn, order).
    private static int BlockStartPfn(int pfn, int order) => pfn & ~((1 << order) - 1);

    // pageblock_pfn_to_page (kept on the node, where the memory map is).
    private bool PageblockInZone(int startPfn, int endPfn, Zone zone) => node.PageblockPfnToPage(startPfn, endPfn, zone);

    // is_via_compact_memory.
    private static bool IsViaCompactMemory(int order) => order == -1;
}
