using System.Globalization;

namespace MmSim.Sim;

/// <summary>
/// Simulated time: a <see cref="long"/> count of nanoseconds since the start of the run.
/// </summary>
/// <remarks>
/// Integer nanoseconds keep every run exact and reproducible; nothing in mmsim reads the wall
/// clock. A signed 64-bit count covers about 292 years, far beyond any run. The report format
/// mirrors the kernel's printk timestamp (<c>kernel/printk/printk.c: print_time</c>), which shows
/// seconds with six decimals.
/// </remarks>
public static class SimTime
{
    /// <summary>Nanoseconds per microsecond.</summary>
    public const long NsPerUs = 1_000;

    /// <summary>Nanoseconds per millisecond.</summary>
    public const long NsPerMs = 1_000_000;

    /// <summary>Nanoseconds per second (NSEC_PER_SEC).</summary>
    public const long NsPerSec = 1_000_000_000;

    /// <summary>Converts microseconds to nanoseconds.</summary>
    /// <param name="us">Microseconds.</param>
    /// <returns>The same span in nanoseconds.</returns>
    /// <exception cref="OverflowException">The result does not fit in a <see cref="long"/>.</exception>
    public static long FromUs(long us) => checked(us * NsPerUs);

    /// <summary>Converts milliseconds to nanoseconds.</summary>
    /// <param name="ms">Milliseconds.</param>
    /// <returns>The same span in nanoseconds.</returns>
    /// <exception cref="OverflowException">The result does not fit in a <see cref="long"/>.</exception>
    public static long FromMs(long ms) => checked(ms * NsPerMs);

    /// <summary>Converts seconds to nanoseconds.</summary>
    /// <param name="seconds">Seconds.</param>
    /// <returns>The same span in nanoseconds.</returns>
    /// <exception cref="OverflowException">The result does not fit in a <see cref="long"/>.</exception>
    public static long FromSeconds(long seconds) => checked(seconds * NsPerSec);

    /// <summary>Whole seconds in a span, truncated toward zero (like <c>jiffies / HZ</c>).</summary>
    /// <param name="ns">Nanoseconds.</param>
    /// <returns>The whole seconds.</returns>
    public static long ToWholeSeconds(long ns) => ns / NsPerSec;

    /// <summary>Formats a time as seconds with microsecond precision, e.g. <c>"12.345678s"</c>.</summary>
    /// <param name="ns">Nanoseconds; negative values get a leading minus sign.</param>
    /// <returns>The formatted time; sub-microsecond digits are truncated, not rounded.</returns>
    /// <remarks>Integer arithmetic only, so the text never depends on floating-point rounding.</remarks>
    public static string Format(long ns) => FormatSeconds(ns) + "s";

    /// <summary>Formats a time as a printk timestamp, e.g. <c>"[  120.000000]"</c>.</summary>
    /// <param name="ns">Nanoseconds since the start of the run.</param>
    /// <returns>The timestamp in brackets, seconds right-aligned to five digits.</returns>
    /// <remarks>kernel/printk/printk.c: print_time ("[%5lu.%06lu]").</remarks>
    public static string FormatPrintk(long ns) => "[" + FormatSeconds(ns).PadLeft(12) + "]";

    private static string FormatSeconds(long ns)
    {
        // Split before negating so long.MinValue cannot overflow.
        long seconds = ns / NsPerSec;
        long us = ns % NsPerSec / NsPerUs;
        string sign = ns < 0 ? "-" : "";
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{sign}{Math.Abs(seconds)}.{Math.Abs(us):D6}");
    }
}
