// One request on a device queue (struct request with its bios collapsed into one): what it
// carries back to its submitter on completion.
namespace MmSim.Block;

/// <summary>Direction of a request.</summary>
public enum BlockOp
{
    /// <summary>REQ_OP_READ.</summary>
    Read,

    /// <summary>REQ_OP_WRITE.</summary>
    Write,
}

/// <summary>
/// A request: bytes to move, the folios it carries (head PFNs, owned by the submitter) and the
/// completion (bio_endio → bi_end_io) that runs in the engine when it completes.
/// </summary>
/// <remarks>
/// Requests are pooled per device: the completion callback must not keep a reference after it returns.
/// include/linux/blk-mq.h: struct request; include/linux/blk_types.h: struct bio.
/// </remarks>
public sealed class BlockRequest
{
    /// <summary>Read or write.</summary>
    public BlockOp Op { get; internal set; }

    /// <summary>Bytes the request moves.</summary>
    public long Bytes { get; set; }

    /// <summary>Head PFNs of the folios of the request (the bio_vecs), filled by the submitter.</summary>
    public List<int> Folios { get; } = [];

    /// <summary>Whatever the submitter needs back at completion (a bdi_writeback, an inode).</summary>
    public object? Owner { get; set; }

    /// <summary>The bi_end_io: runs at completion, in the engine (softirq: it cannot sleep).</summary>
    public Action<BlockRequest>? EndIo { get; set; }

    /// <summary>When it was submitted.</summary>
    public long SubmitNs { get; internal set; }

    /// <summary>When it was dispatched to the device (−1: still queued).</summary>
    public long DispatchNs { get; internal set; } = -1;

    internal void Reset()
    {
        Bytes = 0;
        Folios.Clear();
        Owner = null;
        EndIo = null;
        DispatchNs = -1;
    }
}
