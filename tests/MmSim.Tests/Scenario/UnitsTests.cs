using CsCheck;
using MmSim.Scenario;

namespace MmSim.Tests.Scenario;

public class UnitsTests
{
    [Theory]
    [InlineData("4KiB", 4096L)]
    [InlineData("512MiB", 512L << 20)]
    [InlineData("16GiB", 16L << 30)]
    [InlineData("1TiB", 1L << 40)]
    [InlineData("4096B", 4096L)]
    [InlineData("1024 pages", 1024L * 4096)]
    [InlineData("1 page", 4096L)]
    [InlineData("  16 GiB ", 16L << 30)]
    [InlineData("1.5GiB", 3L << 29)]
    [InlineData("1_024MiB", 1L << 30)]
    [InlineData("0", 0L)]
    [InlineData("0B", 0L)]
    public void Size_parses(string text, long bytes)
    {
        Assert.True(Units.TryParseSize(text, out long parsed, out string error), error);
        Assert.Equal(bytes, parsed);
        Assert.Equal(string.Empty, error);
    }

    [Theory]
    [InlineData("16GB", "'16GB': unit 'GB' is not accepted; sizes take B, KiB, MiB, GiB, TiB or pages; did you mean '16GiB'?")]
    [InlineData("512M", "'512M': unit 'M' is not accepted; sizes take B, KiB, MiB, GiB, TiB or pages; did you mean '512MiB'?")]
    [InlineData("4kib", "'4kib': unit 'kib' is not accepted; sizes take B, KiB, MiB, GiB, TiB or pages; did you mean '4KiB'?")]
    [InlineData("8 Pages", "'8 Pages': unit 'Pages' is not accepted; sizes take B, KiB, MiB, GiB, TiB or pages; did you mean '8 pages'?")]
    [InlineData("4096", "'4096' has no unit; write '4096B' for bytes or '4096 pages' (units: B, KiB, MiB, GiB, TiB, pages)")]
    [InlineData("-4KiB", "'-4KiB' is negative; a size is 0 or more")]
    [InlineData("0.3KiB", "'0.3KiB' is not a whole number of bytes")]
    [InlineData("9999999TiB", "'9999999TiB' is too large")]
    [InlineData("123456789012345678901234KiB", "'123456789012345678901234KiB' is too large")]
    [InlineData("GiB", "'GiB' does not start with a number")]
    [InlineData("", "the value is empty")]
    [InlineData("3 furlongs", "'3 furlongs': unit 'furlongs' is not accepted; sizes take B, KiB, MiB, GiB, TiB or pages")]
    public void Size_refuses_with_a_precise_message(string text, string message)
    {
        Assert.False(Units.TryParseSize(text, out _, out string error));
        Assert.Equal(message, error);
    }

    [Theory]
    [InlineData("500ns", 500L)]
    [InlineData("20us", 20_000L)]
    [InlineData("3µs", 3_000L)]
    [InlineData("500ms", 500_000_000L)]
    [InlineData("60s", 60_000_000_000L)]
    [InlineData("2min", 120_000_000_000L)]
    [InlineData("1h", 3_600_000_000_000L)]
    [InlineData("1.5s", 1_500_000_000L)]
    [InlineData("0", 0L)]
    public void Duration_parses(string text, long ns)
    {
        Assert.True(Units.TryParseDuration(text, out long parsed, out string error), error);
        Assert.Equal(ns, parsed);
    }

    [Theory]
    [InlineData("10", "'10' has no unit; write e.g. '10ms' or '10s' (units: ns, us, ms, s, min, h)")]
    [InlineData("5sec", "'5sec': unit 'sec' is not accepted; durations take ns, us, ms, s, min or h; did you mean '5s'?")]
    [InlineData("2m", "'2m': unit 'm' is not accepted; durations take ns, us, ms, s, min or h; did you mean '2min' or '2ms'?")]
    [InlineData("-1s", "'-1s' is negative; a duration is 0 or more")]
    [InlineData("0.5ns", "'0.5ns' is not a whole number of nanoseconds")]
    [InlineData("999999999h", "'999999999h' is too large")]
    public void Duration_refuses(string text, string message)
    {
        Assert.False(Units.TryParseDuration(text, out _, out string error));
        Assert.Equal(message, error);
    }

    [Theory]
    [InlineData("100/s", 100L, 1_000_000_000L)]
    [InlineData("5/ms", 5L, 1_000_000L)]
    [InlineData("3/10ms", 3L, 10_000_000L)]
    [InlineData("1 / min", 1L, 60_000_000_000L)]
    public void Rate_parses(string text, long count, long perNs)
    {
        Assert.True(Units.TryParseRate(text, out RateSpec rate, out string error), error);
        Assert.Equal(new RateSpec(count, perNs), rate);
    }

    [Theory]
    [InlineData("100", "'100' is not a rate; write COUNT/UNIT, e.g. '100/s' or '5/ms'")]
    [InlineData("0/s", "'0/s': a rate must be positive")]
    [InlineData("-5/s", "'-5/s': a rate must be positive")]
    [InlineData("1.5/s", "'1.5/s': the count before '/' must be a whole number ('1.5' is not a whole number; write plain digits (e.g. 2000000 or 2_000_000))")]
    [InlineData("100/sec", "'100/sec': the period after '/' must be a unit or a duration ('1sec': unit 'sec' is not accepted; durations take ns, us, ms, s, min or h; did you mean '1s'?)")]
    [InlineData("100/0s", "'100/0s': the period after '/' must be longer than zero")]
    public void Rate_refuses(string text, string message)
    {
        Assert.False(Units.TryParseRate(text, out _, out string error));
        Assert.Equal(message, error);
    }

    [Theory]
    [InlineData("80%", 8000)]
    [InlineData("12.5%", 1250)]
    [InlineData("0.01%", 1)]
    [InlineData("100 %", 10000)]
    [InlineData("0%", 0)]
    public void Percent_parses(string text, int basisPoints)
    {
        Assert.True(Units.TryParsePercent(text, out Percent p, out string error), error);
        Assert.Equal(basisPoints, p.BasisPoints);
    }

    [Theory]
    [InlineData("80", "'80' is not a percentage; write e.g. '80%'")]
    [InlineData("0.8", "'0.8' is not a percentage; write e.g. '80%'")]
    [InlineData("-5%", "'-5%' is negative; a percentage is 0% or more")]
    [InlineData("1.234%", "'1.234%' has more than two decimals")]
    [InlineData("80 pct", "'80 pct' is not a percentage ('pct' is not a percent sign); write e.g. '80%'")]
    public void Percent_refuses(string text, string message)
    {
        Assert.False(Units.TryParsePercent(text, out _, out string error));
        Assert.Equal(message, error);
    }

    [Theory]
    [InlineData(8000, "80%")]
    [InlineData(1250, "12.5%")]
    [InlineData(1, "0.01%")]
    [InlineData(10000, "100%")]
    public void Percent_formats_canonically(int basisPoints, string text) => Assert.Equal(text, new Percent(basisPoints).ToString());

    [Fact]
    public void Percent_applies_without_overflow()
    {
        Assert.Equal(700, Percent.FromWhole(70).Of(1000));
        Assert.Equal(long.MaxValue / 2, new Percent(5000).Of(long.MaxValue - 1));
    }

    [Theory]
    [InlineData("2000000", 2_000_000L)]
    [InlineData("2_000_000", 2_000_000L)]
    [InlineData("0x100000", 0x100000L)]
    [InlineData("0X10_0000", 0x100000L)]
    [InlineData("-1", -1L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    [InlineData("-9223372036854775808", long.MinValue)]
    public void Integer_parses(string text, long value)
    {
        Assert.True(Units.TryParseInteger(text, out long parsed, out string error), error);
        Assert.Equal(value, parsed);
    }

    [Theory]
    [InlineData("9223372036854775808", "'9223372036854775808' is too large (limit 9223372036854775807)")]
    [InlineData("99999999999999999999", "'99999999999999999999' is too large (limit 18446744073709551615)")]
    [InlineData("1e6", "'1e6' is not a whole number; write plain digits (e.g. 2000000 or 2_000_000)")]
    [InlineData("12ms", "'12ms' is not an integer (decimal or 0x hex expected)")]
    [InlineData("0x", "'0x' is not an integer (decimal or 0x hex expected)")]
    [InlineData("1__0", "'1__0' is not an integer (decimal or 0x hex expected)")]
    [InlineData("_1", "'_1' is not an integer (decimal or 0x hex expected)")]
    public void Integer_refuses(string text, string message)
    {
        Assert.False(Units.TryParseInteger(text, out _, out string error));
        Assert.Equal(message, error);
    }

    [Fact]
    public void UInt64_takes_the_full_range_and_refuses_negatives()
    {
        Assert.True(Units.TryParseUInt64("18446744073709551615", out ulong max, out _));
        Assert.Equal(ulong.MaxValue, max);
        Assert.False(Units.TryParseUInt64("-1", out _, out string error));
        Assert.Equal("'-1' is negative; expected 0 or more", error);
    }

    [Theory]
    [InlineData("const(10ms)", DistributionKind.Const, 10_000_000L, 0L, 0.0)]
    [InlineData("exp(10ms)", DistributionKind.Exp, 10_000_000L, 0L, 0.0)]
    [InlineData("uniform(1ms, 5ms)", DistributionKind.Uniform, 1_000_000L, 5_000_000L, 0.0)]
    [InlineData("lognormal(10ms, 0.5)", DistributionKind.Lognormal, 10_000_000L, 0L, 0.5)]
    [InlineData(" uniform ( 2us ,2us ) ", DistributionKind.Uniform, 2_000L, 2_000L, 0.0)]
    [InlineData("const(0)", DistributionKind.Const, 0L, 0L, 0.0)]
    public void Distribution_parses(string text, DistributionKind kind, long a, long b, double sigma)
    {
        Assert.True(Units.TryParseDistribution(text, out DistributionSpec? d, out string error), error);
        Assert.Equal(new DistributionSpec(kind, a, b, sigma), d);
    }

    [Theory]
    [InlineData("10ms", "'10ms' is not a distribution; write const(D), exp(MEAN), uniform(MIN, MAX) or lognormal(MEDIAN, SIGMA); for a fixed value write 'const(10ms)'")]
    [InlineData("exponential(1s)", "'exponential(1s)': unknown distribution 'exponential'; did you mean 'exp'?")]
    [InlineData("gamma(1s)", "'gamma(1s)': unknown distribution 'gamma'; write const(D), exp(MEAN), uniform(MIN, MAX) or lognormal(MEDIAN, SIGMA)")]
    [InlineData("exp(0)", "'exp(0)': the mean must be longer than zero")]
    [InlineData("uniform(5ms, 1ms)", "'uniform(5ms, 1ms)': the lower bound 5ms is above the upper bound 1ms")]
    [InlineData("uniform(5ms)", "'uniform(5ms)': uniform takes 2 arguments, got 1")]
    [InlineData("lognormal(10ms, 0)", "'lognormal(10ms, 0)': sigma must be a number above 0 and at most 10, got '0'")]
    [InlineData("lognormal(10ms, -1)", "'lognormal(10ms, -1)': sigma must be a number above 0 and at most 10, got '-1'")]
    [InlineData("lognormal(10ms, NaN)", "'lognormal(10ms, NaN)': sigma must be a number above 0 and at most 10, got 'NaN'")]
    [InlineData("const(-1ms)", "'const(-1ms)': '-1ms' is negative; a duration is 0 or more")]
    [InlineData("exp(10)", "'exp(10)': '10' has no unit; write e.g. '10ms' or '10s' (units: ns, us, ms, s, min, h)")]
    public void Distribution_refuses(string text, string message)
    {
        Assert.False(Units.TryParseDistribution(text, out _, out string error));
        Assert.Equal(message, error);
    }

    [Theory]
    [InlineData(0L, "0B")]
    [InlineData(4096L, "4KiB")]
    [InlineData(1536L * 1024, "1536KiB")]
    [InlineData(3L << 30, "3GiB")]
    [InlineData(100L, "100B")]
    [InlineData(1L << 40, "1TiB")]
    public void FormatSize_picks_the_largest_exact_unit(long bytes, string text) => Assert.Equal(text, Units.FormatSize(bytes));

    [Theory]
    [InlineData(0L, "0ns")]
    [InlineData(10_000_000_000L, "10s")]
    [InlineData(1_500_000_000L, "1500ms")]
    [InlineData(120_000_000_000L, "2min")]
    [InlineData(7L, "7ns")]
    public void FormatDuration_picks_the_largest_exact_unit(long ns, string text) => Assert.Equal(text, Units.FormatDuration(ns));

    [Fact]
    public void Formatted_sizes_and_durations_parse_back() =>
        Gen.Long[0, long.MaxValue].Sample(v =>
            Units.TryParseSize(Units.FormatSize(v), out long bytes, out _) && bytes == v
            && Units.TryParseDuration(Units.FormatDuration(v), out long ns, out _) && ns == v);

    [Fact]
    public void Formatted_rates_and_distributions_parse_back()
    {
        RateSpec[] rates = [new(100, Units.NsPerS), new(3, 10 * Units.NsPerMs), new(7, 13)];
        foreach (RateSpec rate in rates)
        {
            Assert.True(Units.TryParseRate(rate.ToString(), out RateSpec back, out string error), error);
            Assert.Equal(rate, back);
        }

        DistributionSpec[] specs =
        [
            new(DistributionKind.Uniform, 1_500_000, 2 * Units.NsPerS, 0),
            new(DistributionKind.Lognormal, 10_000_000, 0, 0.1 + 0.2),
        ];
        foreach (DistributionSpec spec in specs)
        {
            Assert.True(Units.TryParseDistribution(spec.ToString(), out DistributionSpec? back, out string error), error);
            Assert.Equal(spec, back);
        }
    }
}
