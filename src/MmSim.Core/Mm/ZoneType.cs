namespace MmSim.Mm;

/// <summary>Zone index within a node.</summary>
/// <remarks>include/linux/mmzone.h: enum zone_type (x86-64: DMA, DMA32, NORMAL, MOVABLE; no HIGHMEM).</remarks>
public enum ZoneType : byte
{
    /// <summary>ZONE_DMA: the first 16 MiB.</summary>
    Dma = 0,

    /// <summary>ZONE_DMA32: below 4 GiB.</summary>
    Dma32 = 1,

    /// <summary>ZONE_NORMAL.</summary>
    Normal = 2,

    /// <summary>ZONE_MOVABLE: only movable allocations, reached with __GFP_MOVABLE|__GFP_HIGHMEM.</summary>
    Movable = 3,
}

/// <summary>Helpers over <see cref="ZoneType"/>.</summary>
public static class ZoneTypes
{
    /// <summary>MAX_NR_ZONES.</summary>
    public const int Count = 4;

    /// <summary>Zone names as printed by /proc files (mm/page_alloc.c: zone_names).</summary>
    public static readonly string[] Names = ["DMA", "DMA32", "Normal", "Movable"];

    /// <summary>The /proc name of a zone type.</summary>
    /// <param name="type">Zone type.</param>
    /// <returns>"DMA", "DMA32", "Normal" or "Movable".</returns>
    public static string Name(ZoneType type) => Names[(int)type];

    /// <summary>Parses an exact zone name.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The zone type.</returns>
    /// <exception cref="ArgumentException">Not a zone name.</exception>
    public static ZoneType Parse(string name)
    {
        for (int i = 0; i < Names.Length; i++)
        {
            if (Names[i] == name)
            {
                return (ZoneType)i;
            }
        }

        throw new ArgumentException($"'{name}' is not a zone name ({string.Join(", ", Names)})", nameof(name));
    }

    /// <summary>Parses a zone name (case-insensitive).</summary>
    /// <param name="name">"DMA", "DMA32", "Normal" or "Movable".</param>
    /// <param name="type">The zone type when found.</param>
    /// <returns>True when the name is a zone.</returns>
    public static bool TryParse(string name, out ZoneType type)
    {
        for (int i = 0; i < Names.Length; i++)
        {
            if (string.Equals(Names[i], name, StringComparison.OrdinalIgnoreCase))
            {
                type = (ZoneType)i;
                return true;
            }
        }

        type = ZoneType.Normal;
        return false;
    }
}
