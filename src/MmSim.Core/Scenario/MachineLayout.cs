using MmSim.Mm;

namespace MmSim.Scenario;

/// <summary>
/// Places zones and CMA areas against each other and checks the machine as a whole: size
/// limits first (so an impossible machine is refused before anything else looks at it), then
/// zone order and address ranges, then CMA placement (top-down, as memblock does).
/// </summary>
internal static class MachineLayout
{
    public static MachineConfig? Bind(FieldValues machine, LoadContext ctx)
    {
        ValueList<FieldValues> zoneItems = machine.List<FieldValues>("zones");
        if (zoneItems.Count == 0)
        {
            ctx.Error(machine.MarkOf("zones"), machine.PathOf("zones"), "at least one zone is needed, e.g. '- { name: Normal, size: 4GiB }'");
            return null;
        }

        if (!CheckTotal(machine, zoneItems, ctx))
        {
            return null;
        }

        List<HoleConfig>? holes = ReadHoles(machine.List<FieldValues>("holes"), ctx);
        List<ZoneConfig>? zones = holes is null ? null : PlaceZones(zoneItems, holes, ctx);
        if (zones is null)
        {
            return null;
        }

        List<CmaConfig>? cma = CmaPlacement.Place(machine.List<FieldValues>("cma"), zones, ctx);
        if (cma is null)
        {
            return null;
        }

        return new MachineConfig(new ValueList<ZoneConfig>(zones), new ValueList<CmaConfig>(cma), (int)machine.Get<long>("nodes"), (int)machine.Get<long>("cpus"),
            machine.Get<long>("memory_block_size"))
        { Holes = new ValueList<HoleConfig>(holes!) };
    }

    // Holes ascend and do not overlap, as memblock.memory's gaps do.
    private static List<HoleConfig>? ReadHoles(ValueList<FieldValues> items, LoadContext ctx)
    {
        var holes = new List<HoleConfig>(items.Count);
        foreach (FieldValues h in items)
        {
            var hole = new HoleConfig(h.Get<long>("start_pfn"), h.Get<long>("end_pfn"));
            if (holes.Count > 0 && hole.StartPfn < holes[^1].EndPfn)
            {
                HoleConfig before = holes[^1];
                ctx.Error(h.MarkOf("start_pfn"), h.PathOf("start_pfn"),
                    $"hole {Range(hole.StartPfn, hole.EndPfn)} starts below the end of the hole before it ({Range(before.StartPfn, before.EndPfn)}); list holes in ascending order without overlap");
                return null;
            }

            holes.Add(hole);
        }

        return holes;
    }

    // The holes inside a zone's span, clipped to it.
    private static ValueList<HoleConfig> HolesIn(List<HoleConfig> holes, long start, long end)
    {
        var inside = new List<HoleConfig>();
        foreach (HoleConfig h in holes)
        {
            long s = Math.Max(h.StartPfn, start);
            long e = Math.Min(h.EndPfn, end);
            if (s < e)
            {
                inside.Add(new HoleConfig(s, e));
            }
        }

        return new ValueList<HoleConfig>(inside);
    }

    private static bool CheckTotal(FieldValues machine, ValueList<FieldValues> zoneItems, LoadContext ctx)
    {
        // Int128: a few absurd sizes cannot wrap around into an acceptable total.
        Int128 total = 0;
        foreach (FieldValues z in zoneItems)
        {
            total += z.Get<long>("size");
        }

        if (total <= MachineConfig.TotalBytesMax)
        {
            return true;
        }

        string shown = total <= long.MaxValue ? Units.FormatSize((long)total) : $"{total} bytes";
        ctx.Error(machine.MarkOf("zones"), machine.PathOf("zones"),
            $"total memory {shown} is more than mmsim's limit of {Units.FormatSize(MachineConfig.TotalBytesMax)}; make the zones smaller");
        return false;
    }

    private static List<ZoneConfig>? PlaceZones(ValueList<FieldValues> items, List<HoleConfig> holes, LoadContext ctx)
    {
        var zones = new List<ZoneConfig>(items.Count);
        bool ok = true;
        long previousEnd = 0;
        for (int i = 0; i < items.Count; i++)
        {
            FieldValues z = items[i];
            ZoneType type = ZoneTypes.Parse(z.Get<string>("name"));
            ok &= CheckOrder(z, type, zones, ctx);
            long start = z.Raw("start_pfn") as long? ?? previousEnd;
            if (z.Raw("start_pfn") is long && start < previousEnd)
            {
                ZoneConfig before = zones[^1];
                ctx.Error(z.MarkOf("start_pfn"), z.PathOf("start_pfn"),
                    $"{Units.FormatPfn(start)} overlaps zone {before.Name} (PFNs {Range(before.StartPfn, before.EndPfn)}); start at {Units.FormatPfn(previousEnd)} or above");
                ok = false;
            }

            var zone = new ZoneConfig(type, z.Get<long>("size"), start, z.Get<long>("reserved"));
            zone = zone with { Holes = HolesIn(holes, zone.StartPfn, zone.EndPfn) };
            ok &= CheckEnd(z, zone, ctx) && CheckPresent(z, zone, ctx);
            zones.Add(zone);
            previousEnd = Math.Max(previousEnd, zone.EndPfn);
        }

        return ok ? zones : null;
    }

    // A zone of holes only would be unpopulated; the reserved pages come out of the present ones.
    private static bool CheckPresent(FieldValues z, ZoneConfig zone, LoadContext ctx)
    {
        if (zone.PresentPages <= 0)
        {
            ctx.Error(z.MarkOf("size"), z.PathOf("size"), $"zone {zone.Name} (PFNs {Range(zone.StartPfn, zone.EndPfn)}) lies wholly in memory holes; it would have no present pages");
            return false;
        }

        if (zone.ReservedPages >= zone.PresentPages)
        {
            ctx.Error(z.MarkOf("reserved"), z.PathOf("reserved"),
                $"{Units.FormatSize(zone.ReservedBytes)} reserved leaves nothing of the zone's {zone.PresentPages} present pages to manage; reserve less");
            return false;
        }

        return true;
    }

    private static bool CheckOrder(FieldValues z, ZoneType type, List<ZoneConfig> before, LoadContext ctx)
    {
        ZoneConfig? same = before.FirstOrDefault(b => b.Type == type);
        if (same is not null)
        {
            ctx.Error(z.MarkOf("name"), z.PathOf("name"), $"zone {same.Name} is listed twice (first as zones[{before.IndexOf(same)}])");
            return false;
        }

        if (before.Count > 0 && before[^1].Type > type)
        {
            ctx.Error(z.MarkOf("name"), z.PathOf("name"),
                $"zone {ZoneTypes.Name(type)} comes after {before[^1].Name}; list zones in the kernel's order: {string.Join(", ", ZoneTypes.Names)}");
            return false;
        }

        return true;
    }

    private static bool CheckEnd(FieldValues z, ZoneConfig zone, LoadContext ctx)
    {
        long endPfnMax = EndPfnMax(zone.Type);
        if (zone.EndPfn > endPfnMax)
        {
            string limit = zone.Type == ZoneType.Dma ? "MAX_DMA_PFN" : "MAX_DMA32_PFN";
            ctx.Error(z.MarkOf("size"), z.PathOf("size"),
                $"zone {zone.Name} would end at {Units.FormatSize(zone.EndPfn * Units.PageSizeBytes)} (PFN {Units.FormatPfn(zone.EndPfn)}), above its limit of "
                + $"{Units.FormatSize(endPfnMax * Units.PageSizeBytes)} ({limit}); make it smaller or start it lower");
            return false;
        }

        if (zone.EndPfn > MachineConfig.PhysicalAddressEndMax / Units.PageSizeBytes)
        {
            ctx.Error(z.MarkOf("start_pfn"), z.PathOf("start_pfn"),
                $"zone {zone.Name} would end at PFN {Units.FormatPfn(zone.EndPfn)}, above mmsim's highest address {Units.FormatSize(MachineConfig.PhysicalAddressEndMax)}");
            return false;
        }

        return true;
    }

    /// <summary>A PFN range as messages print it: <c>0x1000-0x3ffff</c> (inclusive end, like /proc/zoneinfo readers expect).</summary>
    public static string Range(long startPfn, long endPfn) => $"{Units.FormatPfn(startPfn)}-{Units.FormatPfn(endPfn - 1)}";

    // x86-64: ZONE_DMA ends by 16 MiB and ZONE_DMA32 by 4 GiB (arch/x86/mm/init.c: zone_sizes_init).
    private static long EndPfnMax(ZoneType type) => type switch
    {
        ZoneType.Dma => (16 * Units.MiB) / Units.PageSizeBytes,
        ZoneType.Dma32 => (4 * Units.GiB) / Units.PageSizeBytes,
        _ => long.MaxValue,
    };
}
