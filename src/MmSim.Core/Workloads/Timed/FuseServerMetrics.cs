using MmSim.Fs.Fuse;

namespace MmSim.Workloads.Timed;

/// <summary>The metric names of a <c>fuse_server</c> workload (summary.json, <c>compare</c>).</summary>
internal static class FuseServerMetrics
{
    /// <summary>Requests answered, all opcodes.</summary>
    public const string Answered = "answered";

    /// <summary>FUSE_WRITE pages written to the backing file.</summary>
    public const string PagesWritten = "pages_written";

    /// <summary>FUSE_WRITE requests whose backing write found no memory (answered -ENOMEM).</summary>
    public const string BackingWriteEnomem = "backing_write_enomem";

    /// <summary>Sum over answered requests of the time from reading to answering, ns.</summary>
    public const string ServiceNsTotal = "service_ns_total";

    /// <summary>Longest time from reading a request to answering it, ns.</summary>
    public const string ServiceNsMax = "service_ns_max";

    /// <summary>service_ns_total / answered, set at the end of the run.</summary>
    public const string ServiceNsMean = "service_ns_mean";

    /// <summary>Time the process spent stopped (SIGSTOP to SIGCONT, or to the end of the run), ns.</summary>
    public const string StalledNs = "stalled_ns";

    /// <summary>Requests read and not answered when the process stopped.</summary>
    public const string HeldWhenStalled = "held_when_stalled";

    /// <summary>Data pages of the requests held when the process stopped.</summary>
    public const string HeldPagesWhenStalled = "held_pages_when_stalled";

    /// <summary>FUSE_WRITE requests a never_write server read and never answered.</summary>
    public const string WritesHeld = "writes_held";

    /// <summary>Their data pages.</summary>
    public const string PagesHeld = "pages_held";

    /// <summary>Threads that exited (die, an abort, SIGKILL).</summary>
    public const string ExitedThreads = "exited_threads";

    /// <summary>The per-opcode answered count's name: <c>answered_write</c>, <c>answered_read</c>…</summary>
    /// <param name="op">The opcode.</param>
    /// <returns>The metric name.</returns>
    public static string AnsweredOf(FuseOpcode op) => op switch
    {
        FuseOpcode.Write => "answered_write",
        FuseOpcode.Read => "answered_read",
        FuseOpcode.Fsync => "answered_fsync",
        FuseOpcode.Flush => "answered_flush",
        _ => "answered_setattr",
    };
}
