using MmSim.Mm;

namespace MmSim.Scenario;

/// <summary>Places CMA areas in their zones: given ones where they say, the rest top-down below what is already placed.</summary>
internal static class CmaPlacement
{
    public static List<CmaConfig>? Place(ValueList<FieldValues> items, List<ZoneConfig> zones, LoadContext ctx)
    {
        var placed = new CmaConfig?[items.Count];
        bool ok = CheckNamesAndZones(items, zones, ctx);
        if (!ok)
        {
            return null;
        }

        // Explicit areas first, so that default ones are placed around them.
        for (int pass = 0; pass < 2; pass++)
        {
            for (int i = 0; i < items.Count; i++)
            {
                bool explicitStart = items[i].Raw("start_pfn") is long;
                if (explicitStart == (pass == 0))
                {
                    placed[i] = explicitStart ? PlaceGiven(items[i], zones, placed, ctx) : PlaceTopDown(items[i], zones, placed, ctx);
                    ok &= placed[i] is not null;
                }
            }
        }

        return ok ? [.. placed.Select(p => p!)] : null;
    }

    private static bool CheckNamesAndZones(ValueList<FieldValues> items, List<ZoneConfig> zones, LoadContext ctx)
    {
        bool ok = true;
        for (int i = 0; i < items.Count; i++)
        {
            FieldValues c = items[i];
            string name = c.Get<string>("name");
            int first = items.Take(i).ToList().FindIndex(o => o.Get<string>("name") == name);
            if (first >= 0)
            {
                ctx.Error(c.MarkOf("name"), c.PathOf("name"), $"CMA area '{name}' is listed twice (first as cma[{first}])");
                ok = false;
            }

            string zone = c.Get<string>("zone");
            if (zones.All(z => z.Name != zone))
            {
                ctx.Error(c.MarkOf("zone"), c.PathOf("zone"), $"there is no {zone} zone in machine.zones; a CMA area lies inside a zone");
                ok = false;
            }
        }

        return ok;
    }

    private static CmaConfig? PlaceGiven(FieldValues c, List<ZoneConfig> zones, CmaConfig?[] placed, LoadContext ctx)
    {
        ZoneConfig zone = zones.First(z => z.Type == ZoneTypes.Parse(c.Get<string>("zone")));
        var area = new CmaConfig(c.Get<string>("name"), c.Get<long>("size"), zone.Type, (long)c.Raw("start_pfn")!);
        HoleConfig? hole = zone.Holes.FirstOrDefault(h => h.StartPfn < area.EndPfn && area.StartPfn < h.EndPfn);
        if (hole is not null)
        {
            ctx.Error(c.MarkOf("start_pfn"), c.PathOf("start_pfn"),
                $"CMA area '{area.Name}' (PFNs {MachineLayout.Range(area.StartPfn, area.EndPfn)}) overlaps the memory hole {MachineLayout.Range(hole.StartPfn, hole.EndPfn)}");
            return null;
        }

        if (area.StartPfn < zone.FirstManagedPfn || area.EndPfn > zone.EndPfn)
        {
            ctx.Error(c.MarkOf("start_pfn"), c.PathOf("start_pfn"),
                $"CMA area '{area.Name}' (PFNs {MachineLayout.Range(area.StartPfn, area.EndPfn)}) is not inside the managed part of zone {zone.Name} (PFNs {MachineLayout.Range(zone.FirstManagedPfn, zone.EndPfn)})");
            return null;
        }

        CmaConfig? other = placed.FirstOrDefault(p => p is not null && p.StartPfn < area.EndPfn && area.StartPfn < p.EndPfn);
        if (other is not null)
        {
            ctx.Error(c.MarkOf("start_pfn"), c.PathOf("start_pfn"),
                $"CMA area '{area.Name}' (PFNs {MachineLayout.Range(area.StartPfn, area.EndPfn)}) overlaps CMA area '{other.Name}' (PFNs {MachineLayout.Range(other.StartPfn, other.EndPfn)})");
            return null;
        }

        return area;
    }

    // memblock_alloc_range_nid() searches top-down: take the highest aligned range that is free.
    private static CmaConfig? PlaceTopDown(FieldValues c, List<ZoneConfig> zones, CmaConfig?[] placed, LoadContext ctx)
    {
        ZoneConfig zone = zones.First(z => z.Type == ZoneTypes.Parse(c.Get<string>("zone")));
        long nrPages = c.Get<long>("size") / Units.PageSizeBytes;
        long end = zone.PresentEndPfn;
        // Each step moves below one placed area, so there are at most placed.Length + 1 steps.
        for (int step = 0; step <= placed.Length + zone.Holes.Count; step++)
        {
            long start = AlignDown(end - nrPages);
            if (start < zone.FirstManagedPfn)
            {
                break;
            }

            // memblock only hands out memory: placed areas and holes both block the range.
            long blocker = placed
                .Where(p => p is not null && p.StartPfn < start + nrPages && start < p.EndPfn)
                .Select(p => p!.StartPfn)
                .Concat(zone.Holes.Where(h => h.StartPfn < start + nrPages && start < h.EndPfn).Select(h => h.StartPfn))
                .DefaultIfEmpty(-1)
                .Min();
            if (blocker < 0)
            {
                return new CmaConfig(c.Get<string>("name"), c.Get<long>("size"), zone.Type, start);
            }

            end = blocker;
        }

        ctx.Error(c.MarkOf("size"), c.PathOf("size"),
            $"CMA area '{c.Get<string>("name")}' ({Units.FormatSize(c.Get<long>("size"))}) does not fit in the free managed part of zone {zone.Name} "
            + $"({Units.FormatSize(zone.ManagedPages * Units.PageSizeBytes)} managed, other CMA areas excluded)");
        return null;
    }

    private static long AlignDown(long pfn) => pfn - (((pfn % MmConstants.PageblockNrPages) + MmConstants.PageblockNrPages) % MmConstants.PageblockNrPages);
}
