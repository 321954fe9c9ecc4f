// Folio bit waits (mm/filemap.c): PG_locked and PG_writeback are waited on through a small table
// of hashed wait queues shared by all folios (folio_wait_table), as the kernel does, so no folio
// carries a queue. Each sleeper reports the specific folio and who will release it — the lock
// holder, or whatever ends the writeback (a device queue, a FUSE request and the server thread
// holding it) — so the hung-task and deadlock detectors can walk a chain through a folio.
using System.Diagnostics;
using MmSim.Sim;

namespace MmSim.Mm.Filemap;

/// <summary>What a task waiting on a folio bit waits on: the folio, the bit, and its releaser.</summary>
/// <param name="description">For reports.</param>
/// <param name="releaser">Who ends the wait.</param>
/// <param name="pfn">The folio (wait_page_key.folio); −1: unknown, woken by any wake-up of its hashed queue.</param>
/// <param name="bit">The bit (wait_page_key.bit_nr).</param>
internal sealed class FolioBitTarget(string description, Func<SimTask?> releaser, int pfn = -1, PageFlags bit = 0) : IWaitTarget
{
    /// <summary>The folio waited on, or −1.</summary>
    public int Pfn => pfn;

    /// <summary>The bit waited on.</summary>
    public PageFlags Bit => bit;

    /// <inheritdoc/>
    public SimTask? Releaser => releaser();

    /// <inheritdoc/>
    public string Describe() => description;
}

/// <summary>
/// folio_lock / folio_unlock and folio_wait_writeback / folio_start_writeback / folio_end_writeback,
/// with the lock holder and the writeback ender recorded for the wait-for graph.
/// </summary>
/// <remarks>
/// mm/filemap.c: folio_wait_table (PAGE_WAIT_TABLE_BITS = 8), folio_waitqueue, __folio_lock,
/// folio_wait_bit_common, folio_unlock, folio_wait_writeback, folio_end_writeback;
/// mm/page-writeback.c: __folio_start_writeback. Waiters sleep in D (TASK_UNINTERRUPTIBLE), as
/// folio_lock and folio_wait_writeback do. A wake-up on a hashed queue wakes only the sleepers whose
/// key (folio and bit) matches, as wake_page_function does; each re-checks its folio and sleeps again
/// if that is still busy.
/// </remarks>
public sealed class FolioWait
{
    /// <summary>PAGE_WAIT_TABLE_BITS.</summary>
    public const int WaitTableBits = 8;

    /// <summary>Wait site of a task waiting for PG_locked.</summary>
    public const string SiteFolioLock = "__folio_lock";

    /// <summary>Wait site of a task waiting for PG_writeback to clear.</summary>
    public const string SiteFolioWaitWriteback = "folio_wait_writeback";

    /// <summary>Wait site of a bounded wait for PG_writeback (the wait-timeout and cancel-writeback designs).</summary>
    public const string SiteFolioWaitWritebackTimeout = "folio_wait_writeback_timeout";

    private readonly PageFrame[] pages;
    private readonly Simulator sim;
    private readonly WaitQueue[] table = new WaitQueue[1 << WaitTableBits];

    // Keyed lookups only: never iterated, so hash order cannot reach results.
    private readonly Dictionary<int, SimTask?> lockHolders = [];
    private readonly Dictionary<int, IWaitTarget?> writebackEnders = [];

    /// <summary>Creates the wait table for <paramref name="pages"/>.</summary>
    /// <param name="pages">The memory map.</param>
    /// <param name="sim">The engine (for <c>current</c>).</param>
    public FolioWait(PageFrame[] pages, Simulator sim)
    {
        ArgumentNullException.ThrowIfNull(pages);
        ArgumentNullException.ThrowIfNull(sim);
        this.pages = pages;
        this.sim = sim;
        for (int i = 0; i < table.Length; i++)
        {
            table[i] = new WaitQueue($"folio_wait_table[{i}]");
        }
    }

    /// <summary>The task holding the lock of the folio at <paramref name="pfn"/>, or null.</summary>
    /// <param name="pfn">Head PFN.</param>
    /// <returns>The holder, or null (unlocked, or locked outside any task).</returns>
    public SimTask? LockHolder(int pfn) => lockHolders.GetValueOrDefault(pfn);

    /// <summary>What will end the writeback of the folio at <paramref name="pfn"/>, or null.</summary>
    /// <param name="pfn">Head PFN.</param>
    /// <returns>The ender (a device queue, a request), or null.</returns>
    public IWaitTarget? WritebackEnder(int pfn) => writebackEnders.GetValueOrDefault(pfn);

    /// <summary>folio_trylock: takes PG_locked if it is clear.</summary>
    /// <param name="pfn">Head PFN of an allocated folio.</param>
    /// <returns>True when the caller now holds the lock.</returns>
    public bool FolioTrylock(int pfn)
    {
        ref PageFrame page = ref pages[pfn];
        Debug.Assert(page.Has(PageFlags.Allocated), "only allocated folios are locked");
        if (page.Has(PageFlags.Locked))
        {
            return false;
        }

        page.Set(PageFlags.Locked);
        lockHolders[pfn] = sim.Current;
        return true;
    }

    /// <summary>folio_lock: takes PG_locked, sleeping in D in <c>__folio_lock</c> while another holds it.</summary>
    /// <param name="pfn">Head PFN of an allocated folio.</param>
    /// <returns>The coroutine to await with <see cref="Wait.Call"/>.</returns>
    /// <remarks>Not recursive: a task locking a folio it holds waits for itself, and the deadlock detector says so.</remarks>
    public IEnumerable<Wait> FolioLock(int pfn)
    {
        while (!FolioTrylock(pfn))
        {
            var target = new FolioBitTarget($"folio 0x{pfn:x} lock", () => LockHolder(pfn), pfn, PageFlags.Locked);
            yield return Wait.On(Queue(pfn), TaskState.Uninterruptible, SiteFolioLock, -1, target);
        }
    }

    /// <summary>folio_wait_locked: sleeps in D until PG_locked is clear, without taking it (the folio may be freed meanwhile).</summary>
    /// <param name="pfn">Head PFN.</param>
    /// <returns>The coroutine to await with <see cref="Wait.Call"/>.</returns>
    public IEnumerable<Wait> FolioWaitLocked(int pfn)
    {
        while (pages[pfn].Has(PageFlags.Locked))
        {
            var target = new FolioBitTarget($"folio 0x{pfn:x} lock", () => LockHolder(pfn), pfn, PageFlags.Locked);
            yield return Wait.On(Queue(pfn), TaskState.Uninterruptible, SiteFolioLock, -1, target);
        }
    }

    /// <summary>folio_unlock: clears PG_locked and wakes the folio's waiters.</summary>
    /// <param name="pfn">Head PFN of a locked folio.</param>
    /// <exception cref="InvalidOperationException">The folio is not locked.</exception>
    public void FolioUnlock(int pfn)
    {
        ClearBitAndWake(pfn, PageFlags.Locked, "folio_unlock");
        lockHolders.Remove(pfn);
    }

    /// <summary>__folio_start_writeback: sets PG_writeback, recording what will end it.</summary>
    /// <param name="pfn">Head PFN of an allocated folio not under writeback.</param>
    /// <param name="ender">The device queue, request or task whose progress ends it; null if unknown.</param>
    /// <exception cref="InvalidOperationException">The folio is under writeback already.</exception>
    public void FolioStartWriteback(int pfn, IWaitTarget? ender)
    {
        ref PageFrame page = ref pages[pfn];
        if (page.Has(PageFlags.Writeback))
        {
            throw new InvalidOperationException($"folio_start_writeback of pfn 0x{pfn:x}, already under writeback");
        }

        page.Set(PageFlags.Writeback);
        writebackEnders[pfn] = ender;
    }

    /// <summary>folio_end_writeback: clears PG_writeback and wakes the folio's waiters.</summary>
    /// <param name="pfn">Head PFN of a folio under writeback.</param>
    /// <exception cref="InvalidOperationException">The folio is not under writeback.</exception>
    public void FolioEndWriteback(int pfn)
    {
        ClearBitAndWake(pfn, PageFlags.Writeback, "folio_end_writeback");
        writebackEnders.Remove(pfn);
        WritebackEnded?.Invoke(pfn);
    }

    /// <summary>folio_wait_writeback: sleeps in D until PG_writeback is clear; returns at once if it is.</summary>
    /// <param name="pfn">Head PFN.</param>
    /// <returns>The coroutine to await with <see cref="Wait.Call"/>.</returns>
    public IEnumerable<Wait> FolioWaitWriteback(int pfn)
    {
        while (pages[pfn].Has(PageFlags.Writeback))
        {
            var target = new FolioBitTarget($"folio 0x{pfn:x} writeback", () => WritebackEnder(pfn)?.Releaser, pfn, PageFlags.Writeback);
            yield return Wait.On(Queue(pfn), TaskState.Uninterruptible, SiteFolioWaitWriteback, -1, target);
        }
    }

    /// <summary>
    /// folio_wait_writeback with a bound (the wait-timeout and cancel-writeback designs; no kernel has it): sleeps in D
    /// until PG_writeback is clear or <paramref name="timeoutNs"/> has passed. A wait with a timeout is no edge of
    /// the wait-for graph. Afterwards the folio's PG_writeback tells which ended it.
    /// </summary>
    /// <param name="pfn">Head PFN.</param>
    /// <param name="timeoutNs">The bound, positive.</param>
    /// <returns>The coroutine to await with <see cref="Wait.Call"/>.</returns>
    public IEnumerable<Wait> FolioWaitWritebackTimeout(int pfn, long timeoutNs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(timeoutNs, 1);
        return FolioWaitWritebackTimeoutCoroutine(pfn, timeoutNs);
    }

    /// <summary>The current simulated time, ns.</summary>
    public long Now => sim.Now;

    /// <summary>Called with the head PFN after every folio_end_writeback (migration's false-abort records); null for none.</summary>
    public Action<int>? WritebackEnded { get; set; }

    /// <summary>Lock holders and writeback enders recorded for folios without the matching flag (for the checker); 0 when consistent.</summary>
    /// <returns>The number of stray records.</returns>
    public int CountStrayRecords()
    {
        int bad = 0;
        foreach (int pfn in lockHolders.Keys)
        {
            bad += pages[pfn].Has(PageFlags.Locked) ? 0 : 1;
        }

        foreach (int pfn in writebackEnders.Keys)
        {
            bad += pages[pfn].Has(PageFlags.Writeback) ? 0 : 1;
        }

        return bad;
    }

    // The deadline saturates, so a huge bound is as good as none but still no wait-for edge.
    private IEnumerable<Wait> FolioWaitWritebackTimeoutCoroutine(int pfn, long timeoutNs)
    {
        long deadlineNs = sim.Now > long.MaxValue - timeoutNs ? long.MaxValue : sim.Now + timeoutNs;
        while (pages[pfn].Has(PageFlags.Writeback) && sim.Now < deadlineNs)
        {
            var target = new FolioBitTarget($"folio 0x{pfn:x} writeback", () => WritebackEnder(pfn)?.Releaser, pfn, PageFlags.Writeback);
            yield return Wait.On(Queue(pfn), TaskState.Uninterruptible, SiteFolioWaitWritebackTimeout, deadlineNs - sim.Now, target);
        }
    }

    // folio_wake_bit: clear the bit, then wake the folio's hashed queue (every sleeper re-checks its own folio).
    private void ClearBitAndWake(int pfn, PageFlags bit, string caller)
    {
        ref PageFrame page = ref pages[pfn];
        if (!page.Has(bit))
        {
            throw new InvalidOperationException($"{caller} of pfn 0x{pfn:x}, whose {bit} bit is clear");
        }

        page.Clear(bit);

        // folio_unlock wakes only when PG_waiters says someone sleeps (folio_xor_flags_has_waiters);
        // an empty hashed queue stands for the clear bit, and most unlocks find it so.
        // wake_page_function matches the key (folio and bit): sleepers on other folios that hash alike sleep on,
        // with no context switch (the hung-task detector's switch count stays) — FUSE server (issue 9).
        WaitQueue q = Queue(pfn);
        if (q.Count != 0)
        {
            q.WakeUpWhere(static (t, key) => t.WaitingOn is not FolioBitTarget { Pfn: >= 0 } f || (f.Pfn == key.Pfn && f.Bit == key.Bit), (Pfn: pfn, Bit: bit));
        }
    }

    // folio_waitqueue: hash_ptr(folio, PAGE_WAIT_TABLE_BITS); a multiplicative hash of the PFN.
    private WaitQueue Queue(int pfn) => table[(int)(((uint)pfn * 0x9E3779B1u) >> (32 - WaitTableBits))];
}
