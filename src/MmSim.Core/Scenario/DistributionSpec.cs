using System.Globalization;

namespace MmSim.Scenario;

/// <summary>Shape of a random delay or lifetime.</summary>
public enum DistributionKind
{
    /// <summary><c>const(A)</c>: always A.</summary>
    Const,

    /// <summary><c>exp(A)</c>: exponential with mean A.</summary>
    Exp,

    /// <summary><c>uniform(A, B)</c>: uniform on [A, B].</summary>
    Uniform,

    /// <summary><c>lognormal(A, sigma)</c>: log-normal with median A and shape sigma.</summary>
    Lognormal,
}

/// <summary>
/// A distribution of durations as written in a scenario (<c>const(10ms)</c>, <c>exp(10ms)</c>,
/// <c>uniform(1ms, 5ms)</c>, <c>lognormal(10ms, 0.5)</c>); sampling is the engine's job.
/// </summary>
/// <param name="Kind">The shape.</param>
/// <param name="ANs">Const value, exp mean, uniform lower bound or lognormal median, in ns.</param>
/// <param name="BNs">Uniform upper bound in ns; 0 for the other kinds.</param>
/// <param name="Sigma">Lognormal shape (standard deviation of the log); 0 for the other kinds.</param>
public sealed record DistributionSpec(DistributionKind Kind, long ANs, long BNs, double Sigma)
{
    /// <summary>The canonical text, which <see cref="Units.TryParseDistribution"/> reads back to an equal value.</summary>
    /// <returns>The text, e.g. <c>uniform(1ms, 5ms)</c>.</returns>
    public override string ToString() => Kind switch
    {
        DistributionKind.Const => $"const({Units.FormatDuration(ANs)})",
        DistributionKind.Exp => $"exp({Units.FormatDuration(ANs)})",
        DistributionKind.Uniform => $"uniform({Units.FormatDuration(ANs)}, {Units.FormatDuration(BNs)})",
        _ => $"lognormal({Units.FormatDuration(ANs)}, {Sigma.ToString("R", CultureInfo.InvariantCulture)})",
    };
}
