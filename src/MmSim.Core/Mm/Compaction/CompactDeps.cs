using MmSim.Mm.Folio;
using MmSim.Mm.Migrate;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Rmap;

namespace MmSim.Mm.Compaction;

/// <summary>
/// What a compaction implementation needs from the kernel it runs in: the node's allocator,
/// migration, folio counts and mappings, the sysctls, and <c>current</c>. The kernel object builds
/// it once its parts exist and hands it to the implementation chosen by name, so implementations
/// are created by the kernel (never before it) and need no global state.
/// </summary>
/// <param name="Alloc">The node's buddy allocator (free lists, __isolate_free_page, the capture hook).</param>
/// <param name="Migrate">Page migration (isolation, migrate_pages, putback) with the run's writeback policy.</param>
/// <param name="Refs">Folio reference, pin and map counts (the scanner's pinned-anon check).</param>
/// <param name="Mappings">The mappings folios belong to (folio_mapping).</param>
/// <param name="Sysctl">Compaction sysctls (extfrag_threshold, compact_unevictable_allowed, defrag_mode, proactiveness).</param>
/// <param name="Current">Returns <c>current</c>: the task running now (capture, signals, migration's sleeper).</param>
public sealed record CompactDeps(
    PageAllocator Alloc, Migration Migrate, FolioRefs Refs, MappingRegistry Mappings, CompactionSysctl Sysctl, Func<TaskContext> Current);
