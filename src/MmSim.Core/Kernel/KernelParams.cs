using MmSim.Mm.Compaction;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Vmscan;
using MmSim.Sim;

namespace MmSim.Kernel;

/// <summary>
/// Everything a kernel is booted with besides its machine: the page allocator's switches and sysctls,
/// the hung-task and compaction sysctls, and the mechanisms chosen by name for this run.
/// </summary>
/// <remarks>Built from a scenario by the run layer; the kernel never reads scenario files itself.</remarks>
public sealed record KernelParams
{
    /// <summary>Page allocator switches and sysctls.</summary>
    public required PageAllocOptions Alloc { get; init; }

    /// <summary>khungtaskd's sysctls.</summary>
    public HungTaskSysctl HungTask { get; init; } = new();

    /// <summary>Compaction sysctls (kcompactd, proactiveness, extfrag_threshold).</summary>
    public CompactionSysctl Compaction { get; init; } = new();

    /// <summary>memory_block_size_bytes: the unit of memory offlining and onlining (128 MiB, x86-64's minimum).</summary>
    public long MemoryBlockSizeBytes { get; init; } = Mm.MemoryHotplug.MemoryBlocks.DefaultBlockSizeBytes;

    /// <summary>
    /// The proposed (2023, never merged) offline timeout: offline_pages gives up with -ETIMEDOUT ("timeout")
    /// between passes once this much simulated time has passed. Null, the default, is mainline: no timeout.
    /// </summary>
    public long? OfflineTimeoutNs { get; init; }

    /// <summary>
    /// Creates the compaction mechanism once the kernel's parts exist (the registry entry chosen by name,
    /// e.g. <c>deps =&gt; Mechanisms.Compaction.Create(name, deps)</c>, or <c>_ =&gt; NoCompaction.Instance</c>).
    /// </summary>
    /// <remarks>A factory rather than an instance: the real mechanism needs migration, folio counts and
    /// <c>current</c>, which exist only inside <see cref="LinuxKernel"/>.</remarks>
    public required Func<CompactDeps, ICompact> Compact { get; init; }

    /// <summary>Builds the reclaim mechanism (mm/vmscan.c) for the kernel being booted, e.g. <c>_ =&gt; NoReclaim.Instance</c>.</summary>
    public required Func<ReclaimDeps, IReclaim> Reclaim { get; init; }

    /// <summary>The cgroup hierarchy the run mounts (v2 unless the scenario says v1).</summary>
    public Mm.Memcontrol.CgroupVersion CgroupVersion { get; init; }

    // Writeback (issue 8): the vm.dirty_* sysctls and the mounts (none: one ext4 mount on the default device).

    /// <summary>vm.dirty_ratio, dirty_background_ratio, the _bytes forms and the flusher intervals.</summary>
    public Mm.Writeback.WritebackSysctl Writeback { get; init; } = new();

    /// <summary>The mounted filesystems, the default (files that name no mount) first.</summary>
    public IReadOnlyList<Fs.MountSpec> Mounts { get; init; } = [];

    /// <summary>The swap device (swapon), or null for none, the default (anon, issue 8).</summary>
    public Mm.Swap.SwapSpec? Swap { get; init; }

    // FUSE and the writeback designs (issue 9).

    /// <summary>The modelled release ("6.15", "6.18"…): FUSE's write path, request timeouts and NR_WRITEBACK_TEMP follow it.</summary>
    public string Release { get; init; } = "6.18";

    /// <summary>The writeback-design switches (temp pages, the AS flag, the migration, reclaim and sync rules).</summary>
    public Mm.Writeback.WritebackDesign WritebackDesign { get; init; } = Mm.Writeback.WritebackDesign.Mainline;

    /// <summary>fs.fuse sysctls: default_request_timeout and max_request_timeout (6.15+).</summary>
    public Fs.Fuse.FuseSysctl Fuse { get; init; } = new();
}
