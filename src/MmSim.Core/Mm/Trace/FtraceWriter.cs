using System.Diagnostics;
using System.Globalization;
using MmSim.Mm.PageAlloc;

namespace MmSim.Mm.Trace;

/// <summary>
/// Writes the kmem tracepoints as the lines of /sys/kernel/tracing/trace, so kernel trace tooling
/// and mmsim runs can be compared line by line.
/// </summary>
/// <remarks>
/// The line is kernel/trace/trace_output.c: trace_print_context ("%16s-%-7d [%03d] " + the 5-char
/// irq/preempt field + " %5lu.%06lu: ", the time rounded to the nearest microsecond as ns2usecs
/// does), then "event: " and the TP_printk text of include/trace/events/kmem.h. <c>page=%p</c> is
/// printed as a kernel booted with the tracefs option hash-ptr off prints it (%px): the vmemmap
/// address <c>0xffffea0000000000 + pfn × 64</c> of x86-64 without KASLR, 16 lowercase hex digits;
/// a failed allocation prints the NULL page 0000000000000000 and pfn=0x0. The default (hashed)
/// %p cannot be reproduced. The irq field is "....." (process context) for mm_page_alloc and
/// mm_page_free and "d..1." for mm_page_alloc_extfrag, which fires under zone-&gt;lock with irqs off;
/// inside a pcp refill the kernel would show a deeper preempt count, which mmsim does not track.
/// Each line is built in a stack buffer and written with one TextWriter call.
/// </remarks>
public sealed partial class FtraceWriter : IKmemTrace
{
    /// <summary>VMEMMAP_START on x86-64 with 4-level paging and no KASLR: the struct page of PFN 0.</summary>
    public const ulong VmemmapBase = 0xffffea0000000000;

    /// <summary>sizeof(struct page) on x86-64.</summary>
    public const int StructPageSizeBytes = 64;

    /// <summary>The irq/preempt field of a tracepoint fired in process context with nothing disabled.</summary>
    public const string LatencyProcessContext = ".....";

    /// <summary>The irq/preempt field under spin_lock_irqsave(&amp;zone-&gt;lock): irqs off, preempt depth 1.</summary>
    public const string LatencyZoneLocked = "d..1.";

    private const int LineCharsMax = 1024;
    private const int TaskCommLen = 16;

    private readonly TextWriter output;
    private readonly Func<long> clockNs;
    private readonly string comm;
    private readonly int pid;
    private readonly int cpu;

    /// <summary>Creates a writer.</summary>
    /// <param name="output">Where lines go (each ends in '\n').</param>
    /// <param name="clockNs">Simulated time in nanoseconds (the trace clock).</param>
    /// <param name="comm">Task name shown before the pid (at most 15 chars, TASK_COMM_LEN − 1).</param>
    /// <param name="pid">Task pid.</param>
    /// <param name="cpu">CPU number.</param>
    /// <exception cref="ArgumentException"><paramref name="comm"/> is longer than the kernel keeps.</exception>
    public FtraceWriter(TextWriter output, Func<long> clockNs, string comm = "mmsim", int pid = 1, int cpu = 0)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(clockNs);
        ArgumentNullException.ThrowIfNull(comm);
        if (comm.Length >= TaskCommLen)
        {
            throw new ArgumentException($"comm '{comm}' exceeds TASK_COMM_LEN - 1 = {TaskCommLen - 1} chars", nameof(comm));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(pid);
        ArgumentOutOfRangeException.ThrowIfNegative(cpu);
        this.output = output;
        this.clockNs = clockNs;
        this.comm = comm;
        this.pid = pid;
        this.cpu = cpu;
    }

    /// <summary>
    /// Also print mm_page_alloc_zone_locked and mm_page_pcpu_drain (the buddy's own traffic), as enabling the whole
    /// kmem group does (<c>echo 1 &gt; events/kmem/enable</c>); off, only mm_page_alloc, mm_page_free and
    /// mm_page_alloc_extfrag are printed, as when those events are enabled one by one.
    /// </summary>
    public bool BuddyEvents { get; init; }

    /// <summary>The address %px prints for a PFN's struct page.</summary>
    /// <param name="pfn">Page frame number.</param>
    /// <returns>vmemmap + pfn × sizeof(struct page).</returns>
    public static ulong PageAddress(long pfn) => VmemmapBase + ((ulong)pfn * StructPageSizeBytes);

    /// <inheritdoc/>
    /// <remarks>kmem:mm_page_alloc: "page=%p pfn=0x%lx order=%d migratetype=%d gfp_flags=%s".</remarks>
    public void MmPageAlloc(int pfn, int order, GfpFlags gfp, MigrateType migratetype)
    {
        var line = new Line(stackalloc char[LineCharsMax]);
        Context(ref line, LatencyProcessContext, "mm_page_alloc");
        PageAndPfn(ref line, pfn);
        line.Append(" order=");
        line.Append(order);
        line.Append(" migratetype=");
        line.Append((int)migratetype);
        line.Append(" gfp_flags=");
        line.Advance(GfpFlagNames.Format(gfp, line.Rest));
        Flush(ref line);
    }

    /// <inheritdoc/>
    /// <remarks>kmem:mm_page_free: "page=%p pfn=0x%lx order=%d".</remarks>
    public void MmPageFree(int pfn, int order)
    {
        var line = new Line(stackalloc char[LineCharsMax]);
        Context(ref line, LatencyProcessContext, "mm_page_free");
        PageAndPfn(ref line, pfn);
        line.Append(" order=");
        line.Append(order);
        Flush(ref line);
    }

    /// <inheritdoc/>
    /// <remarks>kmem:mm_page_alloc_zone_locked (event class mm_page): "page=%p pfn=0x%lx order=%u migratetype=%d
    /// percpu_refill=%d", fired under zone-&gt;lock.</remarks>
    public void MmPageAllocZoneLocked(int pfn, int order, MigrateType migratetype, bool percpuRefill)
    {
        if (!BuddyEvents)
        {
            return;
        }

        var line = new Line(stackalloc char[LineCharsMax]);
        Context(ref line, LatencyZoneLocked, "mm_page_alloc_zone_locked");
        PageAndPfn(ref line, pfn);
        line.Append(" order=");
        line.Append(order);
        line.Append(" migratetype=");
        line.Append((int)migratetype);
        line.Append(" percpu_refill=");
        line.Append(percpuRefill ? 1 : 0);
        Flush(ref line);
    }

    /// <inheritdoc/>
    /// <remarks>kmem:mm_page_pcpu_drain: "page=%p pfn=0x%lx order=%d migratetype=%d", fired under zone-&gt;lock.</remarks>
    public void MmPagePcpuDrain(int pfn, int order, MigrateType migratetype)
    {
        if (!BuddyEvents)
        {
            return;
        }

        var line = new Line(stackalloc char[LineCharsMax]);
        Context(ref line, LatencyZoneLocked, "mm_page_pcpu_drain");
        PageAndPfn(ref line, pfn);
        line.Append(" order=");
        line.Append(order);
        line.Append(" migratetype=");
        line.Append((int)migratetype);
        Flush(ref line);
    }

    /// <inheritdoc/>
    /// <remarks>kmem:mm_page_alloc_extfrag: fragmenting is fallback_order &lt; pageblock_order.</remarks>
    public void MmPageAllocExtfrag(int pfn, int allocOrder, int fallbackOrder, MigrateType allocMigratetype, MigrateType fallbackMigratetype, bool changeOwnership)
    {
        var line = new Line(stackalloc char[LineCharsMax]);
        Context(ref line, LatencyZoneLocked, "mm_page_alloc_extfrag");
        PageAndPfn(ref line, pfn);
        line.Append(" alloc_order=");
        line.Append(allocOrder);
        line.Append(" fallback_order=");
        line.Append(fallbackOrder);
        line.Append(" pageblock_order=");
        line.Append(MmConstants.PageblockOrder);
        line.Append(" alloc_migratetype=");
        line.Append((int)allocMigratetype);
        line.Append(" fallback_migratetype=");
        line.Append((int)fallbackMigratetype);
        line.Append(" fragmenting=");
        line.Append(fallbackOrder < MmConstants.PageblockOrder ? 1 : 0);
        line.Append(" change_ownership=");
        line.Append(changeOwnership ? 1 : 0);
        Flush(ref line);
    }

    // trace_print_context + trace_raw_output_prep's "%s: ".
    private void Context(ref Line line, string latency, string eventName)
    {
        long ns = clockNs();
        Debug.Assert(ns >= 0, "trace clock before boot");

        // ns2usecs rounds to the nearest microsecond.
        long usecs = (ns + 500) / 1000;
        line.Pad(comm.Length, TaskCommLen);
        line.Append(comm);
        line.Append('-');
        int pidStart = line.Length;
        line.Append(pid);
        line.Pad(line.Length - pidStart, 7);
        line.Append(" [");
        line.Append(cpu, width: 3, zeroPad: true);
        line.Append("] ");
        line.Append(latency);
        line.Append(' ');
        line.Append(usecs / 1_000_000, width: 5);
        line.Append('.');
        line.Append(usecs % 1_000_000, width: 6, zeroPad: true);
        line.Append(": ");
        line.Append(eventName);
        line.Append(": ");
    }

    // "page=%p pfn=0x%lx", with the NULL page and pfn 0 for a failed allocation (pfn == -1).
    private static void PageAndPfn(ref Line line, int pfn)
    {
        line.Append("page=");
        line.AppendHex(pfn < 0 ? 0 : PageAddress(pfn), pointerWidth: true);
        line.Append(" pfn=0x");
        line.AppendHex(pfn < 0 ? 0 : (ulong)pfn, pointerWidth: false);
    }

    private void Flush(ref Line line)
    {
        line.Append('\n');
        output.Write(line.Written);
    }

    // A fixed buffer with the few printf conversions the trace lines need.
    private ref struct Line
    {
        private readonly Span<char> buf;

        public Line(Span<char> buf)
        {
            this.buf = buf;
            Length = 0;
        }

        public int Length { get; private set; }

        public readonly Span<char> Rest => buf[Length..];

        public readonly ReadOnlySpan<char> Written => buf[..Length];

        public void Advance(int n) => Length += n;

        public void Append(char c) => buf[Length++] = c;

        public void Append(string s)
        {
            s.CopyTo(buf[Length..]);
            Length += s.Length;
        }

        // "%*ld" / "%0*ld" for non-negative values.
        public void Append(long value, int width = 0, bool zeroPad = false)
        {
            Debug.Assert(value >= 0 || !zeroPad, "zero-padded negatives are not used here");
            Span<char> digits = stackalloc char[20];
            bool ok = value.TryFormat(digits, out int n, default, CultureInfo.InvariantCulture);
            Debug.Assert(ok, "a long fits in 20 chars");
            for (int i = n; i < width; i++)
            {
                Append(zeroPad ? '0' : ' ');
            }

            digits[..n].CopyTo(buf[Length..]);
            Length += n;
        }

        // "%lx", or "%016lx" (how %px prints a pointer) with pointerWidth.
        public void AppendHex(ulong value, bool pointerWidth)
        {
            bool ok = value.TryFormat(buf[Length..], out int n, pointerWidth ? "x16" : "x", CultureInfo.InvariantCulture);
            Debug.Assert(ok, "hex fits");
            Length += n;
        }

        // Spaces so that a field of `used` chars fills `width` (right or left justification).
        public void Pad(int used, int width)
        {
            for (int i = used; i < width; i++)
            {
                Append(' ');
            }
        }
    }
}
