namespace MmSim.Runs;

/// <summary>Summary statistics over seeds.</summary>
public static class Stats
{
    // Two-sided 95 % Student-t quantiles for 1..30 degrees of freedom.
    private static readonly double[] T95 =
    [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
        2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
    ];

    /// <summary>Mean and the half-width of the 95 % confidence interval (Student t; 0 for one value).</summary>
    /// <param name="values">One value per seed.</param>
    /// <returns>(mean, half-width).</returns>
    public static (double Mean, double HalfWidth) MeanAndInterval95(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        int n = values.Count;
        if (n == 0)
        {
            return (0, 0);
        }

        double mean = 0;
        foreach (double v in values)
        {
            mean += v;
        }

        mean /= n;
        if (n == 1)
        {
            return (mean, 0);
        }

        double ss = 0;
        foreach (double v in values)
        {
            ss += (v - mean) * (v - mean);
        }

        double sd = Math.Sqrt(ss / (n - 1));
        double t = n - 1 <= T95.Length ? T95[n - 2] : 1.960;
        return (mean, t * sd / Math.Sqrt(n));
    }
}
