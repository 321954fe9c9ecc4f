namespace MmSim.Scenario;

/// <summary>Zone types of x86-64, in the kernel's order (<c>enum zone_type</c>, include/linux/mmzone.h).</summary>
public enum ZoneType
{
    /// <summary>ZONE_DMA: the first 16 MiB.</summary>
    Dma,

    /// <summary>ZONE_DMA32: below 4 GiB.</summary>
    Dma32,

    /// <summary>ZONE_NORMAL: the rest of ordinary memory.</summary>
    Normal,

    /// <summary>ZONE_MOVABLE: only movable allocations (memory that can be offlined).</summary>
    Movable,
}

/// <summary>Names and address limits of <see cref="ZoneType"/>.</summary>
public static class ZoneTypes
{
    /// <summary>Zone names as <c>/proc/zoneinfo</c> prints them, indexed by <see cref="ZoneType"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["DMA", "DMA32", "Normal", "Movable"];

    /// <summary>The kernel's name of a zone type (<c>zone_names[]</c> in mm/page_alloc.c).</summary>
    /// <param name="type">The zone type.</param>
    /// <returns>E.g. <c>DMA32</c>.</returns>
    public static string Name(ZoneType type) => Names[(int)type];

    /// <summary>The zone type of a kernel zone name (exact spelling, as <see cref="Names"/>).</summary>
    /// <param name="name">E.g. <c>DMA32</c>.</param>
    /// <returns>The zone type.</returns>
    /// <exception cref="ArgumentException">The name is not one of <see cref="Names"/>.</exception>
    public static ZoneType Parse(string name)
    {
        for (int i = 0; i < Names.Count; i++)
        {
            if (Names[i] == name)
            {
                return (ZoneType)i;
            }
        }

        throw new ArgumentException($"'{name}' is not a zone name ({string.Join(", ", Names)})", nameof(name));
    }

    /// <summary>
    /// First PFN a zone of this type may not reach: 16 MiB for DMA (MAX_DMA_PFN), 4 GiB for
    /// DMA32 (MAX_DMA32_PFN), unlimited otherwise (arch/x86/include/asm/dma.h).
    /// </summary>
    /// <param name="type">The zone type.</param>
    /// <returns>The limit as a PFN, or <see cref="long.MaxValue"/>.</returns>
    public static long EndPfnMax(ZoneType type) => type switch
    {
        ZoneType.Dma => (16 * Units.MiB) / Units.PageSizeBytes,
        ZoneType.Dma32 => (4 * Units.GiB) / Units.PageSizeBytes,
        _ => long.MaxValue,
    };
}
