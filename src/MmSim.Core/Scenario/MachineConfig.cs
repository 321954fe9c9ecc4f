using MmSim.Mm;

namespace MmSim.Scenario;

/// <summary>The simulated machine (<c>machine</c> section): its zones and CMA areas, all placed.</summary>
/// <param name="Zones">Zones in ascending type and address order (<c>zones</c>).</param>
/// <param name="Cma">CMA areas, each inside the managed part of its zone (<c>cma</c>).</param>
/// <param name="Nodes">NUMA nodes; 1 for now (<c>nodes</c>).</param>
/// <param name="Cpus">CPUs; 1 for now (<c>cpus</c>).</param>
/// <param name="MemoryBlockSizeBytes">The unit of memory offlining and onlining (<c>memory_block_size</c>; 128 MiB).</param>
public sealed record MachineConfig(ValueList<ZoneConfig> Zones, ValueList<CmaConfig> Cma, int Nodes, int Cpus, long MemoryBlockSizeBytes = Mm.MemoryHotplug.MemoryBlocks.DefaultBlockSizeBytes)
{
    /// <summary>PFN ranges without memory (<c>holes</c>), ascending and disjoint.</summary>
    public ValueList<HoleConfig> Holes { get; init; }

    /// <summary>Largest total memory mmsim accepts (1 TiB), so that per-page arrays fit in a workstation.</summary>
    public const long TotalBytesMax = Units.TiB;

    /// <summary>
    /// Highest physical address (exclusive) a zone may reach (2 TiB): memory may have holes
    /// (e.g. the PCI hole below 4 GiB), but PFN-indexed arrays span them too.
    /// </summary>
    public const long PhysicalAddressEndMax = 2 * Units.TiB;

    /// <summary>Pages spanned by all zones (sum of <c>spanned_pages</c>).</summary>
    public long TotalPages => TotalPagesOf(Zones.Select(z => z.SizeBytes));

    /// <summary>Bytes spanned by all zones.</summary>
    public long TotalBytes => TotalPages * Units.PageSizeBytes;

    /// <summary>Pages the buddy allocator manages in all zones (sum of <c>managed_pages</c>).</summary>
    public long ManagedPages => Zones.Sum(z => z.ManagedPages);

    /// <summary>One past the highest PFN of any zone (the length of PFN-indexed arrays).</summary>
    public long EndPfn => Zones.Count == 0 ? 0 : Zones.Max(z => z.EndPfn);

    /// <summary>Total pages of a list of zone sizes, refusing sizes that are not whole pages.</summary>
    /// <param name="zoneSizesBytes">Zone sizes in bytes.</param>
    /// <returns>The number of pages.</returns>
    /// <exception cref="ArgumentException">A size is negative or not a multiple of the page size.</exception>
    /// <exception cref="OverflowException">The total does not fit in a long.</exception>
    public static long TotalPagesOf(IEnumerable<long> zoneSizesBytes)
    {
        ArgumentNullException.ThrowIfNull(zoneSizesBytes);
        long pages = 0;
        foreach (long bytes in zoneSizesBytes)
        {
            if (bytes < 0 || bytes % Units.PageSizeBytes != 0)
            {
                throw new ArgumentException($"zone size {bytes} is not a whole number of pages", nameof(zoneSizesBytes));
            }

            pages = checked(pages + (bytes / Units.PageSizeBytes));
        }

        return pages;
    }

    /// <summary>The zone of a type, or null when the machine has none.</summary>
    /// <param name="type">The zone type.</param>
    /// <returns>The zone or null.</returns>
    public ZoneConfig? Zone(ZoneType type) => Zones.FirstOrDefault(z => z.Type == type);
}

/// <summary>One zone (<c>machine.zones[]</c>), placed.</summary>
/// <param name="Type">Zone type (YAML key <c>name</c>: DMA, DMA32, Normal or Movable).</param>
/// <param name="SizeBytes">Bytes spanned, holes included; a whole number of pages (<c>size</c>).</param>
/// <param name="StartPfn">First PFN, any (<c>start_pfn</c>, zone_start_pfn).</param>
/// <param name="ReservedBytes">Bytes at the bottom that are present but not managed by the buddy allocator (<c>reserved</c>).</param>
public sealed record ZoneConfig(ZoneType Type, long SizeBytes, long StartPfn, long ReservedBytes)
{
    /// <summary>The kernel's name, e.g. <c>Normal</c>.</summary>
    public string Name => ZoneTypes.Name(Type);

    /// <summary>Pages spanned (<c>spanned_pages</c>), holes included.</summary>
    public long SpannedPages => SizeBytes / Units.PageSizeBytes;

    /// <summary>The machine's holes that fall inside this zone's span, clipped to it, ascending.</summary>
    public ValueList<HoleConfig> Holes { get; init; }

    /// <summary>Pages present (<c>present_pages</c>): spanned minus the holes inside the span.</summary>
    public long PresentPages
    {
        get
        {
            long n = SpannedPages;
            foreach (HoleConfig h in Holes)
            {
                n -= h.EndPfn - h.StartPfn;
            }

            return n;
        }
    }

    /// <summary>Reserved pages: the lowest present pages of the zone.</summary>
    public long ReservedPages => ReservedBytes / Units.PageSizeBytes;

    /// <summary>Pages managed by the buddy allocator (<c>managed_pages</c>).</summary>
    public long ManagedPages => PresentPages - ReservedPages;

    /// <summary>One past the last PFN (<c>zone_end_pfn</c>).</summary>
    public long EndPfn => StartPfn + SpannedPages;

    /// <summary>First PFN the buddy allocator manages: past the reserved pages, skipping holes below them.</summary>
    public long FirstManagedPfn
    {
        get
        {
            long pfn = StartPfn;
            long reserved = ReservedPages;
            foreach (HoleConfig h in Holes)
            {
                long presentBefore = h.StartPfn - pfn;
                if (reserved < presentBefore)
                {
                    break;
                }

                reserved -= presentBefore;
                pfn = h.EndPfn;
            }

            return pfn + reserved;
        }
    }

    /// <summary>One past the last present PFN of the zone (below a hole that ends the span, such as the PCI hole).</summary>
    public long PresentEndPfn => Holes.Count > 0 && Holes[^1].EndPfn == EndPfn ? Holes[^1].StartPfn : EndPfn;
}

/// <summary>One memory hole (<c>machine.holes[]</c>): PFNs without memory, such as PFN 0 or the PCI hole below 4 GiB.</summary>
/// <param name="StartPfn">First PFN of the hole (<c>start_pfn</c>).</param>
/// <param name="EndPfn">One past the last PFN (<c>end_pfn</c>).</param>
public sealed record HoleConfig(long StartPfn, long EndPfn)
{
    /// <summary>Pages in the hole.</summary>
    public long Pages => EndPfn - StartPfn;
}

/// <summary>One CMA area (<c>machine.cma[]</c>), placed.</summary>
/// <param name="Name">Area name, as in <c>/sys/kernel/mm/cma/NAME</c> (<c>name</c>).</param>
/// <param name="SizeBytes">Bytes; a whole number of pageblocks (<c>size</c>).</param>
/// <param name="Zone">Zone the area lies in (<c>zone</c>).</param>
/// <param name="StartPfn">First PFN, pageblock-aligned (<c>start_pfn</c>, cma->base_pfn).</param>
public sealed record CmaConfig(string Name, long SizeBytes, ZoneType Zone, long StartPfn)
{
    /// <summary>Pages in the area (<c>cma->count</c>).</summary>
    public long NrPages => SizeBytes / Units.PageSizeBytes;

    /// <summary>One past the last PFN.</summary>
    public long EndPfn => StartPfn + NrPages;
}
