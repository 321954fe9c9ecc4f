using System.Globalization;
using System.Text;
using MmSim.Mm;

namespace MmSim.Scenario;

/// <summary>
/// Parsers and canonical formatters for the quantities scenario files are written in: sizes
/// (IEC units or pages), durations, rates, percentages, integers and duration distributions.
/// </summary>
/// <remarks>
/// Pure functions, no allocation beyond the error text. Every parser returns false with a
/// one-line message (without field path; the loader adds it) instead of throwing. Units are
/// case-sensitive and only IEC binary size units are accepted, because <c>16GB</c> is
/// ambiguous (10^9 or 2^30) and kernel developers mean 2^30: the message offers the fix.
/// Every formatter's output parses back to the same value.
/// </remarks>
public static class Units
{
    /// <summary>Bytes in a KiB.</summary>
    public const long KiB = 1L << 10;

    /// <summary>Bytes in a MiB.</summary>
    public const long MiB = 1L << 20;

    /// <summary>Bytes in a GiB.</summary>
    public const long GiB = 1L << 30;

    /// <summary>Bytes in a TiB.</summary>
    public const long TiB = 1L << 40;

    /// <summary>Bytes in a page (PAGE_SIZE); the unit <c>pages</c>.</summary>
    public const long PageSizeBytes = MmConstants.PageSize;

    /// <summary>Bytes in a pageblock (pageblock_nr_pages pages, 2 MiB on x86-64).</summary>
    public const long PageblockSizeBytes = PageSizeBytes * MmConstants.PageblockNrPages;

    /// <summary>Nanoseconds in a microsecond.</summary>
    public const long NsPerUs = 1_000;

    /// <summary>Nanoseconds in a millisecond.</summary>
    public const long NsPerMs = 1_000_000;

    /// <summary>Nanoseconds in a second.</summary>
    public const long NsPerS = 1_000_000_000;

    /// <summary>Nanoseconds in a minute.</summary>
    public const long NsPerMin = 60 * NsPerS;

    /// <summary>Nanoseconds in an hour.</summary>
    public const long NsPerH = 60 * NsPerMin;

    // Largest first: the formatter picks the first unit that divides the value exactly.
    private static readonly (string Name, long Factor)[] SizeUnits =
        [("TiB", TiB), ("GiB", GiB), ("MiB", MiB), ("KiB", KiB), ("B", 1)];

    private static readonly (string Name, long Factor)[] DurationUnits =
        [("h", NsPerH), ("min", NsPerMin), ("s", NsPerS), ("ms", NsPerMs), ("us", NsPerUs), ("ns", 1)];

    /// <summary>
    /// Parses a size: a non-negative number (decimals allowed if the result is whole bytes,
    /// <c>_</c> between digits allowed) followed by <c>B</c>, <c>KiB</c>, <c>MiB</c>, <c>GiB</c>,
    /// <c>TiB</c> or <c>pages</c> (e.g. <c>1024 pages</c>); a bare <c>0</c> is also accepted.
    /// </summary>
    /// <param name="text">The text, e.g. <c>512MiB</c>.</param>
    /// <param name="bytes">The size in bytes.</param>
    /// <param name="error">Why the text was refused; empty on success.</param>
    /// <returns>Whether the text is a valid size.</returns>
    public static bool TryParseSize(string text, out long bytes, out string error)
    {
        bytes = 0;
        if (!Quantity.TrySplit(text, out Quantity q, out error))
        {
            return false;
        }

        if (q.Negative)
        {
            return Fail($"'{q.Text}' is negative; a size is 0 or more", out error);
        }

        if (q.Unit.Length == 0)
        {
            return q.Number == 0 || Fail(
                $"'{q.Text}' has no unit; write '{q.NumberText}B' for bytes or '{q.NumberText} pages' (units: B, KiB, MiB, GiB, TiB, pages)",
                out error);
        }

        long factor = q.Unit switch
        {
            "page" or "pages" => PageSizeBytes,
            _ => LookUp(SizeUnits, q.Unit),
        };
        if (factor == 0)
        {
            string? hint = SizeUnitHint(q.Unit);
            string fix = hint is null ? string.Empty : $"; did you mean '{q.NumberText}{hint}'?";
            return Fail($"'{q.Text}': unit '{q.Unit}' is not accepted; sizes take B, KiB, MiB, GiB, TiB or pages{fix}", out error);
        }

        return q.TryScale(factor, "bytes", out bytes, out error);
    }

    /// <summary>
    /// Parses a duration: a non-negative number followed by <c>ns</c>, <c>us</c>, <c>ms</c>,
    /// <c>s</c>, <c>min</c> or <c>h</c> (e.g. <c>500ms</c>, <c>2min</c>, <c>1.5s</c>); a bare <c>0</c> is accepted.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="ns">The duration in nanoseconds.</param>
    /// <param name="error">Why the text was refused; empty on success.</param>
    /// <returns>Whether the text is a valid duration.</returns>
    public static bool TryParseDuration(string text, out long ns, out string error)
    {
        ns = 0;
        if (!Quantity.TrySplit(text, out Quantity q, out error))
        {
            return false;
        }

        if (q.Negative)
        {
            return Fail($"'{q.Text}' is negative; a duration is 0 or more", out error);
        }

        if (q.Unit.Length == 0)
        {
            return q.Number == 0 || Fail(
                $"'{q.Text}' has no unit; write e.g. '{q.NumberText}ms' or '{q.NumberText}s' (units: ns, us, ms, s, min, h)",
                out error);
        }

        long factor = q.Unit == "µs" ? NsPerUs : LookUp(DurationUnits, q.Unit);
        if (factor == 0)
        {
            return Fail($"'{q.Text}': unit '{q.Unit}' is not accepted; durations take ns, us, ms, s, min or h{DurationUnitHint(q)}", out error);
        }

        return q.TryScale(factor, "nanoseconds", out ns, out error);
    }

    /// <summary>
    /// Parses a rate <c>COUNT/PERIOD</c>: a positive whole count, then a unit or a duration
    /// (<c>100/s</c>, <c>5/ms</c>, <c>3/10ms</c>).
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="rate">The rate.</param>
    /// <param name="error">Why the text was refused; empty on success.</param>
    /// <returns>Whether the text is a valid rate.</returns>
    public static bool TryParseRate(string text, out RateSpec rate, out string error)
    {
        rate = default;
        string t = text.Trim();
        int slash = t.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return Fail($"'{t}' is not a rate; write COUNT/UNIT, e.g. '100/s' or '5/ms'", out error);
        }

        string countText = t[..slash].Trim();
        string period = t[(slash + 1)..].Trim();
        if (!TryParseInteger(countText, out long count, out error))
        {
            return Fail($"'{t}': the count before '/' must be a whole number ({error})", out error);
        }

        if (count <= 0)
        {
            return Fail($"'{t}': a rate must be positive", out error);
        }

        // A bare unit means one of it ("/s" is "/1s").
        string periodText = period.Length > 0 && !char.IsAsciiDigit(period[0]) ? "1" + period : period;
        if (!TryParseDuration(periodText, out long perNs, out error))
        {
            return Fail($"'{t}': the period after '/' must be a unit or a duration ({error})", out error);
        }

        if (perNs <= 0)
        {
            return Fail($"'{t}': the period after '/' must be longer than zero", out error);
        }

        rate = new RateSpec(count, perNs);
        return true;
    }

    /// <summary>Parses a percentage such as <c>80%</c> or <c>12.5%</c> (at most two decimals).</summary>
    /// <param name="text">The text.</param>
    /// <param name="percent">The percentage.</param>
    /// <param name="error">Why the text was refused; empty on success.</param>
    /// <returns>Whether the text is a valid percentage.</returns>
    public static bool TryParsePercent(string text, out Percent percent, out string error)
    {
        percent = default;
        if (!Quantity.TrySplit(text, out Quantity q, out error))
        {
            return false;
        }

        if (q.Unit != "%")
        {
            string written = q.Unit.Length == 0 ? string.Empty : $" ('{q.Unit}' is not a percent sign)";
            // 0.8 is most likely a fraction meaning 80%.
            string example = q.Unit.Length == 0 && q.Number is > 0 and < 1
                ? (q.Number * 100).ToString("0.##", CultureInfo.InvariantCulture)
                : q.NumberText;
            return Fail($"'{q.Text}' is not a percentage{written}; write e.g. '{example}%'", out error);
        }

        if (q.Negative)
        {
            return Fail($"'{q.Text}' is negative; a percentage is 0% or more", out error);
        }

        if (q.FractionDigits > 2)
        {
            return Fail($"'{q.Text}' has more than two decimals", out error);
        }

        if (!q.TryScale(100, "basis points", out long basisPoints, out error) || basisPoints > int.MaxValue)
        {
            return Fail($"'{q.Text}' is too large", out error);
        }

        percent = new Percent((int)basisPoints);
        return true;
    }

    /// <summary>
    /// Parses a whole number, decimal or <c>0x</c> hexadecimal, optionally signed, with
    /// <c>_</c> allowed between digits (<c>2_000_000</c>, <c>0x10_0000</c>).
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="value">The number.</param>
    /// <param name="error">Why the text was refused; empty on success.</param>
    /// <returns>Whether the text is a valid 64-bit integer.</returns>
    public static bool TryParseInteger(string text, out long value, out string error)
    {
        value = 0;
        string t = text.Trim();
        bool negative = t.StartsWith('-');
        string magnitudeText = negative || t.StartsWith('+') ? t[1..] : t;
        if (!TryParseMagnitude(magnitudeText, t, out ulong magnitude, out error))
        {
            return false;
        }

        ulong limit = negative ? (ulong)long.MaxValue + 1 : long.MaxValue;
        if (magnitude > limit)
        {
            return Fail($"'{t}' is too large (limit {(negative ? long.MinValue : long.MaxValue)})", out error);
        }

        value = negative ? (long)(0 - magnitude) : (long)magnitude;
        return true;
    }

    /// <summary>Parses an unsigned 64-bit whole number (decimal or <c>0x</c> hex, <c>_</c> separators), e.g. a seed.</summary>
    /// <param name="text">The text.</param>
    /// <param name="value">The number.</param>
    /// <param name="error">Why the text was refused; empty on success.</param>
    /// <returns>Whether the text is a valid unsigned 64-bit integer.</returns>
    public static bool TryParseUInt64(string text, out ulong value, out string error)
    {
        string t = text.Trim();
        if (t.StartsWith('-'))
        {
            value = 0;
            return Fail($"'{t}' is negative; expected 0 or more", out error);
        }

        return TryParseMagnitude(t.StartsWith('+') ? t[1..] : t, t, out value, out error);
    }

    /// <summary>
    /// Parses a distribution of durations: <c>const(D)</c>, <c>exp(MEAN)</c>,
    /// <c>uniform(MIN, MAX)</c> or <c>lognormal(MEDIAN, SIGMA)</c>.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="spec">The distribution.</param>
    /// <param name="error">Why the text was refused; empty on success.</param>
    /// <returns>Whether the text is a valid distribution.</returns>
    public static bool TryParseDistribution(string text, out DistributionSpec? spec, out string error) =>
        DistributionParser.TryParse(text.Trim(), out spec, out error);

    /// <summary>Formats bytes in the largest IEC unit that divides them exactly (<c>3GiB</c>, <c>1536KiB</c>, <c>100B</c>).</summary>
    /// <param name="bytes">A non-negative size.</param>
    /// <returns>Text that <see cref="TryParseSize"/> reads back to <paramref name="bytes"/>.</returns>
    public static string FormatSize(long bytes) => FormatIn(SizeUnits, bytes);

    /// <summary>Formats nanoseconds in the largest unit that divides them exactly (<c>10s</c>, <c>1500ms</c>, <c>2min</c>).</summary>
    /// <param name="ns">A non-negative duration.</param>
    /// <returns>Text that <see cref="TryParseDuration"/> reads back to <paramref name="ns"/>.</returns>
    public static string FormatDuration(long ns) => FormatIn(DurationUnits, ns);

    /// <summary>Names a period for a rate: the bare unit when it is exactly one unit (<c>s</c>), else a duration (<c>10ms</c>).</summary>
    /// <param name="ns">Period in nanoseconds.</param>
    /// <returns>The unit name or formatted duration.</returns>
    public static string DurationUnitName(long ns)
    {
        foreach ((string name, long factor) in DurationUnits)
        {
            if (factor == ns)
            {
                return name;
            }
        }

        return FormatDuration(ns);
    }

    /// <summary>Formats a page frame number in kernel style hexadecimal (<c>0x100000</c>).</summary>
    /// <param name="pfn">The PFN.</param>
    /// <returns>The text.</returns>
    public static string FormatPfn(long pfn) => "0x" + pfn.ToString("x", CultureInfo.InvariantCulture);

    internal static bool Fail(string message, out string error)
    {
        error = message;
        return false;
    }

    // `shown` is the whole text as written, for the message; `t` is it without the sign.
    private static bool TryParseMagnitude(string t, string shown, out ulong value, out string error)
    {
        value = 0;
        error = string.Empty;
        bool hex = t.StartsWith("0x", StringComparison.OrdinalIgnoreCase);
        string digits = hex ? t[2..] : t;
        if (digits.Length == 0 || digits[0] == '_' || digits[^1] == '_' || digits.Contains("__", StringComparison.Ordinal))
        {
            return Fail(NotAnInteger(shown), out error);
        }

        int radix = hex ? 16 : 10;
        foreach (char c in digits)
        {
            if (c == '_')
            {
                continue;
            }

            int digit = HexDigit(c);
            if (digit < 0 || digit >= radix)
            {
                return Fail(NotAnInteger(shown), out error);
            }

            if (value > (ulong.MaxValue - (ulong)digit) / (ulong)radix)
            {
                return Fail($"'{shown}' is too large (limit {ulong.MaxValue})", out error);
            }

            value = (value * (ulong)radix) + (ulong)digit;
        }

        return true;
    }

    private static string NotAnInteger(string shown)
    {
        bool hex = shown.TrimStart('-', '+').StartsWith("0x", StringComparison.OrdinalIgnoreCase);
        bool looksReal = shown.Contains('.', StringComparison.Ordinal) || (!hex && shown.Contains('e', StringComparison.OrdinalIgnoreCase));
        return looksReal
            ? $"'{shown}' is not a whole number; write plain digits (e.g. 2000000 or 2_000_000)"
            : $"'{shown}' is not an integer (decimal or 0x hex expected)";
    }

    private static int HexDigit(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    private static long LookUp((string Name, long Factor)[] units, string unit)
    {
        foreach ((string name, long factor) in units)
        {
            if (name == unit)
            {
                return factor;
            }
        }

        return 0;
    }

    private static string FormatIn((string Name, long Factor)[] units, long value)
    {
        if (value == 0)
        {
            return "0" + units[^1].Name;
        }

        foreach ((string name, long factor) in units)
        {
            if (value % factor == 0)
            {
                return (value / factor).ToString(CultureInfo.InvariantCulture) + name;
            }
        }

        return value.ToString(CultureInfo.InvariantCulture) + units[^1].Name;
    }

    // Common spellings that are not accepted, mapped to what the writer most likely meant.
    private static string? SizeUnitHint(string unit) => unit.ToLowerInvariant() switch
    {
        "k" or "kb" or "ki" or "kib" => "KiB",
        "m" or "mb" or "mi" or "mib" => "MiB",
        "g" or "gb" or "gi" or "gib" => "GiB",
        "t" or "tb" or "ti" or "tib" => "TiB",
        "b" or "byte" or "bytes" => "B",
        "page" or "pages" or "pg" or "pgs" => " pages",
        _ => null,
    };

    private static string DurationUnitHint(Quantity q)
    {
        string? unit = q.Unit.ToLowerInvariant() switch
        {
            "ns" or "nsec" or "nsecs" or "nanosecond" or "nanoseconds" => "ns",
            "us" or "usec" or "usecs" or "microsecond" or "microseconds" => "us",
            "ms" or "msec" or "msecs" or "millisecond" or "milliseconds" => "ms",
            "s" or "sec" or "secs" or "second" or "seconds" => "s",
            "min" or "mins" or "minute" or "minutes" => "min",
            "h" or "hr" or "hrs" or "hour" or "hours" => "h",
            _ => null,
        };
        if (unit is not null)
        {
            return $"; did you mean '{q.NumberText}{unit}'?";
        }

        return q.Unit == "m" ? $"; did you mean '{q.NumberText}min' or '{q.NumberText}ms'?" : string.Empty;
    }

    /// <summary>A number as written followed by a unit, split but not yet scaled.</summary>
    private readonly record struct Quantity(string Text, string NumberText, decimal Number, int FractionDigits, bool Negative, string Unit)
    {
        // More integer digits than this cannot fit a long in any unit; refusing early also keeps decimal from overflowing.
        private const int IntegerDigitsMax = 20;

        public static bool TrySplit(string text, out Quantity q, out string error)
        {
            q = default;
            string t = text.Trim();
            int i = t.Length > 0 && (t[0] == '-' || t[0] == '+') ? 1 : 0;
            bool negative = i == 1 && t[0] == '-';
            var digits = new StringBuilder();
            int integerDigits = 0, fractionDigits = 0;
            bool point = false;
            for (; i < t.Length; i++)
            {
                char c = t[i];
                if (char.IsAsciiDigit(c))
                {
                    digits.Append(c);
                    _ = point ? fractionDigits++ : integerDigits++;
                }
                else if (c == '_' && digits.Length > 0 && i + 1 < t.Length && char.IsAsciiDigit(t[i + 1]))
                {
                    continue;
                }
                else if (c == '.' && !point && integerDigits > 0 && i + 1 < t.Length && char.IsAsciiDigit(t[i + 1]))
                {
                    digits.Append('.');
                    point = true;
                }
                else
                {
                    break;
                }
            }

            if (integerDigits == 0)
            {
                return Fail(t.Length == 0 ? "the value is empty" : $"'{t}' does not start with a number", out error);
            }

            if (integerDigits > IntegerDigitsMax)
            {
                return Fail($"'{t}' is too large", out error);
            }

            decimal number = decimal.Parse(digits.ToString(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
            string numberText = t[(negative || t[0] == '+' ? 1 : 0)..i];
            q = new Quantity(t, numberText, number, fractionDigits, negative, t[i..].Trim());
            error = string.Empty;
            return true;
        }

        public bool TryScale(long factor, string what, out long scaled, out string error)
        {
            scaled = 0;
            if (Number > long.MaxValue / (decimal)factor)
            {
                return Fail($"'{Text}' is too large", out error);
            }

            decimal product = Number * factor;
            if (product != decimal.Truncate(product))
            {
                return Fail($"'{Text}' is not a whole number of {what}", out error);
            }

            scaled = (long)product;
            error = string.Empty;
            return true;
        }
    }
}
