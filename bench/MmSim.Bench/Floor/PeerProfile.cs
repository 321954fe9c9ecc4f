using System.Globalization;
using System.Runtime.InteropServices;

namespace MmSim.Bench.Floor;

/// <summary>
/// The peer workload as a plain loop (<c>--profile-peer [GiB,GiB…] [rounds] [only]</c>): the three
/// allocators of <see cref="PeerWorkloadBenchmarks"/> take turns, round after round, so a busy shared
/// machine slows all three alike and the per-round ratio stays meaningful; the median of those ratios is
/// printed. Then one watched invocation per model says how often the per-cpu lists served a call alone.
/// With <c>only</c> = bare, pcpon or pcpoff, just that allocator runs (for perf record: PERF_CTL_FIFO
/// enables sampling around the timed loop only). Times are the thread's CPU time
/// (CLOCK_THREAD_CPUTIME_ID), so time the scheduler gives to other processes on a shared machine is
/// not counted; their cache pollution still is.
/// </summary>
internal static partial class PeerProfile
{
    private const int InvocationsPerRound = 4;

    public static int Run(string[] args)
    {
        int[] sizes = args.Length > 1 ? Array.ConvertAll(args[1].Split(','), s => int.Parse(s, CultureInfo.InvariantCulture)) : [1, 16, 64];
        int rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 15;
        string? only = args.Length > 3 ? args[3] : null;
        string? ctl = Environment.GetEnvironmentVariable("PERF_CTL_FIFO");
        foreach (int gib in sizes)
        {
            var names = new List<string>();
            var runs = new List<Func<int>>();
            if (only is null or "bare")
            {
                var bare = new PeerWorkloadBenchmarks { GiB = gib };
                bare.SetupBare();
                names.Add("bare");
                runs.Add(bare.BareBuddyFloor);
            }

            PeerWorkloadBenchmarks? on = null, off = null;
            if (only is null or "pcpon")
            {
                on = new PeerWorkloadBenchmarks { GiB = gib };
                on.SetupModelPcp();
                names.Add("pcp on");
                runs.Add(on.ModelPcpOn);
            }

            if (only is null or "pcpoff")
            {
                off = new PeerWorkloadBenchmarks { GiB = gib };
                off.SetupModelNoPcp();
                names.Add("pcp off");
                runs.Add(off.ModelPcpOff);
            }

            // Warm up: reach the steady state of the churn and let the JIT settle.
            for (int w = 0; w < 40; w++)
            {
                foreach (Func<int> run in runs)
                {
                    run();
                }
            }

            var ns = new double[runs.Count][];
            for (int i = 0; i < runs.Count; i++)
            {
                ns[i] = new double[rounds];
            }

            if (ctl != null)
            {
                File.WriteAllText(ctl, "enable\n");
            }

            for (int r = 0; r < rounds; r++)
            {
                for (int i = 0; i < runs.Count; i++)
                {
                    long t0 = ThreadCpuNs();
                    for (int k = 0; k < InvocationsPerRound; k++)
                    {
                        runs[i]();
                    }

                    double elapsedNs = ThreadCpuNs() - t0;
                    ns[i][r] = elapsedNs / (InvocationsPerRound * (double)PeerWorkloadBenchmarks.Pairs);
                }
            }

            if (ctl != null)
            {
                File.WriteAllText(ctl, "disable\n");
            }

            for (int i = 0; i < runs.Count; i++)
            {
                string ratio = names[0] == "bare" && i > 0 ? $"  ratio median {Median(RatioPerRound(ns[i], ns[0])):F2}" : string.Empty;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"// {gib,3} GiB {names[i],-8} ns/pair min {ns[i].Min(),7:F1} median {Median(ns[i]),7:F1}{ratio}"));
            }

            PrintHits(gib, "pcp on", on);
            PrintHits(gib, "pcp off", off);
        }

        return 0;
    }

    private static void PrintHits(int gib, string name, PeerWorkloadBenchmarks? b)
    {
        if (b == null)
        {
            return;
        }

        PeerWorkloadBenchmarks.PcpHits h = b.MeasurePcpHits();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"// {gib,3} GiB {name,-8} buddy untouched: order-0 frees {h.PcpFrees[0]}/{h.Frees[0]}, allocs {h.PcpAllocs[0]}/{h.Allocs[0]}; order-9 frees {h.PcpFrees[9]}/{h.Frees[9]}, allocs {h.PcpAllocs[9]}/{h.Allocs[9]}"));
    }

    private static long ThreadCpuNs()
    {
        const int ClockThreadCputimeId = 3;
        if (ClockGettime(ClockThreadCputimeId, out Timespec ts) != 0)
        {
            throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
        }

        return (ts.Seconds * 1_000_000_000L) + ts.Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int ClockGettime(int clockId, out Timespec ts);

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    private static double[] RatioPerRound(double[] model, double[] bare)
    {
        var r = new double[model.Length];
        for (int i = 0; i < r.Length; i++)
        {
            r[i] = model[i] / bare[i];
        }

        return r;
    }

    private static double Median(double[] values)
    {
        double[] sorted = (double[])values.Clone();
        Array.Sort(sorted);
        return sorted[sorted.Length / 2];
    }
}
