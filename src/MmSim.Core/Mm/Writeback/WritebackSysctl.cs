// The vm.dirty_* sysctls (mm/page-writeback.c globals).
namespace MmSim.Mm.Writeback;

/// <summary>vm.dirty_ratio, dirty_background_ratio, their _bytes forms, and the flusher's intervals.</summary>
/// <remarks>mm/page-writeback.c: vm_dirty_ratio, dirty_background_ratio, vm_dirty_bytes,
/// dirty_background_bytes, dirty_expire_interval, dirty_writeback_interval. A _bytes value other than 0
/// overrides its ratio, as writing either sysctl zeroes the other.</remarks>
public sealed record WritebackSysctl
{
    /// <summary>vm.dirty_ratio, percent of dirtyable memory.</summary>
    public int DirtyRatio { get; init; } = 20;

    /// <summary>vm.dirty_background_ratio, percent.</summary>
    public int DirtyBackgroundRatio { get; init; } = 10;

    /// <summary>vm.dirty_bytes (0: use the ratio).</summary>
    public long DirtyBytes { get; init; }

    /// <summary>vm.dirty_background_bytes (0: use the ratio).</summary>
    public long DirtyBackgroundBytes { get; init; }

    /// <summary>vm.dirty_expire_centisecs: age at which periodic writeback writes an inode's data.</summary>
    public int DirtyExpireCentisecs { get; init; } = 3000;

    /// <summary>vm.dirty_writeback_centisecs: period of the flusher's periodic wakeup (0: none).</summary>
    public int DirtyWritebackCentisecs { get; init; } = 500;
}
