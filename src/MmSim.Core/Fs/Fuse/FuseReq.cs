// struct fuse_req: one request to the FUSE server, from creation to fuse_request_end.
using System.Globalization;
using MmSim.Sim;

namespace MmSim.Fs.Fuse;

/// <summary>
/// One FUSE request. It is a wait target: whoever waits on it (a writer in request_wait_answer, a task in
/// folio_wait_writeback on a folio it carries) is released by the server thread holding it, or, while no
/// thread has read it, by the thread that would read it next (<see cref="FuseConn.QueueReleaser"/>), so
/// the wait-for graph reaches the server.
/// </summary>
/// <remarks>fs/fuse/fuse_i.h: struct fuse_req, struct fuse_args; fs/fuse/dev.c: fuse_request_alloc
/// (create_time), fuse_request_end.</remarks>
public sealed class FuseReq : IWaitTarget
{
    internal FuseReq(FuseConn conn, long unique, FuseOpcode opcode, bool background, long createNs)
    {
        Conn = conn;
        Unique = unique;
        Opcode = opcode;
        Background = background;
        CreateNs = createNs;
    }

    /// <summary>The connection.</summary>
    public FuseConn Conn { get; }

    /// <summary>req->in.h.unique: the request's id, in creation order.</summary>
    public long Unique { get; }

    /// <summary>The operation.</summary>
    public FuseOpcode Opcode { get; }

    /// <summary>FR_BACKGROUND: counted in num_background, answered without a waiter (writeback).</summary>
    public bool Background { get; }

    /// <summary>req->create_time: what fuse_check_timeout compares.</summary>
    public long CreateNs { get; }

    /// <summary>Data pages the request carries (FUSE_WRITE, FUSE_READ); 0 for the others.</summary>
    public int NrPages { get; internal set; }

    /// <summary>Where it is.</summary>
    public FuseReqState State { get; internal set; } = FuseReqState.Pending;

    /// <summary>The server thread that read it and has not answered yet; null while queued or ended.</summary>
    public SimTask? Holder { get; internal set; }

    /// <summary>The server read it with splice (fuse_dev_splice_read): its pages sit in a pipe until the reply; cancel-writeback cannot take them back.</summary>
    public bool Spliced { get; internal set; }

    /// <summary>The answer's error (0, or a negative errno such as -ECONNABORTED after an abort).</summary>
    public int Error { get; internal set; }

    /// <summary>Counted in fc->num_background (a background request not ended).</summary>
    internal bool CountedBackground { get; set; }

    /// <summary>Counted in fc->active_background (moved from bg_queue to pending, not ended).</summary>
    internal bool CountedActive { get; set; }

    /// <summary>What runs in fuse_request_end (args->end: fuse_writepage_end for writeback; the waiter's wake-up for synchronous requests).</summary>
    internal Action<FuseReq>? End { get; set; }

    /// <summary>Set by the filesystem for its own bookkeeping (the writeback args: folios, temp pages, inode).</summary>
    internal object? Args { get; set; }

    /// <inheritdoc/>
    public SimTask? Releaser => State == FuseReqState.Ended ? null : Holder ?? Conn.QueueReleaser();

    /// <inheritdoc/>
    public string Describe() => string.Create(CultureInfo.InvariantCulture, $"fuse request {Unique} ({FuseOpName(Opcode)}, {StateName(State)}) on {Conn.Name}");

    /// <inheritdoc/>
    public override string ToString() => Describe();

    /// <summary>The kernel's name of an opcode (FUSE_WRITE…).</summary>
    /// <param name="op">The opcode.</param>
    /// <returns>The name.</returns>
    public static string FuseOpName(FuseOpcode op) => "FUSE_" + op.ToString().ToUpperInvariant();

    private static string StateName(FuseReqState s) => s switch
    {
        FuseReqState.BgQueued => "bg_queue",
        FuseReqState.Pending => "pending",
        FuseReqState.Processing => "processing",
        _ => "ended",
    };
}
