// A swap device as a scenario describes it (swapon of one swap partition).
namespace MmSim.Mm.Swap;

/// <summary>One swap device: its size in pages and its speed.</summary>
/// <param name="Pages">Slots (total_swap_pages); one page each.</param>
/// <param name="LatencyNs">Time from submission to completion of one request, beside its transfer time.</param>
/// <param name="BytesPerSec">Transfer bandwidth; transfers are serialised.</param>
public sealed record SwapSpec(long Pages, long LatencyNs, long BytesPerSec)
{
    /// <summary>Default latency: 100 µs, an SSD.</summary>
    public const long DefaultLatencyNs = 100_000;

    /// <summary>Default bandwidth: 512 MiB/s (a whole number of pages, as scenario sizes are).</summary>
    public const long DefaultBytesPerSec = 512L << 20;
}

/// <summary>
/// A mapping whose page-table entries can hold swap entries (an anonymous VMA): try_to_unmap_one's
/// anonymous branch writes the entry in place of the PTE.
/// </summary>
public interface ISwapPte
{
    /// <summary>Replaces the PTE at <paramref name="index"/>, which maps <paramref name="pfn"/>, by the swap entry of <paramref name="slot"/>.</summary>
    /// <param name="index">Page index in the mapping.</param>
    /// <param name="pfn">The PFN mapped there.</param>
    /// <param name="slot">The folio's swap slot.</param>
    /// <returns>False when the page cannot be unmapped (pinned); nothing changed then.</returns>
    bool SetSwapPte(long index, int pfn, int slot);
}
