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
            Require(start % MmConstants.PageblockNrPages == 0 && z.Pages % MmConstants.PageblockNrPages == 0,
                $"zone {ZoneTypes.Names[(int)z.Type]}: start and size must be multiples of a pageblock (2 MiB)");
            Require(start >= next, $"zone {ZoneTypes.Names[(int)z.Type]} overlaps the zone before it");
            Require(start + z.Pages <= MachineSpec.MaxPages, $"the machine ends above mmsim's limit of PFN {MachineSpec.MaxPages} (2 TiB)");
            Require(z.ReservedPages >= 0 && z.ReservedPages <= z.Pages, $"zone {ZoneTypes.Names[(int)z.Type]}: reserved exceeds the zone");
            zones[(int)z.Type] = new Zone(z.Type, (int)start, (int)z.Pages) { PresentPages = z.Pages };
            next = start + z.Pages;
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

    private static void MarkZonesAndReserved(PgData pgdat, MachineSpec spec)
    {
        Array.Fill(pgdat.ZoneOfPfn, (byte)0xFF);
        foreach (ZoneSpec z in spec.Zones)
        {
            Zone zone = pgdat.Zones[(int)z.Type];
            for (int pb = zone.ZoneStartPfn >> MmConstants.PageblockOrder; pb < zone.ZoneEndPfn >> MmConstants.PageblockOrder; pb++)
            {
                pgdat.ZoneOfPfn[pb] = (byte)z.Type;
            }

            // A zone's reserved pages are its lowest PFNs (firmware, kernel image, memblock allocations).
            for (long pfn = zone.ZoneStartPfn; pfn < zone.ZoneStartPfn + z.ReservedPages; pfn++)
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
            nextTop[(int)z.Type] = z.ZoneEndPfn;
        }

        foreach (CmaSpec cma in spec.Cma)
        {
            Zone zone = zones[(int)cma.Zone];
            Require(cma.Pages > 0 && cma.Pages % MmConstants.PageblockNrPages == 0, $"CMA area {cma.Name}: size must be a positive multiple of a pageblock");

            // memblock allocates top-down: the default area is the highest free range of the zone.
            long start = cma.StartPfn ?? (nextTop[(int)cma.Zone] - cma.Pages);
            ZoneSpec zs = spec.Zones.First(z => z.Type == cma.Zone);
            Require(start % MmConstants.PageblockNrPages == 0, $"CMA area {cma.Name}: start must be pageblock aligned");
            Require(start >= zone.ZoneStartPfn + zs.ReservedPages && start + cma.Pages <= zone.ZoneEndPfn,
                $"CMA area {cma.Name} does not fit in the managed part of zone {zone.Name}");
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

    // mm/memblock.c: __free_pages_memory over the free ranges (each zone minus its reserved pages
    // and CMA areas), largest aligned blocks first, ascending, to the tail of the free lists.
    private static void FreeBootMemory(PageAllocator alloc, MachineSpec spec, List<(int Start, int NrPages, Zone Zone, string Name)> cma)
    {
        foreach (ZoneSpec zs in spec.Zones)
        {
            Zone zone = alloc.Node.Zones[(int)zs.Type];
            int start = zone.ZoneStartPfn + (int)zs.ReservedPages;
            foreach (var area in cma)
            {
                if (area.Zone == zone)
                {
                    FreeRange(alloc, zone, start, area.Start);
                    start = area.Start + area.NrPages;
                }
            }

            FreeRange(alloc, zone, start, zone.ZoneEndPfn);
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
