// mmsim trace import (issue 11): one line of an ftrace kmem trace, as /sys/kernel/tracing/trace or `trace-cmd report`
// prints it (include/trace/events/kmem.h TP_printk formats, kernel/trace/trace_output.c line prefix).
using System.Globalization;
using System.Text.RegularExpressions;

namespace MmSim.Scenario.Import;

/// <summary>The kmem page events the importer understands.</summary>
public enum KmemEventKind : byte
{
    /// <summary>mm_page_alloc: "page=%p pfn=0x%lx order=%d migratetype=%d gfp_flags=%s".</summary>
    PageAlloc,

    /// <summary>mm_page_free: "page=%p pfn=0x%lx order=%d".</summary>
    PageFree,

    /// <summary>mm_page_free_batched: "page=%p pfn=0x%lx order=0".</summary>
    PageFreeBatched,

    /// <summary>mm_page_alloc_zone_locked: "page=%p pfn=0x%lx order=%u migratetype=%d percpu_refill=%d".</summary>
    AllocZoneLocked,

    /// <summary>mm_page_pcpu_drain: "page=%p pfn=0x%lx order=%d migratetype=%d".</summary>
    PcpuDrain,

    /// <summary>mm_page_alloc_extfrag: "page=%p pfn=0x%lx alloc_order=%d fallback_order=%d pageblock_order=%d
    /// alloc_migratetype=%d fallback_migratetype=%d fragmenting=%d change_ownership=%d".</summary>
    AllocExtfrag,
}

/// <summary>One parsed kmem event.</summary>
/// <param name="Kind">Which event.</param>
/// <param name="Pfn">pfn= (0 for a failed mm_page_alloc).</param>
/// <param name="Order">order= (alloc_order= for mm_page_alloc_extfrag).</param>
/// <param name="Migratetype">migratetype= (alloc_migratetype= for extfrag); -1 when the event has none.</param>
/// <param name="Gfp">gfp_flags= text of mm_page_alloc, else null.</param>
/// <param name="NullPage">mm_page_alloc of a failed allocation (page=NULL).</param>
/// <param name="FallbackOrder">fallback_order= of extfrag.</param>
/// <param name="FallbackMigratetype">fallback_migratetype= of extfrag.</param>
/// <param name="PageblockOrder">pageblock_order= of extfrag.</param>
/// <param name="ChangeOwnership">change_ownership=1 of extfrag.</param>
public readonly record struct KmemEvent(
    KmemEventKind Kind, long Pfn, int Order, int Migratetype, string? Gfp, bool NullPage,
    int FallbackOrder = 0, int FallbackMigratetype = 0, int PageblockOrder = 0, bool ChangeOwnership = false);

/// <summary>What a line of a trace is.</summary>
public enum TraceLineKind : byte
{
    /// <summary>Blank, a '#' header, trace-cmd's "cpus=N"/"version = N" lines or a buffer-start marker.</summary>
    Header,

    /// <summary>A kmem event the importer understands (<see cref="KmemEvent"/>).</summary>
    Event,

    /// <summary>A line that cannot be used; the reason says why.</summary>
    Unusable,
}

/// <summary>Parses the lines of an ftrace text trace.</summary>
/// <remarks>
/// The prefix is "TASK-PID [CPU] LATENCY TIMESTAMP: EVENT: " (tracefs; the 5-char latency field and a "(TGID)" column
/// are optional, as the irq-info and record-tgid options make them) or trace-cmd report's "TASK-PID [CPU] TIMESTAMP:
/// EVENT: " with the event name padded. The page= pointer is ignored (hashed %p cannot be undone): pfn= is what
/// names the page.
/// </remarks>
public static partial class KmemTraceLine
{
    /// <summary>Longest line looked at; longer lines are certainly not kmem events.</summary>
    public const int LineCharsMax = 4096;

    /// <summary>Parses one line.</summary>
    /// <param name="line">The text, without its line end.</param>
    /// <param name="ev">The event when the result is <see cref="TraceLineKind.Event"/>.</param>
    /// <param name="reason">Why the line is unusable (a short, countable phrase), else empty.</param>
    /// <returns>What the line is.</returns>
    public static TraceLineKind Parse(string line, out KmemEvent ev, out string reason)
    {
        ArgumentNullException.ThrowIfNull(line);
        ev = default;
        reason = string.Empty;
        string t = line.Trim();
        if (t.Length == 0 || t[0] == '#' || t.StartsWith("cpus=", StringComparison.Ordinal) || t.StartsWith("version =", StringComparison.Ordinal)
            || (t.StartsWith("#####", StringComparison.Ordinal) || (t.StartsWith("CPU ", StringComparison.Ordinal) && t.Contains("buffer started", StringComparison.Ordinal))))
        {
            return TraceLineKind.Header;
        }

        if (t.Length > LineCharsMax)
        {
            reason = "line too long to be a kmem event";
            return TraceLineKind.Unusable;
        }

        if (t.Contains("[LOST ", StringComparison.Ordinal) && t.Contains(" EVENTS]", StringComparison.Ordinal))
        {
            reason = "lost events (the ring buffer overflowed: the trace has gaps)";
            return TraceLineKind.Unusable;
        }

        Match m = Prefix().Match(t);
        if (!m.Success)
        {
            reason = "not a trace line (no 'TASK-PID [CPU] TIMESTAMP: EVENT:' prefix)";
            return TraceLineKind.Unusable;
        }

        string name = m.Groups["event"].Value;
        string fields = m.Groups["fields"].Value;
        KmemEventKind kind;
        switch (name)
        {
            case "mm_page_alloc": kind = KmemEventKind.PageAlloc; break;
            case "mm_page_free": kind = KmemEventKind.PageFree; break;
            case "mm_page_free_batched": kind = KmemEventKind.PageFreeBatched; break;
            case "mm_page_alloc_zone_locked": kind = KmemEventKind.AllocZoneLocked; break;
            case "mm_page_pcpu_drain": kind = KmemEventKind.PcpuDrain; break;
            case "mm_page_alloc_extfrag": kind = KmemEventKind.AllocExtfrag; break;
            default:
                reason = $"event not replayed: {name}";
                return TraceLineKind.Unusable;
        }

        return ParseFields(kind, fields, out ev, out reason) ? TraceLineKind.Event : TraceLineKind.Unusable;
    }

    private static bool ParseFields(KmemEventKind kind, string fields, out KmemEvent ev, out string reason)
    {
        ev = default;
        reason = string.Empty;
        string? page = null, pfn = null, order = null, mt = null, gfp = null, refill = null;
        string? allocOrder = null, fallbackOrder = null, pbOrder = null, allocMt = null, fallbackMt = null, change = null;
        foreach (string token in fields.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = token.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                continue;
            }

            string value = token[(eq + 1)..];
            switch (token[..eq])
            {
                case "page": page = value; break;
                case "pfn": pfn = value; break;
                case "order": order = value; break;
                case "migratetype": mt = value; break;
                case "gfp_flags": gfp = value; break;
                case "percpu_refill": refill = value; break;
                case "alloc_order": allocOrder = value; break;
                case "fallback_order": fallbackOrder = value; break;
                case "pageblock_order": pbOrder = value; break;
                case "alloc_migratetype": allocMt = value; break;
                case "fallback_migratetype": fallbackMt = value; break;
                case "change_ownership": change = value; break;
            }
        }

        if (!Hex(pfn, out long pfnValue))
        {
            reason = "malformed field: pfn";
            return false;
        }

        // %p of NULL: the kernel prints 0000000000000000 (or "(null)" before 4.x), trace-cmd "(nil)".
        bool nullPage = page is "(null)" or "(nil)" or "0" or "0x0" || (page is not null && page.Length == 16 && page.All(c => c == '0'));
        switch (kind)
        {
            case KmemEventKind.PageAlloc:
                if (!Dec(order, out int o) || !Dec(mt, out int m))
                {
                    reason = order is null || !Dec(order, out _) ? "malformed field: order" : "malformed field: migratetype";
                    return false;
                }

                if (string.IsNullOrEmpty(gfp))
                {
                    reason = "malformed field: gfp_flags";
                    return false;
                }

                ev = new KmemEvent(kind, pfnValue, o, m, gfp, nullPage);
                return true;
            case KmemEventKind.PageFree:
            case KmemEventKind.PageFreeBatched:
                if (!Dec(order, out int fo))
                {
                    reason = "malformed field: order";
                    return false;
                }

                ev = new KmemEvent(kind, pfnValue, fo, -1, null, false);
                return true;
            case KmemEventKind.AllocZoneLocked:
            case KmemEventKind.PcpuDrain:
                if (!Dec(order, out int zo))
                {
                    reason = "malformed field: order";
                    return false;
                }

                if (!Dec(mt, out int zm) || (kind == KmemEventKind.AllocZoneLocked && !Dec(refill, out _)))
                {
                    reason = Dec(mt, out _) ? "malformed field: percpu_refill" : "malformed field: migratetype";
                    return false;
                }

                ev = new KmemEvent(kind, pfnValue, zo, zm, null, false);
                return true;
            default:
                if (!Dec(allocOrder, out int ao) || !Dec(fallbackOrder, out int fbo) || !Dec(pbOrder, out int pbo)
                    || !Dec(allocMt, out int am) || !Dec(fallbackMt, out int fm) || change is not ("0" or "1"))
                {
                    reason = "malformed field: " + FirstBad(
                        ("alloc_order", allocOrder), ("fallback_order", fallbackOrder), ("pageblock_order", pbOrder),
                        ("alloc_migratetype", allocMt), ("fallback_migratetype", fallbackMt), ("change_ownership", change));
                    return false;
                }

                ev = new KmemEvent(kind, pfnValue, ao, am, null, false, fbo, fm, pbo, change == "1");
                return true;
        }
    }

    private static string FirstBad(params (string Name, string? Value)[] fields)
    {
        foreach ((string n, string? v) in fields)
        {
            if (n == "change_ownership" ? v is not ("0" or "1") : !Dec(v, out _))
            {
                return n;
            }
        }

        return "?";
    }

    // "0x%lx" (trace-cmd prints it the same way).
    private static bool Hex(string? s, out long v)
    {
        v = 0;
        return s is not null && s.StartsWith("0x", StringComparison.Ordinal) && s.Length > 2 && s.Length <= 18
            && long.TryParse(s.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out v) && v >= 0;
    }

    // "%d" / "%u": a small signed integer (migratetype may print -1).
    private static bool Dec(string? s, out int v)
    {
        v = 0;
        return s is not null && int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out v);
    }

    // TASK-PID, an optional "(TGID)" column, [CPU], an optional irq/preempt field, TIMESTAMP: EVENT: FIELDS.
    [GeneratedRegex(@"^(?<task>.*?)-(?<pid>\d+)\s+(?:\(\s*(?:\d+|-+)\)\s+)?\[(?<cpu>\d+)\]\s+(?:(?<lat>\S{4,6})\s+)?(?<ts>\d+\.\d+):\s+(?<event>[A-Za-z_][A-Za-z0-9_]*):\s*(?<fields>.*)$", RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex Prefix();
}
