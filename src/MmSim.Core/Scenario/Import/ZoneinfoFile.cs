// mmsim machine import (issue 11): reads a real system's /proc/zoneinfo (mm/vmstat.c: zoneinfo_show_print).
using System.Globalization;

namespace MmSim.Scenario.Import;

/// <summary>One zone as <c>/proc/zoneinfo</c> shows it: placement, page counts, watermarks and lowmem protection.</summary>
/// <param name="Node">The node id.</param>
/// <param name="Name">Zone name (DMA, DMA32, Normal, Movable, Device).</param>
/// <param name="Line">Line of the zone's "Node N, zone NAME" header.</param>
/// <param name="StartPfn">zone_start_pfn (<c>start_pfn:</c>).</param>
/// <param name="Spanned">spanned_pages.</param>
/// <param name="Present">present_pages.</param>
/// <param name="Managed">managed_pages.</param>
/// <param name="Min">WMARK_MIN without the boost (zoneinfo prints min_wmark_pages, which adds watermark_boost).</param>
/// <param name="Low">WMARK_LOW without the boost.</param>
/// <param name="High">WMARK_HIGH without the boost.</param>
/// <param name="Protection">lowmem_reserve[] (<c>protection: (…)</c>).</param>
public sealed record ZoneinfoZone(
    int Node, string Name, int Line, long StartPfn, long Spanned, long Present, long Managed, long Min, long Low, long High, IReadOnlyList<long> Protection);

/// <summary>Parses <c>/proc/zoneinfo</c> text. Only the fields the machine needs are read; everything else is skipped.</summary>
/// <remarks>mm/vmstat.c: zoneinfo_show_print. A zone that is not populated prints only its header, the watermarks and
/// the page counts (spanned/present/managed 0); such zones are returned too, and left out by the importer.</remarks>
public static class ZoneinfoFile
{
    /// <summary>Parses the text.</summary>
    /// <param name="text">The file's content.</param>
    /// <param name="file">The file name, for messages.</param>
    /// <returns>The zones in file order.</returns>
    /// <exception cref="ImportException">The text is not /proc/zoneinfo, or a zone lacks a field the import needs.</exception>
    public static IReadOnlyList<ZoneinfoZone> Parse(string text, string file)
    {
        ArgumentNullException.ThrowIfNull(text);
        var zones = new List<ZoneinfoZone>();
        Builder? z = null;
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd('\r');
            string t = line.Trim();
            if (t.StartsWith("Node ", StringComparison.Ordinal))
            {
                if (z is not null)
                {
                    zones.Add(z.Build(file));
                }

                z = Header(t, file, i + 1);
                continue;
            }

            if (z is null || t.Length == 0)
            {
                continue;
            }

            if (t.StartsWith("protection:", StringComparison.Ordinal))
            {
                z.Protection = Protection(t, file, i + 1);
                continue;
            }

            string[] parts = t.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2 || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long v))
            {
                continue;
            }

            switch (parts[0])
            {
                case "boost": z.Boost ??= v; break;
                case "min": z.Min ??= v; break;
                case "low": z.Low ??= v; break;
                case "high": z.High ??= v; break;
                case "spanned": z.Spanned = v; break;
                case "present": z.Present = v; break;
                case "managed": z.Managed = v; break;
                case "start_pfn:": z.StartPfn = v; break;
            }
        }

        if (z is not null)
        {
            zones.Add(z.Build(file));
        }

        if (zones.Count == 0)
        {
            throw new ImportException($"{file}:1: zoneinfo: no \"Node N, zone NAME\" line: not a /proc/zoneinfo");
        }

        return zones;
    }

    private static Builder Header(string t, string file, int line)
    {
        // "Node 0, zone      DMA"
        string[] parts = t.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 4 || parts[2] != "zone" || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int node))
        {
            throw new ImportException($"{file}:{line}: zoneinfo: expected \"Node N, zone NAME\", got \"{t}\"");
        }

        return new Builder(node, parts[3], line);
    }

    private static long[] Protection(string t, string file, int line)
    {
        int open = t.IndexOf('(', StringComparison.Ordinal), close = t.IndexOf(')', StringComparison.Ordinal);
        if (open < 0 || close < open)
        {
            throw new ImportException($"{file}:{line}: zoneinfo: protection: expected \"(a, b, …)\"");
        }

        string[] items = t[(open + 1)..close].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var values = new long[items.Length];
        for (int k = 0; k < items.Length; k++)
        {
            if (!long.TryParse(items[k], NumberStyles.None, CultureInfo.InvariantCulture, out values[k]))
            {
                throw new ImportException($"{file}:{line}: zoneinfo: protection: '{items[k]}' is not a page count");
            }
        }

        return values;
    }

    private sealed class Builder(int node, string name, int line)
    {
        public long? Boost { get; set; }

        public long? Min { get; set; }

        public long? Low { get; set; }

        public long? High { get; set; }

        public long? Spanned { get; set; }

        public long? Present { get; set; }

        public long? Managed { get; set; }

        public long? StartPfn { get; set; }

        public long[] Protection { get; set; } = [];

        public ZoneinfoZone Build(string file)
        {
            long Need(long? v, string field) =>
                v ?? throw new ImportException($"{file}:{line}: zoneinfo: zone {name} of node {node} has no '{field}' line");
            long spanned = Need(Spanned, "spanned"), present = Need(Present, "present"), managed = Need(Managed, "managed");
            long start = present == 0 ? StartPfn ?? 0 : Need(StartPfn, "start_pfn:");
            return new ZoneinfoZone(
                node, name, line, start, spanned, present, managed,
                Need(Min, "min") - (Boost ?? 0), Need(Low, "low") - (Boost ?? 0), Need(High, "high") - (Boost ?? 0), Protection);
        }
    }
}

/// <summary>An import input that cannot be used: one line with file, line and field.</summary>
/// <param name="message">The message.</param>
public sealed class ImportException(string message) : IOException(message);
