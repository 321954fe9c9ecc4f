using BenchmarkDotNet.Running;

namespace MmSim.Bench;

/// <summary>Runs the benchmarks: <c>dotnet run -c Release --project bench/MmSim.Bench -- --filter '*'</c>.</summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
