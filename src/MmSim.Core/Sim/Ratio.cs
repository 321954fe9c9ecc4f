using System.Globalization;

namespace MmSim.Sim;

/// <summary>
/// An exact probability <c>Numerator / Denominator</c>, used with <see cref="Prng.Chance(Ratio)"/>.
/// </summary>
/// <remarks>
/// Probabilities are integers so that the PRNG API has no floating point and a scenario's
/// "3 in 4" is exactly 3 in 4 (TigerBeetle <c>src/stdx/prng.zig: Ratio</c>).
/// The constructor enforces 0 ≤ numerator ≤ denominator and denominator &gt; 0.
/// </remarks>
public readonly record struct Ratio
{
    /// <summary>Creates a ratio.</summary>
    /// <param name="numerator">Favourable outcomes, 0 ≤ numerator ≤ denominator.</param>
    /// <param name="denominator">All outcomes, &gt; 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument breaks the invariant.</exception>
    public Ratio(long numerator, long denominator)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(denominator);
        ArgumentOutOfRangeException.ThrowIfNegative(numerator);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(numerator, denominator);
        Numerator = numerator;
        Denominator = denominator;
    }

    /// <summary>Favourable outcomes.</summary>
    public long Numerator { get; }

    /// <summary>All outcomes; zero only in <c>default(Ratio)</c>, which is invalid.</summary>
    public long Denominator { get; }

    /// <summary>The impossible event, 0/1.</summary>
    public static Ratio Zero => new(0, 1);

    /// <summary>The certain event, 1/1.</summary>
    public static Ratio One => new(1, 1);

    /// <summary>A percentage, <c>percent / 100</c>.</summary>
    /// <param name="percent">0 to 100.</param>
    /// <returns>The ratio.</returns>
    public static Ratio Percent(long percent) => new(percent, 100);

    /// <summary>Formats the ratio as <c>"3/4"</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Numerator}/{Denominator}");
}
