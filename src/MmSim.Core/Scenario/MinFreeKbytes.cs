namespace MmSim.Scenario;

/// <summary>The kernel's boot-time default of <c>vm.min_free_kbytes</c>, used to resolve <c>min_free_kbytes: auto</c>.</summary>
/// <remarks>
/// mm/page_alloc.c: calculate_min_free_kbytes(), run from init_per_zone_wmark_min() before any
/// watermark is set, so nr_free_buffer_pages() is the managed pages of the zones up to
/// ZONE_NORMAL (GFP_USER's highest zone): ZONE_MOVABLE does not count. Not modelled: khugepaged's
/// set_recommended_min_free_kbytes(), which raises the value when THP is enabled (THP is not modelled yet).
/// </remarks>
public static class MinFreeKbytes
{
    /// <summary>Lower clamp of the computed value, in KiB.</summary>
    public const int Floor = 128;

    /// <summary>Upper clamp of the computed value, in KiB (256 MiB).</summary>
    public const int Ceiling = 262144;

    /// <summary>Computes min_free_kbytes for a machine as the kernel does at boot.</summary>
    /// <param name="zones">The machine's zones.</param>
    /// <returns><c>clamp(int_sqrt(lowmem_kbytes * 16), 128, 262144)</c>.</returns>
    public static int Calculate(IEnumerable<ZoneConfig> zones)
    {
        ArgumentNullException.ThrowIfNull(zones);
        long lowmemPages = zones.Where(z => z.Type <= ZoneType.Normal).Sum(z => z.ManagedPages);
        long lowmemKbytes = lowmemPages * (Units.PageSizeBytes / Units.KiB);
        long computed = IntSqrt(lowmemKbytes * 16);
        return (int)Math.Clamp(computed, Floor, Ceiling);
    }

    /// <summary>Largest r with r*r ≤ x (lib/math/int_sqrt.c), exact for any non-negative long.</summary>
    internal static long IntSqrt(long x)
    {
        long r = (long)Math.Sqrt(x);
        // Math.Sqrt is rounded; step to the exact floor.
        while (r > 0 && r * r > x)
        {
            r--;
        }

        while ((r + 1) * (r + 1) <= x)
        {
            r++;
        }

        return r;
    }
}
