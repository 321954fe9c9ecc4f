// struct fuse_conn with its input queue (fiq), background queue and processing list: the kernel side of
// /dev/fuse that the server's threads read requests from and write answers to.
using MmSim.Sim;

namespace MmSim.Fs.Fuse;

/// <summary>
/// One FUSE connection (one mount): requests queue on <c>fiq-&gt;pending</c> (background ones first on
/// <c>bg_queue</c> beyond <c>max_background</c>), server threads read them (<see cref="DevRead"/>) and answer
/// them (<see cref="DevWrite"/>), and <see cref="Abort"/> ends them all.
/// </summary>
/// <remarks>fs/fuse/dev.c: fuse_request_queue_background, flush_bg_queue, fuse_request_end,
/// fuse_dev_do_read, fuse_dev_do_write, request_wait_answer, fuse_abort_conn.</remarks>
public sealed partial class FuseConn
{
    /// <summary>Wait site of a server thread waiting for a request.</summary>
    public const string SiteDevRead = "fuse_dev_do_read";

    /// <summary>Wait site of a task waiting for the answer to a synchronous request.</summary>
    public const string SiteRequestWaitAnswer = "request_wait_answer";

    /// <summary>-ECONNABORTED: what an abort answers.</summary>
    public const int EConnAborted = -103;

    /// <summary>-ENOTCONN: a request sent on a dead connection.</summary>
    public const int ENotConn = -107;

    private readonly Simulator sim;
    private readonly Queue<FuseReq> pending = new();
    private readonly Queue<FuseReq> bgQueue = new();
    private readonly List<FuseReq> processing = [];
    private readonly List<FuseDevReader> readers = [];
    private readonly WaitQueue waitq;
    private long nextUnique = 2; // fuse_get_unique starts past FUSE_INIT's

    /// <summary>Creates a connection.</summary>
    /// <param name="sim">The engine.</param>
    /// <param name="name">The mount name, for reports.</param>
    /// <param name="options">Its parameters.</param>
    public FuseConn(Simulator sim, string name, FuseMountOptions options)
    {
        ArgumentNullException.ThrowIfNull(sim);
        ArgumentNullException.ThrowIfNull(options);
        this.sim = sim;
        Name = name;
        Options = options;
        waitq = new WaitQueue($"fiq->waitq {name}");
    }

    /// <summary>The mount name.</summary>
    public string Name { get; }

    /// <summary>Its parameters.</summary>
    public FuseMountOptions Options { get; }

    /// <summary>fc->connected: false after an abort.</summary>
    public bool Connected { get; private set; } = true;

    /// <summary>fc->num_background: background requests not ended.</summary>
    public int NumBackground { get; private set; }

    /// <summary>fc->active_background: background requests moved to pending (at most max_background).</summary>
    public int ActiveBackground { get; private set; }

    /// <summary>Requests answered by the server (not by an abort).</summary>
    public long Answered { get; private set; }

    /// <summary>Requests ended by an abort.</summary>
    public long Aborted { get; private set; }

    /// <summary>Requests queued to the server (background and synchronous).</summary>
    public long Sent { get; private set; }

    /// <summary>The highest num_background seen.</summary>
    public int NumBackgroundPeak { get; private set; }

    /// <summary>The server threads registered on /dev/fuse, in registration order.</summary>
    public IReadOnlyList<FuseDevReader> Readers => readers;

    /// <summary>The server's memory cgroup id (0: root), for ask-fs.</summary>
    public ushort ServerMemcgId { get; set; }

    /// <summary>Requests on fiq->pending, oldest first (the timeout check looks at the head).</summary>
    internal IEnumerable<FuseReq> Pending => pending;

    /// <summary>Requests on bg_queue, oldest first.</summary>
    internal IEnumerable<FuseReq> BgQueue => bgQueue;

    /// <summary>Requests read and not answered, in read order.</summary>
    internal IReadOnlyList<FuseReq> Processing => processing;

    /// <summary>fuse_request_alloc: a new request, stamped with the current time.</summary>
    /// <param name="opcode">The operation.</param>
    /// <param name="background">FR_BACKGROUND.</param>
    /// <returns>The request, not queued yet.</returns>
    internal FuseReq NewRequest(FuseOpcode opcode, bool background) => new(this, nextUnique++, opcode, background, sim.Now);

    /// <summary>Registers a server thread (it opened /dev/fuse, or cloned the fd).</summary>
    /// <param name="reader">The thread's reader.</param>
    public void RegisterReader(FuseDevReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        readers.Add(reader);
    }

    /// <summary>
    /// Who will pick up a queued request: the first idle server thread, else the first thread (every thread is
    /// busy; the first to finish takes it), else nobody (no server).
    /// </summary>
    /// <returns>The task, or null.</returns>
    public SimTask? QueueReleaser()
    {
        foreach (FuseDevReader r in readers)
        {
            if (r.Idle && r.Task.State != TaskState.Dead)
            {
                return r.Task;
            }
        }

        foreach (FuseDevReader r in readers)
        {
            if (r.Task.State != TaskState.Dead)
            {
                return r.Task;
            }
        }

        return null;
    }

    /// <summary>
    /// fuse_request_queue_background: counts the request in num_background and queues it on bg_queue, from
    /// which flush_bg_queue moves up to max_background to pending. On a dead connection it ends at once with -ENOTCONN.
    /// </summary>
    /// <param name="req">A background request.</param>
    internal void QueueBackground(FuseReq req)
    {
        if (!Connected)
        {
            EndRequest(req, ENotConn);
            return;
        }

        NumBackground++;
        NumBackgroundPeak = Math.Max(NumBackgroundPeak, NumBackground);
        req.CountedBackground = true;
        req.State = FuseReqState.BgQueued;
        bgQueue.Enqueue(req);
        FlushBgQueue();
    }

    /// <summary>
    /// fuse_simple_request for a synchronous request: queues it on pending and waits for the answer in
    /// request_wait_answer (killable, shown as D).
    /// </summary>
    /// <param name="req">A request that is not background.</param>
    /// <returns>The coroutine; the answer is in <see cref="FuseReq.Error"/>.</returns>
    internal IEnumerable<Wait> SendAndWait(FuseReq req)
    {
        if (!Connected)
        {
            EndRequest(req, ENotConn);
            yield break;
        }

        var answered = new WaitQueue($"{FuseReq.FuseOpName(req.Opcode)} {req.Unique} answer");
        Action<FuseReq>? end = req.End;
        req.End = r =>
        {
            end?.Invoke(r);
            answered.WakeUpAll();
        };
        QueueRequest(req);
        while (req.State != FuseReqState.Ended)
        {
            yield return Wait.On(answered, TaskState.Uninterruptible, SiteRequestWaitAnswer, -1, req);
        }
    }

    /// <summary>
    /// fuse_dev_do_read: the server thread sleeps (S) until a request is pending, then takes the oldest to
    /// the processing list and holds it (<see cref="FuseDevReader.Req"/>). Returns with no request once the
    /// connection is aborted (-ENODEV), or a signal is pending while it waits (-ERESTARTSYS).
    /// </summary>
    /// <param name="reader">The reading thread.</param>
    /// <returns>The coroutine.</returns>
    public IEnumerable<Wait> DevRead(FuseDevReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        while (Connected && pending.Count == 0)
        {
            // FUSE server (issue 9): wait_event_interruptible_exclusive returns -ERESTARTSYS on a signal.
            if (reader.SignalPending?.Invoke() == true)
            {
                reader.Idle = false;
                yield break;
            }

            reader.Idle = true;
            yield return Wait.On(waitq, TaskState.Interruptible, SiteDevRead);
        }

        reader.Idle = false;
        if (!Connected)
        {
            yield break;
        }

        FuseReq req = pending.Dequeue();
        req.State = FuseReqState.Processing;
        req.Holder = reader.Task;
        req.Spliced = reader.Splice;
        processing.Add(req);
        reader.Req = req;
    }

    /// <summary>fuse_dev_do_write: the thread answers the request it holds; fuse_request_end runs.</summary>
    /// <param name="reader">The answering thread.</param>
    /// <param name="error">0, or a negative errno.</param>
    public void DevWrite(FuseDevReader reader, int error)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (reader.Req is not { } req)
        {
            return;
        }

        reader.Req = null;
        if (req.State != FuseReqState.Processing)
        {
            return; // aborted meanwhile: the answer finds no request (-ENOENT)
        }

        processing.Remove(req);
        Answered++;
        EndRequest(req, error);
    }

    /// <summary>
    /// fuse_abort_conn (fusectl abort, a dying server, a timeout): the connection is dead; every queued and
    /// processing request ends with -ECONNABORTED, server threads in fuse_dev_do_read return.
    /// </summary>
    public void Abort()
    {
        if (!Connected)
        {
            return;
        }

        Connected = false;
        CancelTimeoutWork();
        var all = new List<FuseReq>(bgQueue);
        all.AddRange(pending);
        all.AddRange(processing);
        bgQueue.Clear();
        pending.Clear();
        processing.Clear();
        foreach (FuseReq req in all)
        {
            Aborted++;
            EndRequest(req, EConnAborted);
        }

        waitq.WakeUpAll();
    }

    private void QueueRequest(FuseReq req)
    {
        Sent++;
        req.State = FuseReqState.Pending;
        pending.Enqueue(req);
        waitq.WakeUpOne();
    }

    // flush_bg_queue: move background requests to pending while fewer than max_background are active.
    private void FlushBgQueue()
    {
        while (ActiveBackground < Options.MaxBackground && bgQueue.Count > 0)
        {
            ActiveBackground++;
            FuseReq req = bgQueue.Dequeue();
            req.CountedActive = true;
            QueueRequest(req);
        }
    }

    // fuse_request_end: the request leaves every list, background accounting drops, its end callback runs.
    private void EndRequest(FuseReq req, int error)
    {
        req.State = FuseReqState.Ended;
        req.Holder = null;
        req.Error = error;
        if (req.CountedBackground)
        {
            req.CountedBackground = false;
            NumBackground--;
            if (req.CountedActive)
            {
                req.CountedActive = false;
                ActiveBackground--;
            }

            if (Connected)
            {
                FlushBgQueue();
            }
        }

        req.End?.Invoke(req);
    }
}
