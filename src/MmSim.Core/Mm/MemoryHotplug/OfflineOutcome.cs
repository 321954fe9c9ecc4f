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

    /// <summary>The outcome so far; final once <see cref="EndNs"/> is set.</summary>
    public OfflineOutcome Outcome { get; set; }

    /// <summary>The kernel's reason string on failure ("unmovable page", "signal backoff", "timeout"), or empty.</summary>
    public string Reason { get; set; } = "";

    /// <summary>Simulated time the attempt started, in ns.</summary>
    public long StartNs { get; set; }

    /// <summary>Simulated time it ended, in ns, or −1 while it runs.</summary>
    public long EndNs { get; set; } = -1;

    /// <summary>Migration passes made (scan_movable_pages + do_migrate_range rounds).</summary>
    public int Passes { get; set; }
}
