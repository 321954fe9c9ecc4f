using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Memcontrol;
using MmSim.Mm.OomKill;
using MmSim.Mm.Slowpath;
using MmSim.Mm.Stat;
using MmSim.Sim;
using MmSim.Tests.Slowpath;
using static MmSim.Tests.OomKill.OomFixture;

namespace MmSim.Tests.OomKill;

/// <summary>The OOM killer reached from the allocator and from memcg: who dies, and that the memory comes back.</summary>
public class OomKillTests
{
    [Fact]
    public void A_memcg_oom_kills_only_inside_the_cgroup_and_counts_its_events()
    {
        LinuxKernel k = Boot();
        MemCgroup a = k.Memcg.Create("/a");
        MemCgroup child = k.Memcg.Create("/a/b", a);
        Proc big = Spawn(k, "big", 1, touch: 0);
        Proc inA = Spawn(k, "in_a", 1, memcg: a.Id, touch: 0);
        Proc inChild = Spawn(k, "in_b", 1, memcg: child.Id, touch: 0);
        k.Sim.Run(Ms);
        big.Mm!.AddMmCounter(MmCounter.AnonPages, 5000);
        inA.Mm!.AddMmCounter(MmCounter.AnonPages, 10);
        inChild.Mm!.AddMmCounter(MmCounter.AnonPages, 20);
        a.Memory.Limit = 0;

        Assert.Empty(k.Oom.MemCgroupOutOfMemory(a, GfpFlags.Kernel, 0));
        Assert.Equal(1, k.Current.Ret);

        // The subtree of /a holds in_a and in_b; in_b is the bigger. The root's big process is out of scope.
        Assert.True(inChild.Mm.OomVictim);
        Assert.False(big.Mm.OomVictim || inA.Mm.OomVictim);
        // MEMCG_OOM belongs to mem_cgroup_oom in the charge path (MemcgChargeTests); mem_cgroup_out_of_memory
        // counts only the kill, in the victim's cgroup and up the v2 tree.
        Assert.Equal((0L, 1L), (a.EventsOom, a.EventsOomKill));
        Assert.Equal((0L, 1L), (child.EventsOom, child.EventsOomKill));
        Assert.Equal(0, k.Memcg.Root.EventsOomKill);
        Assert.Equal(1, k.Node.VmEvents[(int)VmEventItem.OomKill]);
        Assert.Contains("Memory cgroup out of memory: Killed process", k.Oom.Log[^1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_memcg_with_room_left_or_nothing_killable_kills_nobody_and_never_panics()
    {
        LinuxKernel k = Boot();
        MemCgroup a = k.Memcg.Create("/a");
        Proc big = Spawn(k, "big", 1, touch: 0);
        k.Sim.Run(Ms);
        big.Mm!.AddMmCounter(MmCounter.AnonPages, 5000);
        a.Memory.Limit = 10;
        Assert.Empty(k.Oom.MemCgroupOutOfMemory(a, GfpFlags.Kernel, 0));
        Assert.Equal((1, 0L), (k.Current.Ret, k.Oom.Kills));

        a.Memory.Limit = 0;
        Assert.Empty(k.Oom.MemCgroupOutOfMemory(a, GfpFlags.Kernel, 0));
        Assert.Equal((0, 0L, 0L), (k.Current.Ret, k.Oom.Kills, k.Oom.NoKillablePanics));
        Assert.Equal((0L, 0L), (a.EventsOom, a.EventsOomKill));
    }

    [Fact]
    public void The_hog_is_killed_by_its_own_fault_and_its_rss_and_page_tables_come_back()
    {
        LinuxKernel k = Boot(pages: 1 << 13);
        Proc small = Spawn(k, "small", 500);
        k.Sim.Run(Ms);
        long freeBefore = 0, expected = 0, freeAfter = 0;
        k.Oom.OnKill = mm =>
        {
            Assert.Equal("hog", mm.Comm);
            KernelChecker.Verify(k, "at the kill");
        };

        // The hog maps more than memory and exits through this body's own exit path, measured around it.
        Proc hog = new();
        hog.Task = k.Sim.Spawn("hog", HogBody());
        k.Sim.Run(1000 * Ms);

        Assert.Equal(1, k.Oom.Kills);
        Assert.True(hog.ExitedKilled);
        Assert.False(small.Mm!.OomVictim);
        Assert.Equal(500, small.Mm.GetMmCounter(MmCounter.AnonPages));
        Assert.True(expected > 7000, $"the hog held {expected} pages");
        Assert.Equal(freeBefore + expected, freeAfter);
        Assert.Equal(TaskState.Dead, hog.Task.State);
        KernelChecker.Verify(k, "after the exit");

        IEnumerable<Wait> HogBody()
        {
            TaskContext current = k.Current;
            hog.Mm = k.Oom.CreateProcess(hog.Task, "hog");
            hog.Vma = k.Mmap(new MmSim.Workloads.WorkloadStats(), 1 << 14, new Mm.Memory.AnonVmaFlags(Mm.Memory.ThpMode.Never, Mm.Memory.ThpDefrag.Madvise, false, false), "hog");
            for (long i = 0; i < hog.Vma.NrPages && !current.FatalSignalPending; i++)
            {
                if (hog.Vma.TryHandleMmFault(i, out bool failed) == Mm.Memory.FaultResult.NeedsSleepablePath)
                {
                    yield return Wait.Call(hog.Vma.HandleMmFault(i, failed));
                }
            }

            Assert.True(current.FatalSignalPending);
            k.Alloc.DrainAllPages();
            freeBefore = k.Node.GlobalZonePageState(ZoneStatItem.NrFreePages);
            expected = hog.Mm.GetMmRss() + (hog.Mm.PgtablesBytes / MmConstants.PageSize);
            k.Oom.ExitProcess(hog.Mm);
            k.Alloc.DrainAllPages();
            freeAfter = k.Node.GlobalZonePageState(ZoneStatItem.NrFreePages);
            hog.ExitedKilled = true;
        }
    }

    [Fact]
    public void A_gfp_kernel_allocation_with_nothing_reclaimable_kills_a_process_and_then_succeeds()
    {
        // The victim is bigger than the per-cpu lists' high mark (managed/8), so its exit refills the free lists.
        LinuxKernel k = Boot(pages: 1 << 14);
        Proc victim = Spawn(k, "victim", 4000);
        k.Sim.Run(Ms);
        Assert.Equal(4000, victim.Faulted);
        FillKernel(k);

        int pfn = SlowpathHarness.Allocate(k, GfpFlags.Kernel, 0, runNs: 100 * Ms);

        Assert.True(pfn >= 0, "the allocation is served once the victim exited");
        Assert.True(victim.ExitedKilled);
        Assert.Equal(1, k.Oom.Kills);
        Assert.True(k.Slowpath.WouldOom >= 1);
        Assert.Equal(0, k.Oom.NoKillablePanics);
        Assert.Equal(1, k.Node.VmEvents[(int)VmEventItem.OomKill]);
        KernelChecker.Verify(k, "after the OOM");
    }

    // Unmovable kernel pages outside any task until the allocator refuses, per-cpu lists drained.
    private static void FillKernel(LinuxKernel k)
    {
        int before, count = 0;
        do
        {
            before = count;
            while (k.AllocPages(GfpFlags.Kernel, 0) >= 0)
            {
                count++;
            }

            k.Alloc.DrainAllPages();
        }
        while (count != before);
    }

    [Fact]
    public void An_io_less_allocation_retries_for_ever_while_nobody_is_killed()
    {
        LinuxKernel k = Boot(pages: 1 << 14);
        Proc victim = Spawn(k, "victim", 500);
        k.Sim.Run(Ms);
        FillKernel(k);
        SimTask task = k.Sim.Spawn("nofs", Body());
        k.Sim.Run(k.Sim.Now + (100 * Ms));

        // The OOM killer does not compensate for IO-less reclaim: progress without a kill, a jiffy's sleep, again.
        Assert.Equal(TaskState.Uninterruptible, task.State);
        Assert.Equal(AllocSlowpath.OomWaitSite, task.WaitSite);
        Assert.Equal(0, k.Oom.Kills);
        Assert.False(victim.Mm!.OomVictim);
        Assert.True(k.Slowpath.WouldOom > 50);

        IEnumerable<Wait> Body()
        {
            yield return Wait.Call(k.AllocPagesWait(GfpFlags.NoFs, 0));
        }
    }
}
