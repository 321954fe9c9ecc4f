// What a scenario says about one mount.
using MmSim.Block;

namespace MmSim.Fs;

/// <summary>Filesystem types a mount can have.</summary>
public enum FsType
{
    /// <summary>ext4 on a block device.</summary>
    Ext4,

    /// <summary>xfs on a block device.</summary>
    Xfs,

    /// <summary>tmpfs: shmem, no backing device, no writeback.</summary>
    Tmpfs,

    /// <summary>FUSE: no block device; a user-space server answers its requests (strictlimit bdi, max_ratio 1 %).</summary>
    Fuse,
}

/// <summary>One mount: its filesystem, device and bdi settings.</summary>
/// <param name="Name">Mount name (files name it).</param>
/// <param name="Type">Filesystem type.</param>
/// <param name="Device">The block device (ignored for tmpfs).</param>
/// <param name="LargeFolios">mapping_set_large_folios on its files (ext4/xfs do in 6.18); null: the fs default.</param>
/// <param name="MinRatioPercent">bdi min_ratio.</param>
/// <param name="MaxRatioPercent">bdi max_ratio.</param>
/// <param name="StrictLimit">BDI_CAP_STRICTLIMIT.</param>
/// <param name="StableWrites">The device needs stable pages during writeback (BLK_FEAT_STABLE_WRITES → AS_STABLE_WRITES).</param>
/// <param name="Fuse">The FUSE connection's parameters (FUSE mounts only).</param>
public sealed record MountSpec(
    string Name,
    FsType Type,
    BlockDeviceParams? Device,
    bool? LargeFolios = null,
    int MinRatioPercent = 0,
    int MaxRatioPercent = 100,
    bool StrictLimit = false,
    bool StableWrites = false,
    FuseMountOptions? Fuse = null)
{
    /// <summary>The mount of a run that names none: ext4 on the default device.</summary>
    public static MountSpec Default { get; } = new("root", FsType.Ext4, BlockDeviceParams.Default);

    /// <summary>Whether files get large folios.</summary>
    public bool UsesLargeFolios => LargeFolios ?? Type is FsType.Ext4 or FsType.Xfs;
}
