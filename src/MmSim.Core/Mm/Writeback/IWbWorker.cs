// What the dirty throttle needs of a bdi's flusher (fs/fs-writeback.c sits above it).
namespace MmSim.Mm.Writeback;

/// <summary>The flusher work of one bdi_writeback, as balance_dirty_pages starts it.</summary>
public interface IWbWorker
{
    /// <summary>writeback_in_progress: WB_writeback_running (the flusher is writing).</summary>
    bool InProgress { get; }

    /// <summary>wb_start_background_writeback: wakes the flusher to check the background threshold.</summary>
    void StartBackgroundWriteback();

    /// <summary>wb_wakeup_delayed: an inode became dirty; periodic writeback must be armed.</summary>
    void InodeDirtied();
}
