using BenchmarkDotNet.Attributes;
using MmSim.Sim;

namespace MmSim.Bench.Sim;

/// <summary>
/// The deterministic logarithm behind every exponential and log-normal sample: the series as a loop that
/// divides per term (before) against the written-out series with constant reciprocals (now). Both give the
/// same bits (DistributionTests.SimMathLogIsBitIdenticalToTheSeriesLoop).
/// </summary>
/// <remarks>Run with <c>dotnet run -c Release --project bench/MmSim.Bench -- --filter '*SimMath*' --job short</c>.</remarks>
public class SimMathBenchmarks
{
    private const int Calls = 4096;
    private readonly double[] args = new double[Calls];

    /// <summary>Uniform arguments in (0, 1), as the exponential sampler passes.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var prng = new Prng(3);
        for (int i = 0; i < Calls; i++)
        {
            args[i] = 1.0 - prng.NextDouble();
        }
    }

    /// <summary>The loop SimMath.Log used before (one division per term).</summary>
    /// <returns>The sum of the logarithms (keeps the work observable).</returns>
    [Benchmark(Baseline = true, OperationsPerInvoke = Calls)]
    public double LogByLoop()
    {
        double sum = 0;
        foreach (double x in args)
        {
            sum += LoopLog(x);
        }

        return sum;
    }

    /// <summary>SimMath.Log as shipped.</summary>
    /// <returns>The sum of the logarithms.</returns>
    [Benchmark(OperationsPerInvoke = Calls)]
    public double Log()
    {
        double sum = 0;
        foreach (double x in args)
        {
            sum += SimMath.Log(x);
        }

        return sum;
    }

    private static double LoopLog(double x)
    {
        long bits = BitConverter.DoubleToInt64Bits(x);
        int exponent = (int)((bits >> 52) & 0x7FF) - 1023;
        double m = BitConverter.Int64BitsToDouble((bits & 0x000F_FFFF_FFFF_FFFF) | 0x3FF0_0000_0000_0000);
        if (m > 1.4142135623730950488)
        {
            m *= 0.5;
            exponent++;
        }

        double s = (m - 1.0) / (m + 1.0);
        double s2 = s * s;
        double sum = 0.0;
        for (int k = 11; k >= 0; k--)
        {
            sum = sum * s2 + 1.0 / (2 * k + 1);
        }

        return exponent * 6.93147180369123816490e-01 + (exponent * 1.90821492927058770002e-10 + 2.0 * s * sum);
    }
}
