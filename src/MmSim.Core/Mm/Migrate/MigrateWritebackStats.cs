// The false aborts of the wait-timeout and cancel-writeback designs (issue 9): every timeout that fired
// and every cancel, and of those the ones whose writeback would have completed anyway. No kernel counts
// these (neither design was merged): they go to summary.json through the run layer, not /proc/vmstat.
namespace MmSim.Mm.Migrate;

/// <summary>
/// Counts of MIGRATE_SYNC writeback waits that were cut short, and of those that were cut short in vain: a
/// timed-out folio whose writeback then ended normally, or a cancelled one whose request the server later
/// answered (the filesystem reports that through <see cref="CancelledWritebackWouldHaveEnded"/>).
/// </summary>
/// <remarks>
/// One sparse record per aborted folio, keyed by head PFN and never iterated for results. A timed-out folio is
/// still under writeback, so it cannot be freed before its writeback ends: its record goes then. A cancelled
/// folio is dirty and may be freed; its record names the folio (mapping id and index) and is ignored once the
/// PFN holds another folio, and is dropped when the owner reports its request's end.
/// </remarks>
public sealed class MigrateWritebackStats
{
    private readonly PageFrame[] pages;

    // Keyed lookups only: never iterated, so hash order cannot reach results.
    private readonly Dictionary<int, AbortRecord> records = [];

    internal MigrateWritebackStats(PageFrame[] pages) => this.pages = pages;

    /// <summary>wait-timeout: waits that ran out with the folio still under writeback (each failed the folio with -EBUSY).</summary>
    public long Timeouts { get; private set; }

    /// <summary>cancel-writeback: writebacks the owner ended early and redirtied.</summary>
    public long Cancels { get; private set; }

    /// <summary>cancel-writeback: cancels the owner refused (the folio was being copied or sat spliced); the waiter then waited on without bound.</summary>
    public long CancelsRefused { get; private set; }

    /// <summary>Timeouts whose folio's writeback then ended normally: it would have completed.</summary>
    public long FalseAbortTimeouts { get; private set; }

    /// <summary>Cancels whose request the server then answered: the writeback would have completed.</summary>
    public long FalseAbortCancels { get; private set; }

    /// <summary>Timeouts plus cancels.</summary>
    public long Aborts => Timeouts + Cancels;

    /// <summary>False aborts of both kinds.</summary>
    public long FalseAborts => FalseAbortTimeouts + FalseAbortCancels;

    /// <summary>Aborted folios whose fate is not known yet (still under writeback, or their request unanswered).</summary>
    public int Pending => records.Count;

    /// <summary>
    /// The owner of a cancelled folio's writeback reports that the request it was dropped from has been answered
    /// successfully: the cancel was a false abort.
    /// </summary>
    /// <param name="pfn">Head PFN the folio had when it was cancelled.</param>
    /// <param name="mappingId">Its mapping's id.</param>
    /// <param name="index">Its page index.</param>
    /// <returns>True when a matching cancel record was found (and counted).</returns>
    public bool CancelledWritebackWouldHaveEnded(int pfn, int mappingId, long index)
    {
        if (records.TryGetValue(pfn, out AbortRecord r) && !r.TimedOut && r.MappingId == mappingId && r.Index == index)
        {
            records.Remove(pfn);
            FalseAbortCancels++;
            return true;
        }

        return false;
    }

    /// <summary>The owner ends a timed-out folio's writeback with an error (an aborted connection): not a false abort.</summary>
    /// <param name="pfn">Head PFN of the folio, called before folio_end_writeback.</param>
    /// <remarks>Only a timed-out record goes: a cancel record at the same PFN names another folio (the cancelled one was
    /// dirty and may have moved or been freed since) and waits for its own request's end.</remarks>
    public void ForgetAbort(int pfn)
    {
        if (records.Count != 0 && records.TryGetValue(pfn, out AbortRecord r) && r.TimedOut)
        {
            records.Remove(pfn);
        }
    }

    /// <summary>
    /// The owner of a cancelled folio's writeback reports that the request it was dropped from ended with an error (an
    /// aborted connection): the writeback would not have completed, so the cancel was not a false abort.
    /// </summary>
    /// <param name="pfn">Head PFN the folio had when it was cancelled.</param>
    /// <param name="mappingId">Its mapping's id.</param>
    /// <param name="index">Its page index.</param>
    /// <returns>True when a matching cancel record was found (and dropped).</returns>
    public bool ForgetCancel(int pfn, int mappingId, long index)
    {
        if (records.TryGetValue(pfn, out AbortRecord r) && !r.TimedOut && r.MappingId == mappingId && r.Index == index)
        {
            records.Remove(pfn);
            return true;
        }

        return false;
    }

    /// <summary>The invariant: every timed-out folio still on record is under writeback (its record goes when the writeback ends).</summary>
    /// <returns>The first violation, or null.</returns>
    public string? Verify()
    {
        // A check, not a result: iteration order only picks which violation is named.
        foreach (KeyValuePair<int, AbortRecord> r in records)
        {
            if (r.Value.TimedOut && !pages[r.Key].Has(PageFlags.Writeback))
            {
                return $"timed-out folio 0x{r.Key:x} is on record but no longer under writeback";
            }
        }

        return Timeouts >= FalseAbortTimeouts && Cancels >= FalseAbortCancels ? null : "more false aborts than aborts";
    }

    // folio_end_writeback of any folio: a timed-out one whose writeback ends normally would have completed.
    internal void WritebackEnded(int pfn)
    {
        if (records.Count != 0 && records.TryGetValue(pfn, out AbortRecord r) && r.TimedOut)
        {
            records.Remove(pfn);
            FalseAbortTimeouts++;
        }
    }

    internal void Timeout(int pfn, long nowNs)
    {
        Timeouts++;
        records[pfn] = new AbortRecord(true, nowNs, pages[pfn].Owner, -1);
    }

    internal void Cancelled(int pfn, long nowNs, int mappingId, long index)
    {
        Cancels++;
        records[pfn] = new AbortRecord(false, nowNs, mappingId, index);
    }

    internal void CancelRefused() => CancelsRefused++;

    // One aborted folio: a timeout or a cancel, when, and which folio (for a cancel, whose PFN may be reused).
    private readonly record struct AbortRecord(bool TimedOut, long AtNs, int MappingId, long Index);
}
