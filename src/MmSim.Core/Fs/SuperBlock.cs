// A mounted filesystem (struct super_block) with its device, bdi and flusher.
using MmSim.Block;
using MmSim.Mm.Writeback;

namespace MmSim.Fs;

/// <summary>struct super_block: the mount's device, its bdi (s_bdi) and the flusher of the bdi's wb.</summary>
public sealed class SuperBlock
{
    internal SuperBlock(int index, MountSpec spec, BlockDevice? device, BackingDevInfo bdi)
    {
        Index = index;
        Spec = spec;
        Device = device;
        Bdi = bdi;
    }

    /// <summary>Position in the kernel's mount table.</summary>
    public int Index { get; }

    /// <summary>What the scenario asked for.</summary>
    public MountSpec Spec { get; }

    /// <summary>Mount name.</summary>
    public string Name => Spec.Name;

    /// <summary>The block device (null for tmpfs).</summary>
    public BlockDevice? Device { get; }

    /// <summary>s_bdi.</summary>
    public BackingDevInfo Bdi { get; }

    /// <summary>The filesystem's operations (ext4/xfs/tmpfs: <see cref="BlockFsOps"/>; FUSE: its connection's).</summary>
    internal IFsOps Ops { get; set; } = null!;

    /// <summary>s_fs_info: the filesystem's own state (a FUSE mount's connection); null for ext4, xfs and tmpfs here.</summary>
    public object? FsInfo { get; internal set; }

    /// <summary>The flusher of the bdi's wb (null without writeback).</summary>
    internal Flusher? Flusher { get; set; }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Spec.Type} on {Device?.Name ?? "none"})";
}
