using MmSim.Sim;

namespace MmSim.Mm.MemoryHotplug;

/// <summary>How one attempt to offline a memory block ended (or stands, when the run ends first).</summary>
public enum OfflineOutcome
{
    /// <summary>No attempt was made.</summary>
    None = 0,

    /// <summary>Every page was migrated or free; the block is offline.</summary>
    Ok,

    /// <summary>Isolation failed (-EBUSY, "unmovable page"): nothing was migrated.</summary>
    Ebusy,

    /// <summary>Still asleep in D (folio_wait_writeback, folio_lock) when the run ended.</summary>
    Hung,

    /// <summary>Still looping over scan_movable_pages/do_migrate_range in R when the run ended.</summary>
    Retrying,

    /// <summary>A signal ended it between passes (-EINTR, "signal backoff").</summary>
    Interrupted,

    /// <summary>The proposed offline timeout expired (-ETIMEDOUT, "timeout"; never merged, a switch).</summary>
    Timeout,
}

/// <summary>One offline attempt: its block, outcome, failure reason and latency in simulated time.</summary>
public sealed class OfflineAttempt
{
    /// <summary>The memory block (its index; start PFN = block × pages per block).</summary>
    public int Block { get; set; }

    private OfflineOutcome outcome;

    /// <summary>
    /// The outcome: final once <see cref="EndNs"/> is set; while the attempt runs, <see cref="OfflineOutcome.Hung"/>
    /// when its task sleeps in D and <see cref="OfflineOutcome.Retrying"/> otherwise.
    /// </summary>
    public OfflineOutcome Outcome
    {
        get => EndNs >= 0 || outcome == OfflineOutcome.None ? outcome
            : IsHung(Task) ? OfflineOutcome.Hung : OfflineOutcome.Retrying;
        set => outcome = value;
    }

    /// <summary>
    /// Whether a running attempt's task is hung: asleep in D without a timeout. A D sleep with a timeout (the
    /// wait-timeout and cancel-writeback designs' bounded folio_wait_writeback) ends by itself, so the attempt is
    /// retrying, as the deadlock detector draws no edge for it.
    /// </summary>
    /// <param name="task">The attempt's task, or null.</param>
    /// <returns>True when it sleeps in D with no deadline.</returns>
    public static bool IsHung(SimTask? task) => task is { State: TaskState.Uninterruptible, WaitDeadlineNs: < 0 };

    /// <summary>The kernel's reason string on failure ("failure to isolate range", "unmovable page", "signal backoff", "timeout"), or empty.</summary>
    public string Reason { get; set; } = "";

    /// <summary>The return of offline_pages: 0 or -errno (-EBUSY, -EINTR, -ETIMEDOUT, -EINVAL); 0 while running.</summary>
    public int Ret { get; set; }

    /// <summary>The page isolation reported unmovable (dump_page(page, "unmovable page")), or −1.</summary>
    public int UnmovablePfn { get; set; } = -1;

    /// <summary>The task writing "offline" to the block's state, or null.</summary>
    public SimTask? Task { get; set; }

    /// <summary>Latency in simulated ns: to <see cref="EndNs"/>, or to <paramref name="nowNs"/> while it runs.</summary>
    /// <param name="nowNs">The current simulated time.</param>
    /// <returns>Nanoseconds.</returns>
    public long LatencyNs(long nowNs) => (EndNs >= 0 ? EndNs : nowNs) - StartNs;

    /// <summary>Simulated time the attempt started, in ns.</summary>
    public long StartNs { get; set; }

    /// <summary>Simulated time it ended, in ns, or −1 while it runs.</summary>
    public long EndNs { get; set; } = -1;

    /// <summary>Migration passes made (scan_movable_pages + do_migrate_range rounds).</summary>
    public int Passes { get; set; }
}
