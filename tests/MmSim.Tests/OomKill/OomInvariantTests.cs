using System.Globalization;
using MmSim.Mm;
using MmSim.Mm.OomKill;
using MmSim.Sim;
using MmSim.Tests.Support;
using MmSim.Tests.Workloads;
using MmSim.Workloads;
using MmSim.Workloads.Timed;

namespace MmSim.Tests.OomKill;

/// <summary>
/// Random anon processes that overcommit a small machine: every kill takes the live process with the highest
/// badness (never one at -1000), killed processes exit and free their memory, and the kernel checker (with
/// the OOM killer's own check) holds every 5 ms, over 100 seeds.
/// </summary>
public class OomInvariantTests
{
    private static readonly int[] Adjs = [0, 0, 0, 300, -300, MmStruct.OomScoreAdjMin];

    public static TheoryData<int> Seeds() => SeedRange.UpTo(100);

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Kills_take_the_worst_process_and_leave_every_invariant_intact(int seed)
    {
        var prng = new Prng((ulong)seed);
        var yaml = new System.Text.StringBuilder(TimedHarness.NormalMachine("64MiB") + "workloads:\n");
        int n = 2 + (int)prng.NextBelow(3);
        for (int i = 0; i < n; i++)
        {
            long mib = 8 + (long)prng.NextBelow(56);
            int adj = Adjs[prng.NextBelow((ulong)Adjs.Length)];
            long startMs = (long)prng.NextBelow(200);
            string thp = prng.NextBelow(2) == 0 ? "never" : "always";
            yaml.Append(CultureInfo.InvariantCulture, $"  - type: anon\n    size: {mib}MiB\n    oom_score_adj: {adj}\n    start: {startMs}ms\n    thp: {thp}\n    fill_time: 200ms\n");
        }

        TimedHarness h = TimedHarness.Start(yaml.ToString(), (ulong)seed);
        h.Kernel.Oom.OnKill = victim =>
        {
            Assert.NotEqual(MmStruct.OomScoreAdjMin, victim.OomScoreAdj);
            long total = h.Kernel.Node.ManagedPages;
            long worst = OomKiller.OomBadness(victim, total);
            bool after = false;
            foreach (MmStruct mm in h.Kernel.Oom.Processes)
            {
                long points = OomKiller.OomBadness(mm, total);
                Assert.True(points <= worst || (points == worst && !after), $"seed {seed}: {mm} has {points} > victim {victim} {worst}");
                after |= mm == victim;
            }

            // (No checker here: the kill runs inside a fault, between its THP's allocation and its mapping.)
        };

        for (long t = 5; t <= 600; t += 5)
        {
            h.RunUntil(t * OomFixture.Ms);
            h.Verify($"seed {seed} at {t} ms");
        }

        long killed = 0;
        foreach (ITimedWorkload w in h.Workloads)
        {
            killed += w.Stats.Metric(AnonFill.OomKilledMetric);
        }

        Assert.Equal(h.Kernel.Oom.Kills, killed);
        Assert.All(h.Kernel.Oom.Processes, mm => Assert.False(mm.OomVictim && mm.Exited));
    }
}
