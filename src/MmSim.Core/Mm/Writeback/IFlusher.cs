// Seams between the writeback model and the mechanisms below it that must start or account
// writeback without importing the flusher (fs/fs-writeback.c lives above them).
namespace MmSim.Mm.Writeback;

/// <summary>Why writeback was started (enum wb_reason; the names writeback tracepoints print).</summary>
public enum WbReason
{
    /// <summary>WB_REASON_BACKGROUND.</summary>
    Background,

    /// <summary>WB_REASON_VMSCAN: reclaim found dirty folios it could not write.</summary>
    Vmscan,

    /// <summary>WB_REASON_SYNC.</summary>
    Sync,

    /// <summary>WB_REASON_PERIODIC.</summary>
    Periodic,

    /// <summary>WB_REASON_FS_FREE_SPACE.</summary>
    FsFreeSpace,

    /// <summary>WB_REASON_FORKER_THREAD (wb_workfn of a forker; unused here).</summary>
    ForkerThread,
}

/// <summary>The flusher threads, as reclaim and the dirty throttle wake them.</summary>
public interface IFlusher
{
    /// <summary>Starts writeback of everything dirty on every bdi (wakeup_flusher_threads).</summary>
    /// <param name="reason">Why.</param>
    void WakeupFlusherThreads(WbReason reason);
}

/// <summary>Reclaim's accounting of completed writeback (acct_reclaim_writeback), which wakes tasks in reclaim_throttle(VMSCAN_THROTTLE_WRITEBACK).</summary>
public interface IReclaimWritebackAcct
{
    /// <summary>Called by folio_end_writeback for every folio (mm/vmscan.c: __acct_reclaim_writeback).</summary>
    /// <param name="pfn">Head PFN.</param>
    /// <param name="nrPages">Pages of the folio.</param>
    void AcctReclaimWriteback(int pfn, int nrPages);
}
