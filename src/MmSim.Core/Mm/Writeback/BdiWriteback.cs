// struct bdi_writeback: the per-device writeback state the flusher and the dirty throttle share.
using MmSim.Mm.Folio;

namespace MmSim.Mm.Writeback;

/// <summary>enum wb_stat_item.</summary>
public enum WbStatItem
{
    /// <summary>WB_RECLAIMABLE: dirty pages of the wb.</summary>
    Reclaimable,

    /// <summary>WB_WRITEBACK: pages under writeback.</summary>
    Writeback,

    /// <summary>WB_DIRTIED: pages ever dirtied.</summary>
    Dirtied,

    /// <summary>WB_WRITTEN: pages ever written.</summary>
    Written,
}

/// <summary>
/// bdi_writeback: the wb counters, the dirty inode list (b_dirty, oldest dirtied_when last), the
/// bandwidth and ratelimit estimates of the throttle, the writeout completions that give its share
/// of the dirty limit, and the lifetimes of its writeback.
/// </summary>
/// <remarks>include/linux/backing-dev-defs.h: struct bdi_writeback. b_io/b_more_io are folded into
/// the flusher's pass over b_dirty.</remarks>
public sealed class BdiWriteback
{
    /// <summary>INIT_BW: 100 MB/s in pages per second.</summary>
    public const long InitBw = (100L << 20) / MmConstants.PageSize;

    private readonly long[] stat = new long[4];

    internal BdiWriteback(BackingDevInfo bdi)
    {
        Bdi = bdi;
    }

    /// <summary>wb->bdi.</summary>
    public BackingDevInfo Bdi { get; }

    /// <summary>wb_stat: the counter <paramref name="item"/>.</summary>
    /// <param name="item">Which.</param>
    /// <returns>Pages.</returns>
    public long Stat(WbStatItem item) => stat[(int)item];

    /// <summary>wb_stat_mod.</summary>
    /// <param name="item">Which.</param>
    /// <param name="delta">Change in pages.</param>
    public void ModStat(WbStatItem item, long delta) => stat[(int)item] += delta;

    /// <summary>b_dirty: inodes with dirty pages, newest dirtied first (list_move to the head).</summary>
    public List<Mapping> BDirty { get; } = [];

    /// <summary>The flusher of this wb (set when the mount is made).</summary>
    public IWbWorker? Worker { get; set; }

    /// <summary>wb->avg_write_bandwidth, pages/s.</summary>
    public long AvgWriteBandwidth { get; internal set; } = InitBw;

    /// <summary>wb->write_bandwidth, pages/s.</summary>
    public long WriteBandwidth { get; internal set; } = InitBw;

    /// <summary>wb->dirty_ratelimit, pages/s.</summary>
    public long DirtyRatelimit { get; internal set; } = InitBw;

    /// <summary>wb->balanced_dirty_ratelimit, pages/s.</summary>
    public long BalancedDirtyRatelimit { get; internal set; } = InitBw;

    /// <summary>wb->dirty_exceeded.</summary>
    public bool DirtyExceeded { get; internal set; }

    /// <summary>wb->bw_time_stamp, ns.</summary>
    internal long BwTimeStampNs { get; set; }

    /// <summary>wb->written_stamp: WB_WRITTEN at the last bandwidth update.</summary>
    internal long WrittenStamp { get; set; }

    /// <summary>wb->dirtied_stamp: WB_DIRTIED at the last bandwidth update.</summary>
    internal long DirtiedStamp { get; set; }

    /// <summary>wb->completions: this wb's share of the domain's recent writeout (fprop_local_percpu).</summary>
    internal long CompletionEvents { get; set; }

    /// <summary>The domain period <see cref="CompletionEvents"/> was last aged to.</summary>
    internal long CompletionPeriod { get; set; }

    /// <summary>How long this wb's folios stayed under writeback.</summary>
    public WritebackLifetimes Lifetimes { get; } = new();

    /// <summary>Folios whose writeback started and has not ended.</summary>
    public long InFlightFolios => Stat(WbStatItem.Writeback);

    /// <inheritdoc/>
    public override string ToString() => "wb " + Bdi.Name;
}
