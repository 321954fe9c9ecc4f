namespace MmSim.Fs.Fuse;

/// <summary>Where a request is (the list that holds it in fs/fuse/dev.c).</summary>
public enum FuseReqState
{
    /// <summary>On fc->bg_queue: background, beyond max_background.</summary>
    BgQueued,

    /// <summary>On fiq->pending: waiting for a server thread to read it.</summary>
    Pending,

    /// <summary>Read by a server thread (fpq->processing), not answered yet.</summary>
    Processing,

    /// <summary>Answered or aborted (fuse_request_end ran).</summary>
    Ended,
}
