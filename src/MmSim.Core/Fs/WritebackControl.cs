// struct writeback_control (include/linux/writeback.h): what one ->writepages call is asked to do.
using MmSim.Mm.Writeback;

namespace MmSim.Fs;

/// <summary>
/// struct writeback_control: the sync mode, the page budget (<c>nr_to_write</c>, decremented by the
/// filesystem for every page it puts under writeback) and why the writeback runs.
/// </summary>
internal sealed class WritebackControl
{
    /// <summary>WB_SYNC_NONE or WB_SYNC_ALL.</summary>
    public WbSyncMode SyncMode { get; init; }

    /// <summary>nr_to_write: pages still to write; the filesystem decrements it (long.MaxValue: no budget).</summary>
    public long NrToWrite { get; set; } = long.MaxValue;

    /// <summary>Why (the flusher's work reason; WB_REASON_SYNC for fsync and sync).</summary>
    public WbReason Reason { get; init; }
}
