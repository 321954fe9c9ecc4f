using System.Globalization;

namespace MmSim.Scenario;

/// <summary>Reads <c>kind(arg, …)</c> distribution text into a <see cref="DistributionSpec"/> (see <see cref="Units.TryParseDistribution"/>).</summary>
internal static class DistributionParser
{
    // A lognormal with a larger sigma has a mean e^(sigma^2/2) times its median: beyond 10 that is
    // no longer a delay anyone means, and sampling would overflow.
    private const double SigmaMax = 10.0;

    private const string Forms = "const(D), exp(MEAN), uniform(MIN, MAX) or lognormal(MEDIAN, SIGMA)";

    public static bool TryParse(string t, out DistributionSpec? spec, out string error)
    {
        spec = null;
        int open = t.IndexOf('(', StringComparison.Ordinal);
        if (open < 0 || !t.EndsWith(')'))
        {
            string hint = Units.TryParseDuration(t, out _, out _) ? $"; for a fixed value write 'const({t})'" : string.Empty;
            return Units.Fail($"'{t}' is not a distribution; write {Forms}{hint}", out error);
        }

        string name = t[..open].Trim();
        string[] args = t[(open + 1)..^1].Split(',', StringSplitOptions.TrimEntries);
        DistributionKind? kind = KindOf(name);
        if (kind is null)
        {
            string hint = KindHint(name);
            return Units.Fail($"'{t}': unknown distribution '{name}'; {(hint.Length > 0 ? hint : "write " + Forms)}", out error);
        }

        int arity = kind is DistributionKind.Const or DistributionKind.Exp ? 1 : 2;
        if (args.Length != arity)
        {
            return Units.Fail($"'{t}': {name} takes {arity} argument{(arity == 1 ? string.Empty : "s")}, got {args.Length}", out error);
        }

        return kind switch
        {
            DistributionKind.Const => TryOne(t, kind.Value, args[0], minNs: 0, out spec, out error),
            DistributionKind.Exp => TryOne(t, kind.Value, args[0], minNs: 1, out spec, out error),
            DistributionKind.Uniform => TryUniform(t, args, out spec, out error),
            _ => TryLognormal(t, args, out spec, out error),
        };
    }

    private static DistributionKind? KindOf(string name) => name switch
    {
        "const" => DistributionKind.Const,
        "exp" => DistributionKind.Exp,
        "uniform" => DistributionKind.Uniform,
        "lognormal" => DistributionKind.Lognormal,
        _ => null,
    };

    private static string KindHint(string name) => name.ToLowerInvariant() switch
    {
        "constant" or "fixed" or "const" => "did you mean 'const'?",
        "exponential" or "expo" or "exp" => "did you mean 'exp'?",
        "uni" or "unif" or "uniform" => "did you mean 'uniform'?",
        "lognorm" or "log-normal" or "log_normal" or "lognormal" => "did you mean 'lognormal'?",
        _ => string.Empty,
    };

    private static bool TryOne(string t, DistributionKind kind, string arg, long minNs, out DistributionSpec? spec, out string error)
    {
        spec = null;
        if (!TryDuration(t, arg, out long ns, out error))
        {
            return false;
        }

        if (ns < minNs)
        {
            return Units.Fail($"'{t}': the mean must be longer than zero", out error);
        }

        spec = new DistributionSpec(kind, ns, 0, 0);
        return true;
    }

    private static bool TryUniform(string t, string[] args, out DistributionSpec? spec, out string error)
    {
        spec = null;
        if (!TryDuration(t, args[0], out long minNs, out error) || !TryDuration(t, args[1], out long maxNs, out error))
        {
            return false;
        }

        if (minNs > maxNs)
        {
            return Units.Fail($"'{t}': the lower bound {args[0]} is above the upper bound {args[1]}", out error);
        }

        spec = new DistributionSpec(DistributionKind.Uniform, minNs, maxNs, 0);
        return true;
    }

    private static bool TryLognormal(string t, string[] args, out DistributionSpec? spec, out string error)
    {
        spec = null;
        if (!TryDuration(t, args[0], out long medianNs, out error))
        {
            return false;
        }

        if (medianNs <= 0)
        {
            return Units.Fail($"'{t}': the median must be longer than zero", out error);
        }

        bool number = double.TryParse(args[1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double sigma);
        if (!number || !(sigma > 0) || sigma > SigmaMax)
        {
            return Units.Fail($"'{t}': sigma must be a number above 0 and at most {SigmaMax.ToString(CultureInfo.InvariantCulture)}, got '{args[1]}'", out error);
        }

        spec = new DistributionSpec(DistributionKind.Lognormal, medianNs, 0, sigma);
        return true;
    }

    private static bool TryDuration(string t, string arg, out long ns, out string error)
    {
        if (Units.TryParseDuration(arg, out ns, out error))
        {
            return true;
        }

        return Units.Fail($"'{t}': {error}", out error);
    }
}
