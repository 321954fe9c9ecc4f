// struct wb_writeback_work: one unit of flusher work.
using MmSim.Mm.Writeback;
using MmSim.Sim;

namespace MmSim.Fs;

/// <summary>enum writeback_sync_modes.</summary>
public enum WbSyncMode
{
    /// <summary>WB_SYNC_NONE: don't wait on anything; skip folios under writeback.</summary>
    None,

    /// <summary>WB_SYNC_ALL: wait on every folio (data integrity).</summary>
    All,
}

/// <summary>wb_writeback_work.</summary>
internal sealed class WbWork
{
    /// <summary>nr_pages still to write.</summary>
    public long NrPages { get; set; }

    /// <summary>sync_mode.</summary>
    public WbSyncMode SyncMode { get; init; }

    /// <summary>for_kupdate: periodic writeback of expired inodes.</summary>
    public bool ForKupdate { get; init; }

    /// <summary>for_background: writeback while over the background threshold.</summary>
    public bool ForBackground { get; init; }

    /// <summary>reason.</summary>
    public WbReason Reason { get; init; }

    /// <summary>done: completed when the work finishes (sync_inodes_sb waits on it).</summary>
    public Completion? Done { get; init; }
}
