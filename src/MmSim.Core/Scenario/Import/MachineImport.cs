// mmsim machine import (issue 11): a scenario's machine from a real system's /proc/zoneinfo.
using System.Globalization;
using System.Text;
using MmSim.Mm;

namespace MmSim.Scenario.Import;

/// <summary>
/// Turns the zones of a real <c>/proc/zoneinfo</c> into a scenario whose machine boots with the same managed pages per
/// zone, the same watermarks and the same lowmem protection: it infers <c>min_free_kbytes</c>,
/// <c>watermark_scale_factor</c> and <c>lowmem_reserve_ratio</c> from the printed values by inverting
/// __setup_per_zone_wmarks and setup_per_zone_lowmem_reserve, and says when no value reproduces them.
/// </summary>
/// <remarks>
/// Each zone keeps its start_pfn and spanned pages; spanned - present pages become a <c>machine.holes</c> entry (where
/// zoneinfo cannot say: below 1 MiB in DMA, at the top of other zones) and present - managed pages are <c>reserved</c>,
/// so start_pfn, spanned, present, managed and every watermark come out exactly.
/// </remarks>
public static class MachineImport
{
    private static readonly int[] DefaultRatio = [256, 256, 32, 0];

    /// <summary>What was imported: the scenario text and what could not be carried over.</summary>
    /// <param name="Yaml">The scenario (machine and sysctl sections, no workloads).</param>
    /// <param name="MinFreeKbytes">The inferred min_free_kbytes.</param>
    /// <param name="Notes">One line per approximation.</param>
    public sealed record Result(string Yaml, long MinFreeKbytes, IReadOnlyList<string> Notes);

    /// <summary>Imports the zones of node 0.</summary>
    /// <param name="zones">The parsed file.</param>
    /// <param name="file">The file name, for messages and the scenario's description.</param>
    /// <param name="thp">The THP setting (transparent_hugepage/enabled) when given, else null.</param>
    /// <returns>The scenario and notes.</returns>
    /// <exception cref="ImportException">The zones cannot be a machine mmsim boots, or no sysctl value reproduces the watermarks.</exception>
    public static Result Import(IReadOnlyList<ZoneinfoZone> zones, string file, string? thp)
    {
        ArgumentNullException.ThrowIfNull(zones);
        ZoneinfoZone? otherNode = zones.FirstOrDefault(z => z.Node != 0 && z.Present > 0);
        if (otherNode is not null)
        {
            throw new ImportException($"{file}:{otherNode.Line}: zoneinfo: node {otherNode.Node} has memory; mmsim models one node (machine.nodes: 1)");
        }

        var populated = new List<(ZoneType Type, ZoneinfoZone Z)>();
        foreach (ZoneinfoZone z in zones.Where(z => z.Present > 0))
        {
            if (!ZoneTypes.TryParse(z.Name, out ZoneType type))
            {
                throw new ImportException($"{file}:{z.Line}: zoneinfo: zone '{z.Name}' has memory; mmsim models DMA, DMA32, Normal and Movable");
            }

            populated.Add((type, z));
        }

        if (populated.Count == 0)
        {
            throw new ImportException($"{file}:1: zoneinfo: no zone of node 0 has present pages");
        }

        var notes = new List<string>();
        List<Placed> placed = Place(populated, file, notes);
        long pagesMin = InferPagesMin(populated, file);
        int wsf = InferScaleFactor(populated, pagesMin, file);
        int[]? ratio = InferLowmemReserveRatio(populated, notes);
        long minFreeKbytes = pagesMin << (MmConstants.PageShift - 10);
        return new Result(Render(placed, minFreeKbytes, wsf, ratio, file, thp, notes), minFreeKbytes, notes);
    }

    // The zones exactly as the kernel printed them: start_pfn, spanned, present (spanned minus holes) and managed
    // (present minus the reserved lowest present pages). zoneinfo does not say where a zone's holes are: the DMA
    // zone's go just below 1 MiB (the legacy ISA/BIOS hole, 0xa0000-0xfffff, plus the EBDA page below it), every
    // other zone's at its top (DMA32's PCI hole below 4 GiB).
    private static List<Placed> Place(List<(ZoneType Type, ZoneinfoZone Z)> zones, string file, List<string> notes)
    {
        const long LegacyHoleEnd = 0x100; // PFN of 1 MiB
        var placed = new List<Placed>();
        long previousEnd = 0;
        foreach ((ZoneType type, ZoneinfoZone z) in zones)
        {
            long end = z.StartPfn + z.Spanned;
            long limit = type switch { ZoneType.Dma => 4096, ZoneType.Dma32 => 0x100000, _ => MachineSpecMaxPfn };
            if (z.StartPfn < previousEnd || end > limit || z.Present > z.Spanned || z.Managed > z.Present || z.Managed <= 0)
            {
                throw new ImportException(string.Create(CultureInfo.InvariantCulture,
                    $"{file}:{z.Line}: zoneinfo: zone {z.Name}: start_pfn {z.StartPfn}, spanned {z.Spanned}, present {z.Present}, managed {z.Managed} is not a layout mmsim can boot (zones ascend without overlap, DMA below 16MiB, DMA32 below 4GiB, managed ≤ present ≤ spanned)"));
            }

            long holePages = z.Spanned - z.Present;
            PfnRange? hole = null;
            if (holePages > 0)
            {
                bool legacy = type == ZoneType.Dma && LegacyHoleEnd - holePages > z.StartPfn && end >= LegacyHoleEnd;
                hole = legacy ? new PfnRange(LegacyHoleEnd - holePages, LegacyHoleEnd) : new PfnRange(end - holePages, end);
                notes.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{z.Name}: {holePages} pages of holes (spanned - present) placed at PFNs {Units.FormatPfn(hole.Value.StartPfn)}-{Units.FormatPfn(hole.Value.EndPfn - 1)} ({(legacy ? "the legacy hole below 1MiB" : "the top of the zone")}); zoneinfo does not say where they are"));
            }

            placed.Add(new Placed(type, z.StartPfn, z.Spanned, z.Present - z.Managed, hole));
            previousEnd = end;
        }

        return placed;
    }

    private const long MachineSpecMaxPfn = MachineConfig.PhysicalAddressEndMax / Units.PageSizeBytes;

    // One imported zone: its span, its reserved (present but not managed) pages and its hole.
    private sealed record Placed(ZoneType Type, long Start, long Spanned, long Reserved, PfnRange? Hole);

    // __setup_per_zone_wmarks: min = pages_min * managed / lowmem_pages for every zone but Movable (floor). The smallest
    // pages_min that gives every printed min is min_free_kbytes >> 2.
    private static long InferPagesMin(List<(ZoneType Type, ZoneinfoZone Z)> zones, string file)
    {
        var low = zones.Where(z => z.Type != ZoneType.Movable).Select(z => z.Z).ToList();
        long lowmem = low.Sum(z => z.Managed);
        long sum = low.Sum(z => z.Min);
        for (long p = sum; p <= sum + low.Count + 1; p++)
        {
            if (low.All(z => lowmem == 0 || p * z.Managed / lowmem == z.Min))
            {
                return p;
            }
        }

        throw new ImportException($"{file}:{low[0].Line}: zoneinfo: min: no min_free_kbytes gives these min watermarks (pages_min × managed / lowmem); is this a 6.x kernel's zoneinfo?");
    }

    // low = min + max(tmp / 4, managed * watermark_scale_factor / 10000), high = low + the same; tmp is the zone's share
    // of pages_min (also for Movable, whose min is clamped instead).
    private static int InferScaleFactor(List<(ZoneType Type, ZoneinfoZone Z)> zones, long pagesMin, string file)
    {
        long lowmem = zones.Where(z => z.Type != ZoneType.Movable).Sum(z => z.Z.Managed);
        bool Fits(int wsf) => zones.All(z =>
        {
            long tmp = lowmem == 0 ? 0 : pagesMin * z.Z.Managed / lowmem;
            long gap = Math.Max(tmp >> 2, z.Z.Managed * wsf / 10000);
            return z.Z.Low - z.Z.Min == gap && z.Z.High - z.Z.Low == gap;
        });
        if (Fits(10))
        {
            return 10;
        }

        for (int wsf = 1; wsf <= 3000; wsf++)
        {
            if (Fits(wsf))
            {
                return wsf;
            }
        }

        throw new ImportException($"{file}:{zones[0].Z.Line}: zoneinfo: low/high: no watermark_scale_factor (1..3000) gives these low and high watermarks");
    }

    // setup_per_zone_lowmem_reserve: protection[i][j] = Σ managed of zones i+1..j / ratio[i]. The default ratios are
    // kept when they reproduce the printed protection; else each zone's ratio is solved from its largest entry.
    private static int[]? InferLowmemReserveRatio(List<(ZoneType Type, ZoneinfoZone Z)> zones, List<string> notes)
    {
        if (zones.Any(z => z.Z.Protection.Count == 0))
        {
            notes.Add("protection: not in the file; lowmem_reserve_ratio keeps its default");
            return null;
        }

        if (ProtectionMatches(zones, DefaultRatio))
        {
            return null;
        }

        int[] ratio = [.. DefaultRatio];
        foreach ((ZoneType type, ZoneinfoZone z) in zones)
        {
            long above = zones.Where(o => o.Type > type).Sum(o => o.Z.Managed);
            long last = z.Protection[^1];
            if (above > 0)
            {
                // Nothing above the zone: its ratio changes nothing and keeps the default.
                ratio[(int)type] = last == 0 ? 0 : (int)Math.Clamp(above / last, 1, int.MaxValue);
            }
        }

        if (!ProtectionMatches(zones, ratio))
        {
            notes.Add("protection: no lowmem_reserve_ratio reproduces it exactly; the default is kept");
            return null;
        }

        return ratio;
    }

    private static bool ProtectionMatches(List<(ZoneType Type, ZoneinfoZone Z)> zones, int[] ratio)
    {
        foreach ((ZoneType type, ZoneinfoZone z) in zones)
        {
            long managed = 0;
            for (int j = (int)type + 1; j < z.Protection.Count; j++)
            {
                managed += zones.Where(o => (int)o.Type == j).Sum(o => o.Z.Managed);
                long expect = ratio[(int)type] == 0 ? 0 : managed / ratio[(int)type];
                if (z.Protection[j] != expect)
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static string Render(
        List<Placed> zones, long minFreeKbytes, int wsf, int[]? ratio, string file, string? thp, List<string> notes)
    {
        long bytes = zones.Sum(z => z.Spanned - (z.Hole?.Pages ?? 0)) * Units.PageSizeBytes;
        var b = new StringBuilder();
        b.Append(CultureInfo.InvariantCulture, $"# Imported by `mmsim machine import` from {Path.GetFileName(file)} (/proc/zoneinfo, node 0).\n");
        b.Append("# Managed pages, watermarks and lowmem protection are the file's; add workloads (docs/scenario-schema.md).\n");
        foreach (string n in notes)
        {
            b.Append("# ").Append(n).Append('\n');
        }

        if (thp is not null)
        {
            b.Append(CultureInfo.InvariantCulture, $"# transparent_hugepage/enabled: {thp} (give it to the anon workloads as `thp: {thp}`)\n");
        }

        b.Append("version: 1\nname: imported\n");
        b.Append(CultureInfo.InvariantCulture, $"description: \"Machine imported from {YamlQuoted(Path.GetFileName(file))}, {zones.Count} zones, {Units.FormatSize(bytes)}\"\n");
        b.Append("machine:\n  zones:\n");
        foreach (Placed z in zones)
        {
            b.Append(CultureInfo.InvariantCulture, $"    - name: {ZoneTypes.Name(z.Type)}\n");
            b.Append(CultureInfo.InvariantCulture, $"      start_pfn: {Units.FormatPfn(z.Start)}\n");
            b.Append(CultureInfo.InvariantCulture, $"      size: {Units.FormatSize(z.Spanned * Units.PageSizeBytes)}   # spanned {z.Spanned}\n");
            if (z.Reserved > 0)
            {
                b.Append(CultureInfo.InvariantCulture, $"      reserved: {Units.FormatSize(z.Reserved * Units.PageSizeBytes)}   # present - managed\n");
            }
        }

        if (zones.Any(z => z.Hole is not null))
        {
            b.Append("  holes:\n");
            foreach (Placed z in zones.Where(z => z.Hole is not null))
            {
                b.Append(CultureInfo.InvariantCulture, $"    - {{ start_pfn: {Units.FormatPfn(z.Hole!.Value.StartPfn)}, end_pfn: {Units.FormatPfn(z.Hole.Value.EndPfn)} }}   # in {ZoneTypes.Name(z.Type)}\n");
            }
        }

        b.Append("sysctl:\n");
        b.Append(CultureInfo.InvariantCulture, $"  min_free_kbytes: {minFreeKbytes}\n");
        if (wsf != 10)
        {
            b.Append(CultureInfo.InvariantCulture, $"  watermark_scale_factor: {wsf}\n");
        }

        if (ratio is not null)
        {
            b.Append(CultureInfo.InvariantCulture, $"  lowmem_reserve_ratio: [{string.Join(", ", ratio)}]\n");
        }

        return b.ToString();
    }

    // Inside a double-quoted YAML scalar: backslash and quote escaped, control characters dropped.
    private static string YamlQuoted(string s) =>
        new([.. s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Where(c => !char.IsControl(c))]);
}
