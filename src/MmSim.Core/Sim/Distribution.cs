using System.Diagnostics;
using System.Globalization;

namespace MmSim.Sim;

/// <summary>The shape of a <see cref="Distribution"/>.</summary>
public enum DistributionKind
{
    /// <summary>Always the same value.</summary>
    Constant = 1,

    /// <summary>Exponential with a given mean (memoryless inter-arrival times).</summary>
    Exponential,

    /// <summary>Uniform over an inclusive integer range.</summary>
    Uniform,

    /// <summary>Log-normal with a given median and shape σ (heavy-tailed service times).</summary>
    LogNormal,
}

/// <summary>
/// A distribution of non-negative durations in nanoseconds, sampled from a <see cref="Prng"/>.
/// </summary>
/// <remarks>
/// A small immutable value so scenario code can hold "think time" or "server latency" as data.
/// Sampling allocates nothing and uses <see cref="SimMath"/> rather than the C library, so a
/// seed gives the same samples on every platform. Results are rounded to the nearest
/// nanosecond and saturate at <see cref="long.MaxValue"/>.
/// </remarks>
public readonly record struct Distribution
{
    // Bounds a rejection loop whose acceptance probability is pi/4; 64 straight rejections have
    // probability ~1e-43, so hitting the bound means the generator is broken.
    private const int PolarAttemptsMax = 64;

    private Distribution(DistributionKind kind, long a, long b, double sigma)
    {
        Kind = kind;
        this.a = a;
        this.b = b;
        this.sigma = sigma;
    }

    /// <summary>The shape.</summary>
    public DistributionKind Kind { get; }

    // Constant: value. Exponential: mean. Uniform: lo. LogNormal: median.
    private readonly long a;

    // Uniform: hi (inclusive).
    private readonly long b;

    // LogNormal: sigma of the underlying normal.
    private readonly double sigma;

    /// <summary>a fixed duration.</summary>
    /// <param name="ns">The value, ≥ 0.</param>
    /// <returns>The distribution.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="ns"/> is negative.</exception>
    public static Distribution Constant(long ns)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ns);
        return new Distribution(DistributionKind.Constant, ns, 0, 0);
    }

    /// <summary>An exponential distribution.</summary>
    /// <param name="meanNs">The mean, ≥ 0.</param>
    /// <returns>The distribution.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="meanNs"/> is negative.</exception>
    public static Distribution Exponential(long meanNs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(meanNs);
        return new Distribution(DistributionKind.Exponential, meanNs, 0, 0);
    }

    /// <summary>a uniform distribution over [<paramref name="loNs"/>, <paramref name="hiNs"/>], both inclusive.</summary>
    /// <param name="loNs">Smallest value, ≥ 0.</param>
    /// <param name="hiNs">Largest value, ≥ <paramref name="loNs"/>.</param>
    /// <returns>The distribution.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The range is negative or empty.</exception>
    public static Distribution Uniform(long loNs, long hiNs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(loNs);
        ArgumentOutOfRangeException.ThrowIfLessThan(hiNs, loNs);
        return new Distribution(DistributionKind.Uniform, loNs, hiNs, 0);
    }

    /// <summary>a log-normal distribution: <c>median · e^(σ·Z)</c>, Z standard normal.</summary>
    /// <param name="medianNs">The median, ≥ 0.</param>
    /// <param name="sigma">Shape σ of the underlying normal, 0 ≤ σ ≤ 10.</param>
    /// <returns>The distribution.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range or NaN.</exception>
    public static Distribution LogNormal(long medianNs, double sigma)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(medianNs);
        if (!(sigma >= 0 && sigma <= 10))
        {
            throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "sigma must be in [0, 10].");
        }
        return new Distribution(DistributionKind.LogNormal, medianNs, 0, sigma);
    }

    /// <summary>The expected value in nanoseconds (for reports and tests).</summary>
    /// <remarks>Log-normal: median · e^(σ²/2).</remarks>
    public double MeanNs => Kind switch
    {
        DistributionKind.Constant => a,
        DistributionKind.Exponential => a,
        DistributionKind.Uniform => (a + (double)b) / 2,
        DistributionKind.LogNormal => a * SimMath.Exp(sigma * sigma / 2),
        _ => throw InvalidKind(),
    };

    /// <summary>Draws one value.</summary>
    /// <param name="prng">The stream to draw from; Constant draws nothing.</param>
    /// <returns>a duration in nanoseconds, ≥ 0.</returns>
    /// <exception cref="InvalidOperationException">The distribution is <c>default</c>.</exception>
    public long Sample(Prng prng)
    {
        ArgumentNullException.ThrowIfNull(prng);
        long ns = Kind switch
        {
            DistributionKind.Constant => a,
            DistributionKind.Exponential => RoundToNs(a * -SimMath.Log(NextOpenUnit(prng))),
            DistributionKind.Uniform => prng.NextInRange(a, b),
            DistributionKind.LogNormal => RoundToNs(a * SimMath.Exp(sigma * NextStandardNormal(prng))),
            _ => throw InvalidKind(),
        };
        Debug.Assert(ns >= 0, "durations are non-negative");
        return ns;
    }

    /// <summary>Describes the distribution, e.g. <c>"exponential(mean=1000000ns)"</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Kind switch
    {
        DistributionKind.Constant => Invariant($"constant({a}ns)"),
        DistributionKind.Exponential => Invariant($"exponential(mean={a}ns)"),
        DistributionKind.Uniform => Invariant($"uniform({a}ns..{b}ns)"),
        DistributionKind.LogNormal => Invariant($"lognormal(median={a}ns, sigma={sigma})"),
        _ => "invalid",
    };

    /// <summary>a uniform value in (0, 1]: never 0, so its logarithm is finite.</summary>
    private static double NextOpenUnit(Prng prng) => ((prng.NextU64() >> 11) + 1) * (1.0 / (1UL << 53));

    /// <summary>a standard normal value by Marsaglia's polar method (needs only log and sqrt, no trigonometry).</summary>
    private static double NextStandardNormal(Prng prng)
    {
        for (int attempt = 0; attempt < PolarAttemptsMax; attempt++)
        {
            double u = 2.0 * prng.NextDouble() - 1.0;
            double v = 2.0 * prng.NextDouble() - 1.0;
            double s = u * u + v * v;
            // Tiny s would make Log's argument subnormal; rejecting it changes nothing measurable.
            if (s < 1.0 && s > 1e-300)
            {
                return u * Math.Sqrt(-2.0 * SimMath.Log(s) / s);
            }
        }
        throw new InvalidOperationException("Polar method rejected 64 pairs in a row; the PRNG is broken.");
    }

    private static long RoundToNs(double ns)
    {
        Debug.Assert(!double.IsNaN(ns), "sampled duration is NaN");
        // 2^63 as a double; anything at or above it saturates.
        return ns >= 9.2233720368547758e18 ? long.MaxValue : (long)Math.Round(ns);
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static InvalidOperationException InvalidKind() =>
        new("default(Distribution) has no kind; build one with Constant, Exponential, Uniform or LogNormal.");
}
