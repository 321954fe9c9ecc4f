using System.Diagnostics;
using System.Numerics;

namespace MmSim.Sim;

/// <summary>
/// The project's pseudo-random number generator: xoshiro256** seeded through splitmix64.
/// </summary>
/// <remarks>
/// <para>
/// mmsim owns its generator so that results never change with the .NET runtime's
/// <see cref="Random"/> and so that every run reproduces from one <c>ulong</c> seed
/// (TigerBeetle <c>src/stdx/prng.zig</c>). The algorithms are Blackman and Vigna's reference
/// <c>xoshiro256starstar.c</c> and <c>splitmix64.c</c>.
/// </para>
/// <para>
/// Components take their own stream with <see cref="Split(ulong)"/>. A child's seed depends only
/// on the parent's seed and the stream id, never on how much the parent has been used, so adding
/// a consumer does not shift the numbers any other component sees.
/// </para>
/// <para>Not thread-safe; a run is single-threaded. Every call costs a few nanoseconds and allocates nothing.</para>
/// </remarks>
public sealed class Prng
{
    private const ulong GoldenGamma = 0x9E3779B97F4A7C15;

    // Distinguishes the split derivation from plain seeding, so Split(x) of seed s is not new Prng(x ^ s).
    private const ulong SplitDomain = 0xD1B54A32D192ED03;

    private ulong s0;
    private ulong s1;
    private ulong s2;
    private ulong s3;

    /// <summary>Creates a generator from a seed.</summary>
    /// <param name="seed">Any value, zero included; splitmix64 expands it to a non-zero state.</param>
    public Prng(ulong seed)
    {
        Seed = seed;
        ulong x = seed;
        s0 = SplitMix64Next(ref x);
        s1 = SplitMix64Next(ref x);
        s2 = SplitMix64Next(ref x);
        s3 = SplitMix64Next(ref x);
        Debug.Assert((s0 | s1 | s2 | s3) != 0, "xoshiro256** must not start from the all-zero state");
    }

    private Prng(ulong seed, ulong a, ulong b, ulong c, ulong d)
    {
        Seed = seed;
        (s0, s1, s2, s3) = (a, b, c, d);
    }

    /// <summary>The seed this stream was created from (for a child: the derived seed).</summary>
    public ulong Seed { get; }

    /// <summary>Creates a generator with an explicit xoshiro256** state, for reference-vector tests.</summary>
    /// <param name="a">State word 0.</param>
    /// <param name="b">State word 1.</param>
    /// <param name="c">State word 2.</param>
    /// <param name="d">State word 3.</param>
    /// <returns>The generator; its <see cref="Seed"/> is 0.</returns>
    internal static Prng FromState(ulong a, ulong b, ulong c, ulong d)
    {
        Debug.Assert((a | b | c | d) != 0, "xoshiro256** must not start from the all-zero state");
        return new Prng(0, a, b, c, d);
    }

    /// <summary>One step of splitmix64: advances <paramref name="x"/> and returns the next output.</summary>
    /// <param name="x">The splitmix64 state.</param>
    /// <returns>The next 64-bit output.</returns>
    /// <remarks>Reference: Vigna, <c>splitmix64.c</c>.</remarks>
    public static ulong SplitMix64Next(ref ulong x)
    {
        x = unchecked(x + GoldenGamma);
        return Mix64(x);
    }

    /// <summary>Returns the next 64 uniformly distributed bits.</summary>
    /// <returns>A uniform <c>ulong</c>.</returns>
    /// <remarks>Reference: Blackman and Vigna, <c>xoshiro256starstar.c: next</c>.</remarks>
    public ulong NextU64()
    {
        ulong result = unchecked(BitOperations.RotateLeft(s1 * 5, 7) * 9);
        ulong t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = BitOperations.RotateLeft(s3, 45);
        return result;
    }

    /// <summary>Returns a uniform integer in [0, <paramref name="n"/>), without modulo bias.</summary>
    /// <param name="n">Exclusive upper bound, &gt; 0.</param>
    /// <returns>A uniform value below <paramref name="n"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is 0.</exception>
    /// <remarks>
    /// Lemire, "Fast Random Integer Generation in an Interval" (2019): multiply, and reject only
    /// the few low products that would bias the result. Expected draws: fewer than 2.
    /// </remarks>
    public ulong NextBelow(ulong n)
    {
        ArgumentOutOfRangeException.ThrowIfZero(n);
        ulong high = Math.BigMul(NextU64(), n, out ulong low);
        if (low < n)
        {
            // (2^64 - n) mod n: the number of low products that must be rejected.
            ulong threshold = unchecked(0 - n) % n;
            while (low < threshold)
            {
                high = Math.BigMul(NextU64(), n, out low);
            }
        }
        Debug.Assert(high < n, "Lemire's method yields a value below n");
        return high;
    }

    /// <summary>Returns a uniform integer in [<paramref name="lo"/>, <paramref name="hiInclusive"/>].</summary>
    /// <param name="lo">Smallest value.</param>
    /// <param name="hiInclusive">Largest value, ≥ <paramref name="lo"/>.</param>
    /// <returns>A uniform value in the range.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The range is empty.</exception>
    public long NextInRange(long lo, long hiInclusive)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hiInclusive, lo);
        ulong span = unchecked((ulong)(hiInclusive - lo));
        if (span == ulong.MaxValue)
        {
            // The full 64-bit range: span + 1 would wrap to 0.
            return unchecked((long)NextU64());
        }
        return unchecked(lo + (long)NextBelow(span + 1));
    }

    /// <summary>Returns a uniform double in [0, 1) with 53 random bits.</summary>
    /// <returns>A multiple of 2^-53 below 1.</returns>
    /// <remarks>Only for sampling continuous distributions; decisions use <see cref="Chance(Ratio)"/>.</remarks>
    public double NextDouble() => (NextU64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Returns true with probability <paramref name="ratio"/>.</summary>
    /// <param name="ratio">The probability; must be a constructed (non-default) ratio.</param>
    /// <returns>Whether the event happens.</returns>
    /// <exception cref="ArgumentException"><paramref name="ratio"/> is <c>default</c>.</exception>
    /// <remarks>Exact: draws a uniform value below the denominator (TigerBeetle <c>prng.chance</c>).</remarks>
    public bool Chance(Ratio ratio)
    {
        if (ratio.Denominator <= 0)
        {
            throw new ArgumentException("Ratio has a zero denominator (default(Ratio)).", nameof(ratio));
        }
        Debug.Assert(ratio.Numerator >= 0 && ratio.Numerator <= ratio.Denominator, "Ratio invariant");
        return NextBelow((ulong)ratio.Denominator) < (ulong)ratio.Numerator;
    }

    /// <summary>Derives an independent child stream for one component.</summary>
    /// <param name="streamId">The component's stream number; fixed per component, e.g. a pid or a constant.</param>
    /// <returns>A new generator seeded from (<see cref="Seed"/>, <paramref name="streamId"/>) only.</returns>
    /// <remarks>
    /// The parent's state is neither read nor advanced, so streams do not depend on the order in
    /// which components are created or how much each one draws.
    /// </remarks>
    public Prng Split(ulong streamId)
    {
        ulong childSeed = Mix64(unchecked(Mix64(Seed ^ SplitDomain) + Mix64(streamId + GoldenGamma)));
        return new Prng(childSeed);
    }

    private static ulong Mix64(ulong z)
    {
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EB);
        return z ^ (z >> 31);
    }
}
