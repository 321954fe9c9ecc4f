// How long folios stay under writeback (folio_start_writeback → folio_end_writeback), per mount:
// the distribution a reviewer asked for before any writeback timeout could be chosen.
namespace MmSim.Mm.Writeback;

/// <summary>
/// A histogram of writeback lifetimes in microseconds: log2 buckets, each split into 16 linear
/// sub-buckets for percentiles (within 1/16 of the value), plus the exact count, sum and max.
/// </summary>
public sealed class WritebackLifetimes
{
    /// <summary>Log2 buckets: bucket b holds lifetimes in [2^(b-1), 2^b) µs, bucket 0 holds 0 µs.</summary>
    public const int Buckets = 48;

    private const int SubBits = 4;
    private readonly long[] counts = new long[Buckets << SubBits];

    /// <summary>Completions recorded.</summary>
    public long Count { get; private set; }

    /// <summary>Sum of lifetimes, ns.</summary>
    public long SumNs { get; private set; }

    /// <summary>Longest lifetime, ns.</summary>
    public long MaxNs { get; private set; }

    /// <summary>Longest lifetime since the last <see cref="TakeIntervalMaxNs"/>, ns (the time series' per-interval max).</summary>
    public long IntervalMaxNs { get; private set; }

    /// <summary>Slots of the sub-bucketed histogram (for <see cref="CopyCounts"/>).</summary>
    public static int Slots => Buckets << SubBits;

    /// <summary>Mean lifetime in µs (0 when empty).</summary>
    public double MeanUs => Count == 0 ? 0 : SumNs / 1000.0 / Count;

    /// <summary>Records one folio's writeback lifetime.</summary>
    /// <param name="ns">Lifetime, ns.</param>
    public void Add(long ns)
    {
        ns = Math.Max(0, ns);
        Count++;
        SumNs += ns;
        MaxNs = Math.Max(MaxNs, ns);
        IntervalMaxNs = Math.Max(IntervalMaxNs, ns);
        counts[Slot(ns / 1000)]++;
    }

    /// <summary>Completions in log2 bucket <paramref name="b"/> ([2^(b-1), 2^b) µs; bucket 0 is below 1 µs).</summary>
    /// <param name="b">Bucket index.</param>
    /// <returns>The count.</returns>
    public long Bucket(int b)
    {
        long n = 0;
        for (int s = 0; s < 1 << SubBits; s++)
        {
            n += counts[(b << SubBits) + s];
        }

        return n;
    }

    /// <summary>The <paramref name="q"/> quantile in µs (upper edge of its sub-bucket; the max for q = 1).</summary>
    /// <param name="q">0..1.</param>
    /// <returns>Microseconds.</returns>
    public double QuantileUs(double q) => QuantileUs(counts, default, q, MaxNs);

    /// <summary>Returns the longest lifetime since the previous call and starts a new interval.</summary>
    /// <returns>Nanoseconds (0 when nothing completed in the interval).</returns>
    public long TakeIntervalMaxNs()
    {
        long m = IntervalMaxNs;
        IntervalMaxNs = 0;
        return m;
    }

    /// <summary>Copies the sub-bucket counts (length <see cref="Slots"/>), so a reader can later take the quantiles of what completed since.</summary>
    /// <param name="dst">Destination, at least <see cref="Slots"/> long.</param>
    public void CopyCounts(Span<long> dst) => counts.CopyTo(dst);

    /// <summary>The <paramref name="q"/> quantile in µs of the completions recorded since <paramref name="since"/> was copied.</summary>
    /// <param name="since">Counts copied earlier by <see cref="CopyCounts"/>.</param>
    /// <param name="q">0..1.</param>
    /// <param name="maxNs">Cap: the longest lifetime among those completions, ns.</param>
    /// <returns>Microseconds (0 when nothing completed since).</returns>
    public double QuantileSinceUs(ReadOnlySpan<long> since, double q, long maxNs) => QuantileUs(counts, since, q, maxNs);

    // counts − since (since empty: zero), its q quantile capped by maxNs.
    private static double QuantileUs(ReadOnlySpan<long> counts, ReadOnlySpan<long> since, double q, long maxNs)
    {
        long total = 0;
        for (int i = 0; i < counts.Length; i++)
        {
            total += counts[i] - (since.IsEmpty ? 0 : since[i]);
        }

        if (total == 0)
        {
            return 0;
        }

        long rank = Math.Max(1, (long)Math.Ceiling(q * total));
        long seen = 0;
        for (int i = 0; i < counts.Length; i++)
        {
            seen += counts[i] - (since.IsEmpty ? 0 : since[i]);
            if (seen >= rank)
            {
                return Math.Min(UpperUs(i), maxNs / 1000.0);
            }
        }

        return maxNs / 1000.0;
    }

    private static int Slot(long us)
    {
        if (us <= 0)
        {
            return 0;
        }

        int b = Math.Min(Buckets - 1, 64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)us));
        long lo = 1L << (b - 1);
        int sub = (int)Math.Min((1 << SubBits) - 1, (us - lo) * (1 << SubBits) / lo);
        return (b << SubBits) + sub;
    }

    private static double UpperUs(int slot)
    {
        int b = slot >> SubBits;
        int sub = slot & ((1 << SubBits) - 1);
        if (b == 0)
        {
            return 1;
        }

        double lo = 1L << (b - 1);
        return lo + (lo * (sub + 1) / (1 << SubBits));
    }
}
