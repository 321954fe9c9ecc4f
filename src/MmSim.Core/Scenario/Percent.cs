using System.Globalization;

namespace MmSim.Scenario;

/// <summary>
/// A percentage held as an integer number of basis points (1/100 of a percent), so that
/// probabilities derived from it stay integer ratios and runs stay deterministic.
/// </summary>
/// <param name="BasisPoints">Hundredths of a percent: 100% is 10000.</param>
public readonly record struct Percent(int BasisPoints)
{
    /// <summary>Basis points in 100 %.</summary>
    public const int BasisPointsPerWhole = 10_000;

    /// <summary>Makes a percentage from a whole number of percent.</summary>
    /// <param name="percent">Whole percent, e.g. 70.</param>
    /// <returns>The percentage.</returns>
    public static Percent FromWhole(int percent) => new(checked(percent * 100));

    /// <summary>Applies the percentage to <paramref name="value"/>, rounding down.</summary>
    /// <param name="value">The quantity, e.g. a number of pages.</param>
    /// <returns><c>value * BasisPoints / 10000</c>, computed without intermediate overflow.</returns>
    public long Of(long value) => (long)((Int128)value * BasisPoints / BasisPointsPerWhole);

    /// <summary>The canonical text, e.g. <c>70%</c> or <c>12.5%</c>, which <see cref="Units.TryParsePercent"/> reads back.</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        int whole = BasisPoints / 100;
        int fraction = Math.Abs(BasisPoints % 100);
        if (fraction == 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{whole}%");
        }

        string digits = fraction % 10 == 0
            ? (fraction / 10).ToString(CultureInfo.InvariantCulture)
            : fraction.ToString("00", CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture, $"{whole}.{digits}%");
    }
}
