using BenchmarkDotNet.Running;

namespace MmSim.Bench;

/// <summary>Runs the benchmarks: <c>dotnet run -c Release --project bench/MmSim.Bench -- --filter '*'</c>.</summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    /// <param name="args">BenchmarkDotNet's arguments.</param>
    /// <returns>0, or 2 when the build has the debug-VM checks compiled in.</returns>
    public static int Main(string[] args)
    {
#if DEBUG_VM
        // The VM_BUG_ON-style checks (Debug, or -p:DebugVm=true) cost time on every allocation:
        // numbers from such a build would not describe the shipped allocator.
        _ = args;
        Console.Error.WriteLine("mmsim bench: this build has the debug-VM checks compiled in; benchmark the plain Release build (dotnet run -c Release --project bench/MmSim.Bench)");
        return 2;
#else
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
#endif
    }
}
