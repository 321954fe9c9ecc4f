// Writeback (issue 8): per mount, how long folios stayed under writeback, for summary.json.
using MmSim.Fs;
using MmSim.Kernel;
using MmSim.Mm.Writeback;

namespace MmSim.Runs;

/// <summary>One mount's writeback: counters and the lifetime distribution (folio_start_writeback → folio_end_writeback).</summary>
/// <param name="Mount">Mount name.</param>
/// <param name="Device">Device name ("" for tmpfs).</param>
/// <param name="Written">Pages written (WB_WRITTEN).</param>
/// <param name="Dirtied">Pages dirtied (WB_DIRTIED).</param>
/// <param name="InFlight">Pages under writeback at the end.</param>
/// <param name="Count">Completed folio writebacks.</param>
/// <param name="MeanUs">Mean lifetime, µs.</param>
/// <param name="P50Us">Median, µs.</param>
/// <param name="P99Us">99th percentile, µs.</param>
/// <param name="MaxUs">Longest, µs.</param>
/// <param name="Log2BucketsUs">Completions per log2 bucket: entry b counts lifetimes in [2^(b-1), 2^b) µs (entry 0: under 1 µs); trailing zeros trimmed.</param>
/// <param name="Fuse">The FUSE connection's counters (FUSE mounts only, issue 9).</param>
public sealed record WritebackSummary(
    string Mount, string Device, long Written, long Dirtied, long InFlight, long Count, double MeanUs, double P50Us, double P99Us, double MaxUs, IReadOnlyList<long> Log2BucketsUs,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] FuseSummary? Fuse = null)
{
    /// <summary>Every mount of a kernel.</summary>
    /// <param name="kernel">The kernel, or null before a run.</param>
    /// <returns>One entry per mount.</returns>
    public static IReadOnlyList<WritebackSummary> From(LinuxKernel? kernel)
    {
        var list = new List<WritebackSummary>();
        if (kernel is null)
        {
            return list;
        }

        foreach (SuperBlock sb in kernel.Fs.Supers)
        {
            BdiWriteback wb = sb.Bdi.Wb;
            WritebackLifetimes h = wb.Lifetimes;
            var buckets = new List<long>();
            for (int b = 0; b < WritebackLifetimes.Buckets; b++)
            {
                buckets.Add(h.Bucket(b));
            }

            while (buckets.Count > 0 && buckets[^1] == 0)
            {
                buckets.RemoveAt(buckets.Count - 1);
            }

            list.Add(new WritebackSummary(sb.Name, sb.Device?.Name ?? string.Empty, wb.Stat(WbStatItem.Written), wb.Stat(WbStatItem.Dirtied), wb.Stat(WbStatItem.Writeback),
                h.Count, Math.Round(h.MeanUs, 3), h.QuantileUs(0.5), h.QuantileUs(0.99), h.MaxNs / 1000.0, buckets, FuseSummary.Of(sb)));
        }

        return list;
    }
}
