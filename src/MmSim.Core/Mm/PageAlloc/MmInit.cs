namespace MmSim.Mm.PageAlloc;

/// <summary>
/// Boot: lays out the zones, builds the memory map, frees every managed page to the buddy lists
/// the way memblock hands memory over, releases the CMA areas, and sets watermarks and pcp sizes.
/// </summary>
/// <remarks>
/// mm/mm_init.c: free_area_init, memmap_init_range (every pageblock starts MOVABLE);
/// mm/memblock.c: memblock_free_all → __free_pages_memory (largest aligned chunks, ascending,
/// __free_pages_core with FPI_TO_TAIL); mm/mm_init.c: init_cma_reserved_pageblock (each CMA
/// pageblock becomes MIGRATE_CMA and is freed at order 9); mm/page_alloc.c: init_per_zone_wmark_min.
/// </remarks>
public static class MmInit
{
    /// <summary>Builds a booted node and its allocator.</summary>
    /// <param name="spec">The machine description (validated by the scenario loader).</param>
    /// <param name="options">Allocator options.</param>
    /// <returns>The allocator, whose <see cref="PageAllocator.Node"/> is the node.</returns>
    /// <exception cref="ArgumentException">The layout is impossible (overlap, misalignment, too large).</exception>
    public static PageAllocator Boot(MachineSpec spec, PageAllocOptions options)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        Zone[] zones = LayOutZones(spec, out int nodeSpanned);
        var pgdat = new PgData(nodeSpanned, zones) { GroupByMobilityDisabled = options.GroupByMobilityDisabled };
        if (options.GroupByMobilityDisabled)
        {
            // mm/mm_init.c: init_pageblock_migratetype maps MOVABLE to UNMOVABLE in this mode.
            Array.Fill(pgdat.PageblockFlags, (byte)MigrateType.Unmovable);
        }

        MarkZonesAndReserved(pgdat, spec);
        var cmaRanges = PlaceCmaAreas(spec, zones);
        var alloc = new PageAllocator(pgdat, options);
        FreeBootMemory(alloc, spec, cmaRanges);
        foreach ((int start, int nrPages, Zone zone, _) in cmaRanges)
        {
            InitCmaArea(alloc, zone, start, nrPages);
        }

        alloc.InitPerZoneWmarkMin();

        // cma_init_reserved_mem: each area keeps its name and range for cma_alloc.
        pgdat.CmaAreas = cmaRanges.ConvertAll(r => new CmaAreaRange(r.Name, r.Start, r.NrPages));
        return alloc;
    }

    private static Zone[] LayOutZones(MachineSpec spec, out int nodeSpanned)
    {
        var zones = new Zone?[ZoneTypes.Count];
        long next = 0;
        foreach (ZoneSpec z in spec.Zones)
        {
            long start = z.StartPfn ?? next;
            Require(zones[(int)z.Type] == null, $"zone {ZoneTypes.Names[(int)z.Type]} is listed twice");
            Require(start >= 0 && z.Pages >= 0, $"zone {ZoneTypes.Names[(int)z.Type]}: start and size must not be negative");
            Require(start >= next, $"zone {ZoneTypes.Names[(int)z.Type]} overlaps the zone before it");
            Require(start + z.Pages <= MachineSpec.MaxPages, $"the machine ends above mmsim's limit of PFN {MachineSpec.MaxPages} (2 TiB)");
            long present = z.Pages;
            foreach (PfnRange h in spec.HoleList)
            {
                present -= h.Overlap(start, start + z.Pages);
            }

            Require(z.ReservedPages >= 0 && z.ReservedPages <= present, $"zone {ZoneTypes.Names[(int)z.Type]}: reserved exceeds the zone's present pages");
            zones[(int)z.Type] = new Zone(z.Type, (int)start, (int)z.Pages) { PresentPages = present };
            next = start + z.Pages;
        }

        long previous = -1;
        foreach (PfnRange h in spec.HoleList)
        {
            Require(h.StartPfn >= 0 && h.StartPfn < h.EndPfn && h.StartPfn >= previous, "memory holes must be non-empty, ascending and disjoint");
            previous = h.EndPfn;
        }

        nodeSpanned = (int)next;
        int end = nodeSpanned;
        for (int i = ZoneTypes.Count - 1; i >= 0; i--)
        {
            // An absent zone is empty and sits at the end of the zone below it, as the kernel's
            // unpopulated zones have a start and no span.
            zones[i] ??= new Zone((ZoneType)i, end, 0);
            end = zones[i]!.ZoneStartPfn;
        }

        return zones!;
    }

    // The present ranges of a zone (its span minus the holes), ascending: memblock.memory clamped to the zone.
    private static List<(int Start, int End)> PresentRanges(Zone zone, IReadOnlyList<PfnRange> holes)
    {
        var ranges = new List<(int Start, int End)>();
        int start = zone.ZoneStartPfn;
        foreach (PfnRange h in holes)
        {
            if (h.EndPfn <= start || h.StartPfn >= zone.ZoneEndPfn)
            {
                continue;
            }

            if (h.StartPfn > start)
            {
                ranges.Add((start, (int)h.StartPfn));
            }

            start = (int)Math.Min(h.EndPfn, zone.ZoneEndPfn);
        }

        if (start < zone.ZoneEndPfn)
        {
            ranges.Add((start, zone.ZoneEndPfn));
        }

        return ranges;
    }

    // mm/mm_init.c: memmap_init — the memory map exists for every section with memory (sparse_init); each present
    // range gets its zone, and a hole before it gets the zone of the range after the hole (init_unavailable_range:
    // PageReserved, never freed), the hole after the last range the last zone. The zone's reserved pages are its
    // lowest present PFNs (firmware, kernel image, memblock allocations).
    private static void MarkZonesAndReserved(PgData pgdat, MachineSpec spec)
    {
        var present = new List<(int Start, int End, byte Zone)>();
        foreach (ZoneSpec z in spec.Zones)
        {
            Zone zone = pgdat.Zones[(int)z.Type];
            long reserved = z.ReservedPages;
            foreach ((int start, int end) in PresentRanges(zone, spec.HoleList))
            {
                present.Add((start, end, (byte)z.Type));
                for (int pfn = start; pfn < end && reserved > 0; pfn++, reserved--)
                {
                    pgdat.Pages[pfn].Set(PageFlags.Reserved);
                }
            }
        }

        var runStart = new List<int>();
        var runZone = new List<byte>();
        int previousEnd = 0;
        foreach ((int start, int end, byte zone) in present)
        {
            if (runZone.Count == 0 || runZone[^1] != zone)
            {
                runStart.Add(previousEnd);
                runZone.Add(zone);
            }

            previousEnd = end;
        }

        pgdat.ZoneRunStart = runStart.Count > 0 ? [.. runStart] : [0];
        pgdat.ZoneRunZone = runZone.Count > 0 ? [.. runZone] : [0];

        int nodeEnd = pgdat.NodeSpannedPages;
        var sectionValid = new bool[(nodeEnd + MmConstants.PagesPerSection - 1) / MmConstants.PagesPerSection];
        foreach ((int start, int end, _) in present)
        {
            for (int s = start / MmConstants.PagesPerSection; s <= (end - 1) / MmConstants.PagesPerSection; s++)
            {
                sectionValid[s] = true;
            }
        }

        int run = 0;
        for (int pb = 0; pb < pgdat.ZoneOfPfn.Length; pb++)
        {
            int pbStart = pb << MmConstants.PageblockOrder;
            int pbEnd = Math.Min(pbStart + MmConstants.PageblockNrPages, nodeEnd);
            if (!sectionValid[pbStart / MmConstants.PagesPerSection])
            {
                pgdat.ZoneOfPfn[pb] = PgData.NoZone;
                continue;
            }

            while (run + 1 < runStart.Count && runStart[run + 1] <= pbStart)
            {
                run++;
            }

            bool mixed = run + 1 < runStart.Count && runStart[run + 1] < pbEnd;
            pgdat.ZoneOfPfn[pb] = mixed ? PgData.MixedZone : pgdat.ZoneRunZone[run];
        }

        // memmap_init_range sets MIGRATE_MOVABLE only at pageblock-aligned present PFNs: a block whose first PFN is a
        // hole (the DMA zone's block at PFN 0) keeps its zeroed usemap bits, MIGRATE_UNMOVABLE.
        int seg = 0;
        for (int pb = 0; pb < pgdat.ZoneOfPfn.Length; pb++)
        {
            int pfn = pb << MmConstants.PageblockOrder;
            while (seg < present.Count && present[seg].End <= pfn)
            {
                seg++;
            }

            bool isPresent = seg < present.Count && present[seg].Start <= pfn;
            if (!isPresent && pgdat.ZoneOfPfn[pb] != PgData.NoZone)
            {
                pgdat.PageblockFlags[pb] = (byte)MigrateType.Unmovable;
            }
        }

        // init_unavailable_range: every PFN with a memory map that is not present is reserved.
        int cursor = 0;
        foreach ((int start, int end, _) in present)
        {
            MarkUnavailable(pgdat, cursor, start);
            cursor = end;
        }

        MarkUnavailable(pgdat, cursor, nodeEnd);
        pgdat.Holes = [.. spec.HoleList];
    }

    private static void MarkUnavailable(PgData pgdat, int start, int end)
    {
        for (int pfn = start; pfn < end; pfn++)
        {
            if (pgdat.PfnValid(pfn))
            {
                pgdat.Pages[pfn].Set(PageFlags.Reserved);
            }
        }
    }

    private static List<(int Start, int NrPages, Zone Zone, string Name)> PlaceCmaAreas(MachineSpec spec, Zone[] zones)
    {
        var ranges = new List<(int Start, int NrPages, Zone Zone, string Name)>();
        var nextTop = new long[ZoneTypes.Count];
        foreach (Zone z in zones)
        {
            // memblock allocates top-down from the top of the zone's memory: below a hole that ends the zone.
            List<(int Start, int End)> present = PresentRanges(z, spec.HoleList);
            long top = present.Count > 0 ? present[^1].End : z.ZoneEndPfn;
            nextTop[(int)z.Type] = top & ~(MmConstants.PageblockNrPages - 1L);
        }

        foreach (CmaSpec cma in spec.Cma)
        {
            Zone zone = zones[(int)cma.Zone];
            Require(cma.Pages > 0 && cma.Pages % MmConstants.PageblockNrPages == 0, $"CMA area {cma.Name}: size must be a positive multiple of a pageblock");

            // memblock allocates top-down: the default area is the highest free range of the zone.
            long start = cma.StartPfn ?? (nextTop[(int)cma.Zone] - cma.Pages);
            ZoneSpec zs = spec.Zones.First(z => z.Type == cma.Zone);
            Require(start % MmConstants.PageblockNrPages == 0, $"CMA area {cma.Name}: start must be pageblock aligned");
            Require(start >= FirstManagedPfn(zone, zs, spec.HoleList) && start + cma.Pages <= zone.ZoneEndPfn,
                $"CMA area {cma.Name} does not fit in the managed part of zone {zone.Name}");
            foreach (PfnRange h in spec.HoleList)
            {
                Require(h.Overlap(start, start + cma.Pages) == 0, $"CMA area {cma.Name} overlaps a memory hole");
            }

            foreach (var r in ranges)
            {
                Require(start + cma.Pages <= r.Start || start >= r.Start + r.NrPages, $"CMA area {cma.Name} overlaps another CMA area");
            }

            ranges.Add(((int)start, (int)cma.Pages, zone, cma.Name));
            nextTop[(int)cma.Zone] = Math.Min(nextTop[(int)cma.Zone], start);
        }

        ranges.Sort((a, b) => a.Start.CompareTo(b.Start));
        return ranges;
    }

    // One past the zone's reserved pages: the lowest PFN the buddy allocator may manage.
    private static long FirstManagedPfn(Zone zone, ZoneSpec zs, IReadOnlyList<PfnRange> holes)
    {
        long reserved = zs.ReservedPages;
        foreach ((int start, int end) in PresentRanges(zone, holes))
        {
            if (reserved < end - start)
            {
                return start + reserved;
            }

            reserved -= end - start;
        }

        return zone.ZoneEndPfn;
    }

    // mm/memblock.c: __free_pages_memory over the free ranges (each zone's present ranges minus its reserved pages
    // and CMA areas), largest aligned blocks first, ascending, to the tail of the free lists.
    private static void FreeBootMemory(PageAllocator alloc, MachineSpec spec, List<(int Start, int NrPages, Zone Zone, string Name)> cma)
    {
        foreach (ZoneSpec zs in spec.Zones)
        {
            Zone zone = alloc.Node.Zones[(int)zs.Type];
            int firstManaged = (int)FirstManagedPfn(zone, zs, spec.HoleList);
            foreach ((int rangeStart, int rangeEnd) in PresentRanges(zone, spec.HoleList))
            {
                int start = Math.Max(rangeStart, firstManaged);
                foreach (var area in cma)
                {
                    if (area.Zone == zone && area.Start >= start && area.Start < rangeEnd)
                    {
                        FreeRange(alloc, zone, start, area.Start);
                        start = area.Start + area.NrPages;
                    }
                }

                FreeRange(alloc, zone, start, rangeEnd);
            }
        }
    }

    private static void FreeRange(PageAllocator alloc, Zone zone, int start, int end)
    {
        while (start < end)
        {
            int order = start == 0 ? MmConstants.MaxPageOrder : Math.Min(MmConstants.MaxPageOrder, System.Numerics.BitOperations.TrailingZeroCount(start));
            while (start + (1 << order) > end)
            {
                order--;
            }

            // __free_pages_core: managed_pages grows as pages reach the buddy allocator.
            zone.ManagedPages += 1L << order;
            alloc.FreeOnePageCounted(zone, start, order, FreeFlags.ToTail);
            start += 1 << order;
        }
    }

    // mm/mm_init.c: init_cma_reserved_pageblock for each pageblock of the area, in ascending order.
    // The kernel frees each block with __free_pages(order 9); at that point the pcp drains at once.
    private static void InitCmaArea(PageAllocator alloc, Zone zone, int start, int nrPages)
    {
        for (int pfn = start; pfn < start + nrPages; pfn += MmConstants.PageblockNrPages)
        {
            alloc.Node.SetPageblockMigratetype(pfn, MigrateType.Cma);
            zone.ManagedPages += MmConstants.PageblockNrPages;
            zone.CmaPages += MmConstants.PageblockNrPages;
            alloc.FreeOnePageCounted(zone, pfn, MmConstants.PageblockOrder, FreeFlags.None);
        }
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }
}
