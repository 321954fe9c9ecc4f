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
        if (args.Length > 0 && args[0] == "--profile-peer")
        {
            return Floor.PeerProfile.Run(args);
        }

        if (args.Length > 0 && args[0] == "--profile-compact")
        {
            // A plain loop for perf/dotnet-trace: BenchmarkDotNet's child processes hide the hot path.
            int n = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3;
            for (int i = 0; i < n; i++)
            {
                var b = new Compaction.CompactMemoryBenchmarks { GiB = 32 };
                b.Setup();
                // perf record --control fifo:PATH -D -1: sample only the timed part.
                string? ctl = Environment.GetEnvironmentVariable("PERF_CTL_FIFO");
                if (ctl != null)
                {
                    File.WriteAllText(ctl, "enable\n");
                }

                long allocated = GC.GetTotalAllocatedBytes(precise: true);
                int gcs = GC.CollectionCount(0);
                var sw = System.Diagnostics.Stopwatch.StartNew();
                b.CompactMemory();
                sw.Stop();
                if (ctl != null)
                {
                    File.WriteAllText(ctl, "disable\n");
                }

                Console.WriteLine($"// wall {sw.Elapsed.TotalMilliseconds:F0} ms, allocated {(GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1024} KiB, gen0 GCs {GC.CollectionCount(0) - gcs}");
            }

            return 0;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
#endif
    }
}
