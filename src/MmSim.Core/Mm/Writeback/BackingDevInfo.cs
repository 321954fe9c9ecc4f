// A backing device (struct backing_dev_info) with its one bdi_writeback: the per-device share of
// the dirty limit and the counters balance_dirty_pages reads.
namespace MmSim.Mm.Writeback;

/// <summary>BDI_CAP_* capabilities.</summary>
[Flags]
public enum BdiCaps
{
    /// <summary>None.</summary>
    None = 0,

    /// <summary>BDI_CAP_WRITEBACK: dirty data is written back (not set for tmpfs/ram).</summary>
    Writeback = 1 << 0,

    /// <summary>BDI_CAP_WRITEBACK_ACCT: NR_WRITEBACK and the wb counters are kept.</summary>
    WritebackAcct = 1 << 1,

    /// <summary>BDI_CAP_STRICTLIMIT: the bdi is throttled at its own share even below the global freerun ceiling.</summary>
    StrictLimit = 1 << 2,
}

/// <summary>struct backing_dev_info: name, min/max ratio, capabilities, and its root bdi_writeback.</summary>
/// <remarks>include/linux/backing-dev-defs.h. Ratios are kept scaled by <see cref="RatioScale"/> as 6.x does
/// (BDI_RATIO_SCALE); cgroup writeback (one wb per memcg) is not modelled: every inode uses the root wb.</remarks>
public sealed class BackingDevInfo
{
    /// <summary>BDI_RATIO_SCALE.</summary>
    public const int RatioScale = 10000;

    /// <summary>Creates a bdi.</summary>
    /// <param name="name">Device name (dev_name).</param>
    /// <param name="caps">Capabilities.</param>
    /// <param name="minRatioPercent">min_ratio, percent.</param>
    /// <param name="maxRatioPercent">max_ratio, percent.</param>
    public BackingDevInfo(string name, BdiCaps caps, int minRatioPercent = 0, int maxRatioPercent = 100)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minRatioPercent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxRatioPercent, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minRatioPercent, maxRatioPercent);
        Name = name;
        Capabilities = caps;
        MinRatio = minRatioPercent * RatioScale;
        MaxRatio = maxRatioPercent * RatioScale;
        Wb = new BdiWriteback(this);
    }

    /// <summary>dev_name.</summary>
    public string Name { get; }

    /// <summary>capabilities (fuse_bdi_init clears BDI_CAP_WRITEBACK_ACCT after the bdi is set up, until 6.18).</summary>
    public BdiCaps Capabilities { get; internal set; }

    /// <summary>BDI_CAP_WRITEBACK_ACCT: folio writeback counts in the wb (WB_WRITEBACK, the writeout completions).</summary>
    public bool WritebackAcct => (Capabilities & BdiCaps.WritebackAcct) != 0;

    /// <summary>min_ratio × BDI_RATIO_SCALE.</summary>
    public long MinRatio { get; }

    /// <summary>max_ratio × BDI_RATIO_SCALE.</summary>
    public long MaxRatio { get; }

    /// <summary>BDI_CAP_STRICTLIMIT.</summary>
    public bool StrictLimit => (Capabilities & BdiCaps.StrictLimit) != 0;

    /// <summary>bdi->wb.</summary>
    public BdiWriteback Wb { get; }

    /// <inheritdoc/>
    public override string ToString() => Name;
}
