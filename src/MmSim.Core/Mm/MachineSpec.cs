namespace MmSim.Mm;

/// <summary>One zone of the machine description.</summary>
/// <param name="Type">Zone index.</param>
/// <param name="Pages">Spanned pages (spanned_pages), holes included; any number.</param>
/// <param name="StartPfn">First PFN (any, not only pageblock-aligned), or null to follow the previous zone.</param>
/// <param name="ReservedPages">Present but never managed pages, taken from the zone's lowest present PFNs.</param>
public sealed record ZoneSpec(ZoneType Type, long Pages, long? StartPfn = null, long ReservedPages = 0);

/// <summary>One CMA area.</summary>
/// <param name="Name">Area name (as cma=… or a reserved-memory node).</param>
/// <param name="Zone">Zone the area lies in.</param>
/// <param name="Pages">Size in pages, a multiple of pageblock_nr_pages.</param>
/// <param name="StartPfn">First PFN, or null for the highest pageblock-aligned range of the zone (memblock allocates top-down).</param>
public sealed record CmaSpec(string Name, ZoneType Zone, long Pages, long? StartPfn = null);

/// <summary>A PFN range [<paramref name="StartPfn"/>, <paramref name="EndPfn"/>).</summary>
/// <param name="StartPfn">First PFN.</param>
/// <param name="EndPfn">One past the last PFN.</param>
public readonly record struct PfnRange(long StartPfn, long EndPfn)
{
    /// <summary>Pages in the range.</summary>
    public long Pages => EndPfn - StartPfn;

    /// <summary>Pages the range shares with [<paramref name="start"/>, <paramref name="end"/>).</summary>
    /// <param name="start">First PFN.</param>
    /// <param name="end">One past the last PFN.</param>
    /// <returns>The overlap, ≥ 0.</returns>
    public long Overlap(long start, long end) => Math.Max(0, Math.Min(end, EndPfn) - Math.Max(start, StartPfn));
}

/// <summary>The physical layout of the simulated machine: one node, its zones, CMA areas and memory holes.</summary>
/// <param name="Zones">Zones in ascending zone order.</param>
/// <param name="Cma">CMA areas.</param>
/// <param name="Holes">PFN ranges without memory (not in memblock.memory: PFN 0, the legacy ISA hole, the PCI hole),
/// ascending and disjoint; null or empty when every spanned page is present.</param>
public sealed record MachineSpec(IReadOnlyList<ZoneSpec> Zones, IReadOnlyList<CmaSpec> Cma, IReadOnlyList<PfnRange>? Holes = null)
{
    /// <summary>The holes, never null.</summary>
    public IReadOnlyList<PfnRange> HoleList => Holes ?? [];

    /// <summary>
    /// Highest PFN (exclusive) mmsim builds: 2 TiB of physical address space in 4 KiB pages, so a PFN fits an int
    /// with room to spare. The scenario loader's limits (1 TiB of memory, zones ending below 2 TiB) keep a 1 TiB
    /// x86-64 machine, whose memory above the PCI hole ends past 1 TiB, inside it.
    /// </summary>
    public const long MaxPages = 1L << 29;
}
