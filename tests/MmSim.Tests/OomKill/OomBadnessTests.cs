using System.Text.RegularExpressions;
using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.OomKill;
using MmSim.Mm.Stat;
using static MmSim.Tests.OomKill.OomFixture;

namespace MmSim.Tests.OomKill;

/// <summary>mm/oom_kill.c: oom_badness and select_bad_process on constructed processes.</summary>
public class OomBadnessTests
{
    [Fact]
    public void Badness_is_rss_plus_swap_entries_plus_page_table_pages_plus_the_adj_share()
    {
        var mm = new MmStruct(100, "p");
        mm.Tasks.Add(null!);
        mm.AddMmCounter(MmCounter.AnonPages, 1000);
        mm.AddMmCounter(MmCounter.FilePages, 200);
        mm.AddMmCounter(MmCounter.ShmemPages, 50);
        mm.AddMmCounter(MmCounter.SwapEnts, 30);
        mm.AddPgtables(3);
        Assert.Equal(1283, OomKiller.OomBadness(mm, 100_000));

        // adj *= totalpages / OOM_SCORE_ADJ_MAX: 500 * (100000 / 1000).
        mm.OomScoreAdj = 500;
        Assert.Equal(1283 + 50_000, OomKiller.OomBadness(mm, 100_000));

        // The division comes first: with fewer than 1000 pages the adj counts for nothing.
        mm.OomScoreAdj = 1000;
        Assert.Equal(1283, OomKiller.OomBadness(mm, 999));

        mm.OomScoreAdj = -999;
        Assert.Equal(1283 - (999 * 100), OomKiller.OomBadness(mm, 100_000));

        mm.OomScoreAdj = MmStruct.OomScoreAdjMin;
        Assert.Equal(long.MinValue, OomKiller.OomBadness(mm, 100_000));
    }

    [Fact]
    public void The_highest_badness_is_killed_never_an_oom_score_adj_of_minus_1000()
    {
        LinuxKernel k = Boot();
        Proc a = Spawn(k, "a", 1, touch: 0);
        Proc b = Spawn(k, "b", 1, touch: 0);
        Proc c = Spawn(k, "c", 1, adj: MmStruct.OomScoreAdjMin, touch: 0);
        k.Sim.Run(Ms);
        a.Mm!.AddMmCounter(MmCounter.AnonPages, 1000);
        b.Mm!.AddMmCounter(MmCounter.AnonPages, 900);
        b.Mm.AddPgtables(99);
        c.Mm!.AddMmCounter(MmCounter.AnonPages, 5000);

        var oc = new OomControl(GfpFlags.Kernel, 0);
        Assert.True(k.Oom.OutOfMemory(oc));

        // b: 900 + 99 page-table pages < a's 1000; c is the biggest but protected.
        Assert.Same(a.Mm, oc.Chosen);
        Assert.Equal(1000, oc.ChosenPoints);
        Assert.Equal(k.Node.ManagedPages, oc.TotalPages);
        Assert.True(k.ContextOf(a.Task).FatalSignalPending);
        Assert.False(k.ContextOf(b.Task).FatalSignalPending || k.ContextOf(c.Task).FatalSignalPending);
        Assert.True(a.Mm.OomVictim);
        Assert.Equal(1, k.Node.VmEvents[(int)VmEventItem.OomKill]);
        Assert.Equal(1, k.Memcg.Root.EventsOomKill);
        Assert.Matches(
            new Regex(@"^Out of memory: Killed process \d+ \(a\) total-vm:4kB, anon-rss:4000kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:0kB oom_score_adj:0$"),
            k.Oom.Log[^1].Text);

        // The victim wakes from its interruptible sleep, exits and leaves the task list.
        k.Sim.Run(2 * Ms);
        Assert.True(a.ExitedKilled);
        Assert.DoesNotContain(a.Mm, k.Oom.Processes);

        // The survivors' counters were made up: take them back before the checker compares them with memory.
        b.Mm.AddMmCounter(MmCounter.AnonPages, -900);
        b.Mm.AddPgtables(-99);
        c.Mm.AddMmCounter(MmCounter.AnonPages, -5000);
        KernelChecker.Verify(k, "after the exit");
    }

    [Fact]
    public void A_positive_adj_outweighs_rss_and_ties_go_to_the_later_process()
    {
        LinuxKernel k = Boot();
        Proc a = Spawn(k, "a", 1, touch: 0);
        Proc b = Spawn(k, "b", 1, touch: 0);
        Proc c = Spawn(k, "c", 1, touch: 0);
        k.Sim.Run(Ms);
        long share = k.Node.ManagedPages / 1000;
        a.Mm!.AddMmCounter(MmCounter.AnonPages, 3 * share);
        b.Mm!.AddMmCounter(MmCounter.AnonPages, share);
        b.Mm.OomScoreAdj = 2;
        c.Mm!.AddMmCounter(MmCounter.AnonPages, 3 * share);

        // a = b = c = 3 shares: for_each_process keeps the last of equals (points < chosen_points skips).
        var oc = new OomControl(GfpFlags.Kernel, 0);
        k.Oom.OutOfMemory(oc);
        Assert.Same(c.Mm, oc.Chosen);

        b.Mm.OomScoreAdj = 3;
        k.Sim.Run(2 * Ms);
        var second = new OomControl(GfpFlags.Kernel, 0);
        k.Oom.OutOfMemory(second);
        Assert.Same(b.Mm, second.Chosen);
    }

    [Fact]
    public void A_second_oom_waits_for_the_exiting_victim_and_kills_no_one()
    {
        LinuxKernel k = Boot();
        Proc a = Spawn(k, "a", 1, touch: 0);
        Proc b = Spawn(k, "b", 1, touch: 0);
        k.Sim.Run(Ms);
        a.Mm!.AddMmCounter(MmCounter.AnonPages, 100);
        b.Mm!.AddMmCounter(MmCounter.AnonPages, 50);
        k.Oom.OutOfMemory(new OomControl(GfpFlags.Kernel, 0));

        // a has not run yet: it still exits, so the scan aborts (oc->chosen == -1) and reports progress.
        var again = new OomControl(GfpFlags.Kernel, 0);
        Assert.True(k.Oom.OutOfMemory(again));
        Assert.True(again.Aborted);
        Assert.False(again.Killed);
        Assert.Equal((1L, 1L), (k.Oom.Kills, k.Oom.WaitsForVictim));
        Assert.False(k.ContextOf(b.Task).FatalSignalPending);

        // Once a exited, the next OOM picks b.
        k.Sim.Run(2 * Ms);
        var third = new OomControl(GfpFlags.Kernel, 0);
        Assert.True(k.Oom.OutOfMemory(third));
        Assert.Same(b.Mm, third.Chosen);
        Assert.Equal(2, k.Oom.Kills);
    }

    [Fact]
    public void A_victim_that_never_exits_is_skipped_once_the_reaper_gave_up()
    {
        LinuxKernel k = Boot();
        Proc a = Spawn(k, "a", 1, touch: 0, stuckNs: 10 * OomKiller.OomReaperDelayNs);
        Proc b = Spawn(k, "b", 1, touch: 0);
        k.Sim.Run(Ms);
        a.Mm!.AddMmCounter(MmCounter.AnonPages, 100);
        b.Mm!.AddMmCounter(MmCounter.AnonPages, 50);
        k.Oom.OutOfMemory(new OomControl(GfpFlags.Kernel, 0));

        // a sleeps in D and cannot exit: until OOM_REAPER_DELAY the killer waits for it, then it is skipped.
        k.Sim.Run(Ms + OomKiller.OomReaperDelayNs - 1);
        Assert.True(k.Oom.OutOfMemory(new OomControl(GfpFlags.Kernel, 0)));
        Assert.Equal(1, k.Oom.Kills);
        k.Sim.Run(Ms + OomKiller.OomReaperDelayNs);
        Assert.True(a.Mm.OomSkip);
        Assert.False(a.ExitedKilled);
        var next = new OomControl(GfpFlags.Kernel, 0);
        k.Oom.OutOfMemory(next);
        Assert.Same(b.Mm, next.Chosen);
    }

    [Fact]
    public void No_killable_process_is_the_kernel_panic_and_no_progress()
    {
        LinuxKernel k = Boot();
        Proc a = Spawn(k, "a", 1, adj: MmStruct.OomScoreAdjMin, touch: 0);
        k.Sim.Run(Ms);
        a.Mm!.AddMmCounter(MmCounter.AnonPages, 100);
        Assert.False(k.Oom.OutOfMemory(new OomControl(GfpFlags.Kernel, 0)));
        Assert.Equal(1, k.Oom.NoKillablePanics);
        Assert.Equal("Kernel panic - not syncing: System is deadlocked on memory", k.Oom.Log[^1].Text);
    }

    [Fact]
    public void An_io_less_request_makes_progress_without_a_kill()
    {
        LinuxKernel k = Boot();
        Proc a = Spawn(k, "a", 1, touch: 0);
        k.Sim.Run(Ms);
        a.Mm!.AddMmCounter(MmCounter.AnonPages, 100);
        var oc = new OomControl(GfpFlags.NoFs, 0);
        Assert.True(k.Oom.OutOfMemory(oc));
        Assert.Equal((0L, false), (k.Oom.Kills, oc.Killed));
    }
}
