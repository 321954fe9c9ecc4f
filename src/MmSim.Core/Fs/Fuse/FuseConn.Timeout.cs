// Request timeouts (6.15+): fs/fuse/dev.c fuse_check_timeout and fuse_init_server_timeout, a delayed
// work that looks only at the head of each request list once per FUSE_TIMEOUT_TIMER_FREQ.
using MmSim.Sim;

namespace MmSim.Fs.Fuse;

public sealed partial class FuseConn
{
    /// <summary>FUSE_TIMEOUT_TIMER_FREQ: seconds between two runs of fuse_check_timeout (also the smallest timeout).</summary>
    public const long TimeoutTimerFreqSecs = 15;

    /// <summary>FUSE_PQ_HASH_BITS: the processing list is 256 hash chains, each checked at its head.</summary>
    private const int PqHashBits = 8;

    /// <summary>GOLDEN_RATIO_64 of include/linux/hash.h (hash_64).</summary>
    private const ulong GoldenRatio64 = 0x61C8864680B583EBUL;

    private CallbackHandle timeoutWork;
    private bool timeoutArmed;
    private readonly bool[] headSeen = new bool[1 << PqHashBits];

    /// <summary>fc->timeout.req_timeout in ns (0: the connection has no request timeout).</summary>
    public long RequestTimeoutNs { get; private set; }

    /// <summary>How many times fuse_check_timeout found an expired request and aborted the connection.</summary>
    public long Timeouts { get; private set; }

    /// <summary>Writeback cancels done (cancel-writeback design).</summary>
    public long Cancels { get; internal set; }

    /// <summary>Writeback cancels refused because the folio's request was spliced.</summary>
    public long CancelRefusals { get; internal set; }

    /// <summary>
    /// fuse_init_server_timeout: the server's request (FUSE_INIT request_timeout), else
    /// fs.fuse.default_request_timeout, capped by fs.fuse.max_request_timeout (which also applies when neither
    /// is set), at least FUSE_TIMEOUT_TIMER_FREQ; then set_request_timeout queues the first check one period on.
    /// </summary>
    /// <param name="serverSecs">What the server asked for (0: nothing).</param>
    /// <param name="sysctl">fs.fuse sysctls.</param>
    /// <returns>The timeout in seconds, 0 for none.</returns>
    internal long InitServerTimeout(long serverSecs, FuseSysctl sysctl)
    {
        long timeout = EffectiveTimeoutSecs(serverSecs, sysctl);
        if (timeout == 0)
        {
            return 0;
        }

        RequestTimeoutNs = timeout * SimTime.NsPerSec;
        QueueTimeoutWork();
        return timeout;
    }

    /// <summary>The timeout fuse_init_server_timeout picks, in seconds (0: none).</summary>
    /// <param name="serverSecs">The server's request_timeout.</param>
    /// <param name="sysctl">fs.fuse sysctls.</param>
    /// <returns>Seconds.</returns>
    public static long EffectiveTimeoutSecs(long serverSecs, FuseSysctl sysctl)
    {
        ArgumentNullException.ThrowIfNull(sysctl);
        long timeout = serverSecs;
        if (timeout == 0 && sysctl.MaxRequestTimeoutSecs == 0 && sysctl.DefaultRequestTimeoutSecs == 0)
        {
            return 0;
        }

        if (timeout == 0)
        {
            timeout = sysctl.DefaultRequestTimeoutSecs;
        }

        if (sysctl.MaxRequestTimeoutSecs != 0)
        {
            timeout = timeout != 0 ? Math.Min(sysctl.MaxRequestTimeoutSecs, timeout) : sysctl.MaxRequestTimeoutSecs;
        }

        return Math.Max(TimeoutTimerFreqSecs, timeout);
    }

    /// <summary>
    /// fuse_check_timeout: if any request is outstanding (num_waiting), the head of fiq->pending, of bg_queue
    /// and of each processing hash chain is compared with its creation time; one expired head aborts the
    /// connection, otherwise the check is queued again one period later. Background writeback requests are on
    /// the same lists and are covered.
    /// </summary>
    /// <returns>True when the check aborted the connection.</returns>
    internal bool CheckTimeout()
    {
        timeoutArmed = false;
        if (!Connected || RequestTimeoutNs == 0)
        {
            return false;
        }

        bool expired = false;
        if (pending.Count + bgQueue.Count + processing.Count > 0)
        {
            expired = (pending.Count > 0 && Expired(pending.Peek()))
                || (bgQueue.Count > 0 && Expired(bgQueue.Peek()))
                || ProcessingExpired();
        }

        if (expired)
        {
            Timeouts++;
            Abort();
            return true;
        }

        QueueTimeoutWork();
        return false;
    }

    // time_is_before_jiffies(req->create_time + fc->timeout.req_timeout).
    private bool Expired(FuseReq req) => sim.Now > req.CreateNs + RequestTimeoutNs;

    // fuse_fpq_processing_expired: the head of each of the FUSE_PQ_HASH_SIZE chains; a request joins the tail of
    // chain fuse_req_hash(unique) when read, so the first request in read order of each chain is its head.
    private bool ProcessingExpired()
    {
        if (processing.Count == 0)
        {
            return false;
        }

        Array.Clear(headSeen);
        foreach (FuseReq req in processing)
        {
            int chain = (int)((ulong)req.Unique * GoldenRatio64 >> (64 - PqHashBits));
            if (headSeen[chain])
            {
                continue;
            }

            headSeen[chain] = true;
            if (Expired(req))
            {
                return true;
            }
        }

        return false;
    }

    private void QueueTimeoutWork()
    {
        if (timeoutArmed)
        {
            return;
        }

        timeoutArmed = true;
        timeoutWork = sim.Schedule(TimeoutTimerFreqSecs * SimTime.NsPerSec, static c => ((FuseConn)c!).CheckTimeout(), this);
    }

    // fuse_abort_conn: cancel_delayed_work of the timeout check.
    private void CancelTimeoutWork()
    {
        if (timeoutArmed)
        {
            sim.Cancel(timeoutWork);
            timeoutArmed = false;
        }
    }
}
