using System.Diagnostics;

namespace MmSim.Sim;

/// <summary>
/// Natural logarithm and exponential computed only from IEEE-754 basic operations.
/// </summary>
/// <remarks>
/// <see cref="Math.Log(double)"/> and <see cref="Math.Exp"/> call the platform's C library, whose
/// last-bit rounding differs between libm versions and CPUs. A one-ulp difference in a sampled
/// delay changes a nanosecond and then the whole event order, so distributions use these
/// instead: +, −, ×, ÷ and sqrt are correctly rounded everywhere, and the JIT does not contract
/// them into fused multiply-adds. Accuracy is within a few ulps, far below a nanosecond for any
/// delay mmsim samples.
/// </remarks>
internal static class SimMath
{
    private const double Ln2 = 0.6931471805599453094;

    // fdlibm's split of ln 2: the high part has trailing zero bits so k * Ln2Hi is exact.
    private const double Ln2Hi = 6.93147180369123816490e-01;
    private const double Ln2Lo = 1.90821492927058770002e-10;
    private const double Sqrt2 = 1.4142135623730950488;
    private const int ExpSeriesTerms = 18;

    /// <summary>Natural logarithm of a positive, finite, normal number.</summary>
    /// <param name="x">The argument, &gt; 0.</param>
    /// <returns>ln x.</returns>
    internal static double Log(double x)
    {
        Debug.Assert(x > 0 && double.IsNormal(x), "Log needs a positive normal argument");
        long bits = BitConverter.DoubleToInt64Bits(x);
        int exponent = (int)((bits >> 52) & 0x7FF) - 1023;
        // Mantissa scaled into [1, 2), then folded into [sqrt(1/2), sqrt(2)) so |s| below stays small.
        double m = BitConverter.Int64BitsToDouble((bits & 0x000F_FFFF_FFFF_FFFF) | 0x3FF0_0000_0000_0000);
        if (m > Sqrt2)
        {
            m *= 0.5;
            exponent++;
        }
        // ln m = 2 atanh(s) = 2 (s + s^3/3 + s^5/5 + ...), s = (m-1)/(m+1), |s| < 0.1716.
        double s = (m - 1.0) / (m + 1.0);
        double s2 = s * s;
        // Horner's rule over 1/(2k+1), k = 11 down to 0, written out: the reciprocals are compile-time constants
        // (the C# compiler divides in IEEE double, correctly rounded, as the runtime would), so there is no
        // division per term and the result is bit for bit what the loop over 1.0 / (2k + 1) gave.
        double sum = 1.0 / 23;
        sum = sum * s2 + 1.0 / 21;
        sum = sum * s2 + 1.0 / 19;
        sum = sum * s2 + 1.0 / 17;
        sum = sum * s2 + 1.0 / 15;
        sum = sum * s2 + 1.0 / 13;
        sum = sum * s2 + 1.0 / 11;
        sum = sum * s2 + 1.0 / 9;
        sum = sum * s2 + 1.0 / 7;
        sum = sum * s2 + 1.0 / 5;
        sum = sum * s2 + 1.0 / 3;
        sum = sum * s2 + 1.0;
        return exponent * Ln2Hi + (exponent * Ln2Lo + 2.0 * s * sum);
    }

    /// <summary>Exponential, saturating to +∞ above ~709.78 and to 0 below ~-745.</summary>
    /// <param name="x">The argument (not NaN).</param>
    /// <returns>e^x.</returns>
    internal static double Exp(double x)
    {
        Debug.Assert(!double.IsNaN(x), "Exp of NaN");
        if (x > 709.78)
        {
            return double.PositiveInfinity;
        }
        if (x < -745.0)
        {
            return 0.0;
        }
        // x = k ln2 + r with |r| <= ln2/2; e^x = 2^k e^r.
        double k = Math.Round(x / Ln2);
        double r = x - k * Ln2Hi - k * Ln2Lo;
        double sum = 1.0;
        for (int n = ExpSeriesTerms; n >= 1; n--)
        {
            sum = 1.0 + sum * r / n;
        }
        // Scaling by a power of two is exact (ScaleB is managed code, not libm).
        return Math.ScaleB(sum, (int)k);
    }
}
