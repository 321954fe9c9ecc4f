// mmsim trace import (issue 11): an ftrace kmem trace turned into an op script, at page or buddy level.
using System.Globalization;
using System.Text;
using MmSim.Mm;
using MmSim.Mm.PageAlloc;

namespace MmSim.Scenario.Import;

/// <summary>Which traffic an imported script replays.</summary>
public enum TraceLevel : byte
{
    /// <summary>mm_page_alloc / mm_page_free(_batched) as <c>alloc</c> / <c>free</c>: the model's pcp and buddy decide where pages come from.</summary>
    Page,

    /// <summary>The buddy's own traffic at the traced PFNs (<c>alloc_pfn</c>, <c>free_pfn</c>, <c>claim_pfn</c>): pcp refills, drains and fallbacks exactly.</summary>
    Buddy,
}

/// <summary>
/// Turns the kmem lines of an ftrace text trace into an op script and counts every line it could not use, by reason.
/// </summary>
/// <remarks>
/// Buddy level follows where 6.18 fires each event. mm_page_alloc_zone_locked is __rmqueue_smallest taking a block
/// (for the pcp, percpu_refill=1, or for the caller) → <c>alloc_pfn</c>. mm_page_alloc_extfrag with change_ownership=0
/// is __rmqueue_steal (no zone_locked line) → <c>alloc_pfn</c> at alloc_order; with change_ownership=1 it is
/// try_to_claim_block → <c>claim_pfn</c> at fallback_order, plus <c>alloc_pfn</c> when fallback_order ≥ pageblock_order
/// (that path does not go through __rmqueue_smallest; below it, the zone_locked line just before was the allocation:
/// replaying the claim after it gives the same free lists, since the claim moves every free page of the block).
/// mm_page_pcpu_drain is free_pcppages_bulk → <c>free_pfn</c>. mm_page_free reaches the buddy directly only for orders
/// the pcp does not take (pcp_allowed_order) → <c>free_pfn</c>; other frees go to the per-cpu lists and reach the buddy as
/// a later drain. mm_page_alloc is a pcp hit or the caller's side of a zone_locked line: not buddy traffic.
/// Not visible in any kmem event, so not replayed: frees of isolated pageblocks and with the pcp off (they bypass the
/// pcp), highatomic reserves, compaction's isolate_freepages, alloc_contig_range (docs/fidelity.md).
/// </remarks>
public sealed class TraceImport
{
    private readonly TraceLevel level;
    private readonly Func<long, int, bool>? pfnInMachine;
    private readonly bool pcpOff;
    private readonly StringBuilder ops = new();
    private readonly SortedDictionary<string, long> skipped = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, long> used = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, long> written = new(StringComparer.Ordinal);

    // Page level: PFN → (ID, order) of the live allocation; ID suffix counter for PFNs allocated twice.
    private readonly Dictionary<long, (string Id, int Order)> live = [];
    private int clash;

    // Buddy level: the blocks the script holds, as its parser will see them.
    private readonly PfnBlocks blocks = new();
    private int opLines;
    private long events;

    /// <summary>Creates an importer.</summary>
    /// <param name="level">Page or buddy level.</param>
    /// <param name="pfnInMachine">When given, (pfn, order) → whether the block lies in the machine; lines outside are counted.</param>
    /// <param name="pcpOff">The traced kernel had no per-cpu lists (mmsim's <c>kernel.pcp: false</c>): every free reaches the buddy.</param>
    public TraceImport(TraceLevel level, Func<long, int, bool>? pfnInMachine = null, bool pcpOff = false)
    {
        this.level = level;
        this.pfnInMachine = pfnInMachine;
        this.pcpOff = pcpOff;
    }

    /// <summary>Lines that could not be used, by reason (ordinal order).</summary>
    public IReadOnlyDictionary<string, long> Skipped => skipped;

    /// <summary>Events used, by event name.</summary>
    public IReadOnlyDictionary<string, long> Used => used;

    /// <summary>Op-script lines written, by verb.</summary>
    public IReadOnlyDictionary<string, long> Written => written;

    /// <summary>Number of kmem events recognised (used or not).</summary>
    public long Events => events;

    /// <summary>Imports a whole trace.</summary>
    /// <param name="reader">The trace text.</param>
    /// <param name="file">Its name, for messages.</param>
    /// <param name="level">Page or buddy level.</param>
    /// <param name="pfnInMachine">Optional machine bounds check.</param>
    /// <param name="pcpOff">The traced kernel had no per-cpu lists.</param>
    /// <returns>The importer, holding the script and the counts.</returns>
    /// <exception cref="ImportException">The file is not an ftrace text trace (binary, or no kmem line at all).</exception>
    public static TraceImport Run(TextReader reader, string file, TraceLevel level, Func<long, int, bool>? pfnInMachine = null, bool pcpOff = false)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var import = new TraceImport(level, pfnInMachine, pcpOff);
        int lineNumber = 0;
        int firstBad = 0;
        string firstBadReason = string.Empty;
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            lineNumber++;
            if (line.Contains('\0', StringComparison.Ordinal))
            {
                throw new ImportException($"{file}:{lineNumber}: trace: binary data; a trace-cmd trace.dat must first be printed as text with 'trace-cmd report'");
            }

            string reason = import.Line(line);
            if (reason.Length > 0 && firstBad == 0)
            {
                firstBad = lineNumber;
                firstBadReason = reason;
            }
        }

        if (import.events == 0)
        {
            string why = firstBad == 0 ? "no trace lines" : $"line {firstBad}: {firstBadReason}";
            throw new ImportException($"{file}:{Math.Max(firstBad, 1)}: trace: no kmem page event (mm_page_alloc, mm_page_free, ...) in the file ({why}); is it /sys/kernel/tracing/trace or 'trace-cmd report' output?");
        }

        return import;
    }

    /// <summary>Takes one line; returns the reason it was not used, or empty.</summary>
    /// <param name="line">The line.</param>
    /// <returns>Why the line was not used (also counted in <see cref="Skipped"/>), or empty.</returns>
    public string Line(string line)
    {
        TraceLineKind kind = KmemTraceLine.Parse(line, out KmemEvent ev, out string reason);
        if (kind == TraceLineKind.Header)
        {
            return string.Empty;
        }

        if (kind == TraceLineKind.Event)
        {
            events++;
            reason = Check(ev) ?? (level == TraceLevel.Page ? PageLevel(ev) : BuddyLevel(ev));
        }

        if (reason.Length > 0)
        {
            Count(skipped, reason);
        }

        return reason;
    }

    /// <summary>The op script: a header naming the source and level, the counts, then the operations.</summary>
    /// <param name="source">The trace file's name.</param>
    /// <returns>The script text.</returns>
    public string Script(string source)
    {
        var b = new StringBuilder();
        string verbs = level == TraceLevel.Page
            ? "#   alloc ID ORDER GFP   allocate 2^ORDER pages with the GFP mask and name the block ID (IDs are pPFN)\n#   free ID              free the block named ID\n"
            : "#   alloc_pfn PFN ORDER            take the 2^ORDER block at PFN off the buddy free lists (split as expand() splits)\n"
              + "#   free_pfn PFN ORDER             return it to the buddy (merged as __free_one_page merges)\n"
              + "#   claim_pfn PFN ORDER TYPE       give the block's pageblock(s) to TYPE, moving their free pages (try_to_claim_block)\n";
        b.Append(CultureInfo.InvariantCulture, $"# Op script imported by `mmsim trace import --level {(level == TraceLevel.Page ? "page" : "buddy")}` from {Path.GetFileName(source)}.\n");
        b.Append(verbs);
        b.Append(CultureInfo.InvariantCulture, $"# {events} kmem events; used: {Summary(used)}\n");
        b.Append(CultureInfo.InvariantCulture, $"# not used: {(skipped.Count == 0 ? "none" : Summary(skipped))}\n\n");
        b.Append(ops);
        return b.ToString();
    }

    private static string Summary(SortedDictionary<string, long> counts) =>
        counts.Count == 0 ? "none" : string.Join("; ", counts.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value}")));

    private static void Count(SortedDictionary<string, long> counts, string key) =>
        counts[key] = counts.TryGetValue(key, out long n) ? n + 1 : 1;

    private static string EventName(KmemEventKind k) => k switch
    {
        KmemEventKind.PageAlloc => "mm_page_alloc",
        KmemEventKind.PageFree => "mm_page_free",
        KmemEventKind.PageFreeBatched => "mm_page_free_batched",
        KmemEventKind.AllocZoneLocked => "mm_page_alloc_zone_locked",
        KmemEventKind.PcpuDrain => "mm_page_pcpu_drain",
        _ => "mm_page_alloc_extfrag",
    };

    // Field values no machine can have, whatever the level.
    private string? Check(in KmemEvent ev)
    {
        if ((uint)ev.Order > MmConstants.MaxPageOrder || (ev.Kind == KmemEventKind.AllocExtfrag && (uint)ev.FallbackOrder > MmConstants.MaxPageOrder))
        {
            return $"order above MAX_PAGE_ORDER ({MmConstants.MaxPageOrder})";
        }

        if (ev.Kind == KmemEventKind.AllocExtfrag && ev.PageblockOrder != MmConstants.PageblockOrder)
        {
            return $"pageblock_order is not mmsim's {MmConstants.PageblockOrder}";
        }

        if (ev.NullPage)
        {
            return null;
        }

        if (ev.Pfn > int.MaxValue)
        {
            return "pfn beyond 2^31 pages (8 TiB)";
        }

        if ((ev.Pfn & ((1L << ev.Order) - 1)) != 0)
        {
            return "pfn not aligned to the order";
        }

        if (pfnInMachine is not null && !pfnInMachine(ev.Pfn, ev.Kind == KmemEventKind.AllocExtfrag ? Math.Max(ev.Order, ev.FallbackOrder) : ev.Order))
        {
            return "pfn outside the machine";
        }

        return null;
    }

    private string PageLevel(in KmemEvent ev)
    {
        switch (ev.Kind)
        {
            case KmemEventKind.PageAlloc:
                if (ev.NullPage)
                {
                    return "failed allocation (page=NULL): not replayed";
                }

                if (!GfpNames.TryParse(ev.Gfp!, out _, out _))
                {
                    return "gfp_flags mmsim cannot name (none, or bits without a name)";
                }

                string id = string.Create(CultureInfo.InvariantCulture, $"p{ev.Pfn:x}");
                if (live.ContainsKey(ev.Pfn))
                {
                    // Allocated twice without a free between: the trace lost the free (or started mid-way).
                    id = string.Create(CultureInfo.InvariantCulture, $"{id}_{++clash}");
                    Count(skipped, "allocation of a page the trace still has allocated (free lost?): both kept");
                }

                live[ev.Pfn] = (id, ev.Order);
                Op("alloc", string.Create(CultureInfo.InvariantCulture, $"alloc {id} {ev.Order} {ev.Gfp}"));
                Count(used, "mm_page_alloc");
                return string.Empty;
            case KmemEventKind.PageFree:
            case KmemEventKind.PageFreeBatched:
                if (!live.TryGetValue(ev.Pfn, out var a))
                {
                    return "free of a page the trace never allocated";
                }

                if (a.Order != ev.Order)
                {
                    return "free of another order than its allocation (split folio)";
                }

                live.Remove(ev.Pfn);
                Op("free", $"free {a.Id}");
                Count(used, EventName(ev.Kind));
                return string.Empty;
            default:
                return $"buddy-level event ({EventName(ev.Kind)}): used with --level buddy";
        }
    }

    private string BuddyLevel(in KmemEvent ev)
    {
        switch (ev.Kind)
        {
            case KmemEventKind.AllocZoneLocked:
                return Take(ev.Pfn, ev.Order, ev.Kind);
            case KmemEventKind.PcpuDrain:
                return Release(ev.Pfn, ev.Order, ev.Kind);
            case KmemEventKind.PageFree:
            case KmemEventKind.PageFreeBatched:
                if (!pcpOff && PerCpuPages.AllowedOrder(ev.Order))
                {
                    // To the per-cpu lists: the buddy sees it as a later mm_page_pcpu_drain, or never.
                    Count(used, EventName(ev.Kind) + " (to the per-cpu lists)");
                    return string.Empty;
                }

                return Release(ev.Pfn, ev.Order, ev.Kind);
            case KmemEventKind.PageAlloc:
                // The buddy side of an allocation is its zone_locked line; without one it was a pcp hit.
                Count(used, "mm_page_alloc (no buddy traffic of its own)");
                return string.Empty;
            default:
                return Extfrag(ev);
        }
    }

    private string Extfrag(in KmemEvent ev)
    {
        if ((uint)ev.Migratetype >= MigrateTypes.Count)
        {
            return "malformed field: alloc_migratetype";
        }

        if (!ev.ChangeOwnership)
        {
            // __rmqueue_steal: the block is taken at the head of a foreign free block; nothing else fires.
            return Take(ev.Pfn, ev.Order, ev.Kind);
        }

        Op("claim_pfn", string.Create(CultureInfo.InvariantCulture, $"claim_pfn 0x{ev.Pfn:x} {ev.FallbackOrder} {MigrateTypes.Names[ev.Migratetype]}"));
        if (ev.FallbackOrder >= MmConstants.PageblockOrder)
        {
            // Whole free block: taken without __rmqueue_smallest, so no zone_locked line came first.
            string r = Take(ev.Pfn, ev.Order, ev.Kind);
            return r;
        }

        Count(used, "mm_page_alloc_extfrag");
        return string.Empty;
    }

    private string Take(long pfn, int order, KmemEventKind kind)
    {
        if (blocks.Overlapping((int)pfn, order) is not null)
        {
            return "allocation of a block the trace already has taken (lost events, or the trace began mid-way)";
        }

        blocks.Take((int)pfn, order, ++opLines);
        Op("alloc_pfn", string.Create(CultureInfo.InvariantCulture, $"alloc_pfn 0x{pfn:x} {order}"));
        Count(used, EventName(kind));
        return string.Empty;
    }

    private string Release(long pfn, int order, KmemEventKind kind)
    {
        if (!blocks.Release((int)pfn, order))
        {
            return "free of a page the trace never allocated";
        }

        Op("free_pfn", string.Create(CultureInfo.InvariantCulture, $"free_pfn 0x{pfn:x} {order}"));
        Count(used, EventName(kind));
        return string.Empty;
    }

    private void Op(string verb, string text)
    {
        ops.Append(text).Append('\n');
        Count(written, verb);
    }
}
