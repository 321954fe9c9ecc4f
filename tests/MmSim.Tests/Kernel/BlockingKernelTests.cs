using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Compaction.Impl;
using MmSim.Mm.Filemap;
using MmSim.Mm.Memory;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Vmscan;
using MmSim.Runs.TimeSeries;
using MmSim.Sim;

namespace MmSim.Tests.Kernel;

/// <summary>Tasks that block inside the kernel: folio waits with their releasers, and a slowpath that sleeps.</summary>
public class BlockingKernelTests
{
    private const long Ms = SimTime.NsPerMs;

    internal static LinuxKernel Boot(IReclaim? reclaim = null, long normalPages = 1 << 15) =>
        LinuxKernel.Boot(
            new MachineSpec([new ZoneSpec(ZoneType.Normal, normalPages, 0, 0)], []),
            new KernelParams
            {
                Alloc = new PageAllocOptions(),
                Compact = _ => NoCompaction.Instance,
                Reclaim = _ => reclaim ?? Mm.Vmscan.Impl.NoReclaim.Instance,
            },
            seed: 1);

    [Fact]
    public void A_cycle_through_a_folio_under_writeback_names_both_tasks_and_both_wait_sites()
    {
        LinuxKernel k = Boot();
        var detector = new DeadlockDetector(k.Sim);
        int pfn = k.AllocPages(GfpFlags.HighUserMovable, 0, OwnerKind.File);
        Assert.True(pfn >= 0);
        var mutex = new SimMutex("fc->lock");
        SimTask? b = null;

        // Only B can end the writeback (it stands for the server thread holding the request).
        var request = new WaitQueue("fuse request 1") { ReleaserFunc = () => b };
        k.FolioWait.FolioStartWriteback(pfn, request);
        SimTask a = k.Sim.Spawn("writer", LockThenWaitWriteback(k, mutex, pfn));
        b = k.Sim.Spawn("server", SleepThenLock(mutex));
        k.Sim.Run(10 * Ms);

        DeadlockReport report = Assert.Single(detector.Deadlocks);
        Assert.Equal([a.Pid, b.Pid], report.Pids);
        string text = report.Describe();
        Assert.Contains($"writer:{a.Pid} waits in folio_wait_writeback on folio 0x{pfn:x} writeback (released by server:{b.Pid})", text, StringComparison.Ordinal);
        Assert.Contains($"server:{b.Pid} waits in mutex_lock on mutex fc->lock (released by writer:{a.Pid})", text, StringComparison.Ordinal);
        Assert.Equal(TaskState.Uninterruptible, a.State);
    }

    [Fact]
    public void Ending_writeback_wakes_the_waiter_and_a_lock_waiter_queues_behind_the_holder()
    {
        LinuxKernel k = Boot();
        var detector = new DeadlockDetector(k.Sim);
        int pfn = k.AllocPages(GfpFlags.HighUserMovable, 0, OwnerKind.File);
        k.FolioWait.FolioStartWriteback(pfn, null);
        SimTask holder = k.Sim.Spawn("migrate", LockAndWaitWriteback(k, pfn));
        SimTask locker = k.Sim.Spawn("reader", LockFolio(k, pfn));
        k.Sim.Run(5 * Ms);
        Assert.Equal(("folio_wait_writeback", "__folio_lock"), (holder.WaitSite, locker.WaitSite));
        Assert.Same(holder, locker.WaitingOn!.Releaser);
        Assert.Empty(detector.Deadlocks);

        k.FolioWait.FolioEndWriteback(pfn);
        k.Sim.Run(10 * Ms);
        Assert.Equal((TaskState.Dead, TaskState.Dead), (holder.State, locker.State));
        Assert.False(k.Node.Pages[pfn].Has(PageFlags.Locked | PageFlags.Writeback));
        KernelChecker.Verify(k, "folio waits");
    }

    [Fact]
    public void A_GFP_KERNEL_allocation_that_reclaims_sleeps_in_D_and_tasks_parquet_shows_the_wait_site()
    {
        var reclaim = new ThrottlingReclaim();
        LinuxKernel k = Boot(reclaim);
        FillMemory(k);
        SimTask task = k.Sim.Spawn("allocator", Allocate(k, GfpFlags.Kernel));
        var recorder = new TimeSeriesRecorder(k.Alloc, 20, 10) { Engine = k.Sim };
        k.Sim.Run(1 * Ms);
        recorder.Sample(k.Sim.Now);

        Assert.Equal(TaskState.Uninterruptible, task.State);
        Assert.Equal("reclaim_throttle", task.WaitSite);
        int row = recorder.TaskPids.IndexOf(task.Pid);
        Assert.Equal(("D", "reclaim_throttle"), (recorder.TaskStates[row], recorder.TaskWchans[row]));

        // The throttle ends, reclaim frees a page, and the retried allocation gets it.
        k.Sim.Run(20 * Ms);
        Assert.Equal(TaskState.Dead, task.State);
        Assert.True(reclaim.FreedPfn >= 0 && k.ContextOf(task).AllocResult >= 0, "the retry after progress got a page");
        Assert.Equal(1, k.Slowpath.DirectReclaims);
    }

    [Fact]
    public void A_page_fault_and_a_page_cache_read_sleep_in_direct_reclaim_and_then_complete()
    {
        var reclaim = new ThrottlingReclaim();
        LinuxKernel k = Boot(reclaim);
        var account = new AllocTally();
        AnonVma vma = k.Mmap(account, 1024, new AnonVmaFlags(ThpMode.Never, ThpDefrag.Madvise, false, false), "p");
        CachedFile file = k.PageCache.Open("f", 16);
        FillMemory(k);
        SimTask faulter = k.Sim.Spawn("faulter", Fault(k, vma));
        SimTask reader = k.Sim.Spawn("reader", ReadPage(k, file, account));
        k.Sim.Run(1 * Ms);
        Assert.Equal((TaskState.Uninterruptible, "reclaim_throttle"), (faulter.State, faulter.WaitSite));
        Assert.Equal((TaskState.Uninterruptible, "reclaim_throttle"), (reader.State, reader.WaitSite));

        k.Sim.Run(50 * Ms);
        Assert.Equal((TaskState.Dead, TaskState.Dead), (faulter.State, reader.State));
        Assert.True(vma.IsMapped(0), "the fault completed once reclaim freed a page");
        Assert.True(reclaim.Calls >= 2, $"{reclaim.Calls} direct reclaims");
        KernelChecker.Verify(k, "after sleeping faults");
    }

    [Fact]
    public void A_GFP_ATOMIC_allocation_never_sleeps_and_never_reclaims()
    {
        var reclaim = new ThrottlingReclaim();
        LinuxKernel k = Boot(reclaim);
        FillMemory(k);
        SimTask task = k.Sim.Spawn("irq", Allocate(k, GfpFlags.Atomic));
        k.Sim.Run(20 * Ms);
        Assert.Equal((TaskState.Dead, 0L), (task.State, task.SwitchCount));
        Assert.Equal((0L, 0), (k.Slowpath.DirectReclaims, reclaim.Calls));
    }

    [Fact]
    public void A_task_in_PF_MEMALLOC_does_not_recurse_into_reclaim()
    {
        var reclaim = new ThrottlingReclaim();
        LinuxKernel k = Boot(reclaim);
        FillMemory(k);
        SimTask task = k.Sim.Spawn("kswapd-like", AllocateUnderMemalloc(k));
        k.Sim.Run(20 * Ms);
        Assert.Equal((0, 0L), (reclaim.Calls, task.SwitchCount));
    }

    // Allocates movable order-0 pages outside any task until the allocator refuses.
    internal static void FillMemory(LinuxKernel k)
    {
        int got = 0;
        while (k.AllocPages(GfpFlags.HighUserMovable, 0, OwnerKind.Anon) >= 0)
        {
            got++;
        }

        Assert.True(got > (1 << 15) * 9 / 10, $"only {got} pages allocated");
    }

    private static IEnumerable<Wait> Allocate(LinuxKernel k, GfpFlags gfp)
    {
        yield return Wait.Call(k.AllocPagesWait(gfp, 0));
    }

    private static IEnumerable<Wait> Fault(LinuxKernel k, AnonVma vma)
    {
        yield return Wait.Call(vma.HandleMmFault(0));
        Assert.Equal((int)FaultResult.Base, k.Current.Ret);
    }

    private static IEnumerable<Wait> ReadPage(LinuxKernel k, CachedFile file, AllocTally account)
    {
        yield return Wait.Call(k.PageCache.Read(file, 0, account));
    }

    private static IEnumerable<Wait> AllocateUnderMemalloc(LinuxKernel k)
    {
        TaskContext current = k.Current;
        TaskFlags saved = current.MemallocSave(TaskFlags.Memalloc);
        yield return Wait.Call(k.AllocPagesWait(GfpFlags.Kernel, 0));
        current.MemallocRestore(TaskFlags.Memalloc, saved);
    }

    private static IEnumerable<Wait> LockThenWaitWriteback(LinuxKernel k, SimMutex mutex, int pfn)
    {
        yield return Wait.Lock(mutex);
        yield return Wait.Call(k.FolioWait.FolioWaitWriteback(pfn));
        mutex.Unlock();
    }

    private static IEnumerable<Wait> SleepThenLock(SimMutex mutex)
    {
        yield return Wait.Sleep(Ms);
        yield return Wait.Lock(mutex);
        mutex.Unlock();
    }

    private static IEnumerable<Wait> LockAndWaitWriteback(LinuxKernel k, int pfn)
    {
        yield return Wait.Call(k.FolioWait.FolioLock(pfn));
        yield return Wait.Call(k.FolioWait.FolioWaitWriteback(pfn));
        k.FolioWait.FolioUnlock(pfn);
    }

    private static IEnumerable<Wait> LockFolio(LinuxKernel k, int pfn)
    {
        yield return Wait.Sleep(Ms);
        yield return Wait.Call(k.FolioWait.FolioLock(pfn));
        k.FolioWait.FolioUnlock(pfn);
    }

    /// <summary>Direct reclaim that throttles 5 ms in D (reclaim_throttle), then frees one page it took at the start.</summary>
    private sealed class ThrottlingReclaim : IReclaim
    {
        public int Calls { get; private set; }

        public int FreedPfn { get; private set; } = -1;

        public IEnumerable<Wait> ShrinkNode(PageAllocator alloc, ScanControl sc) => [];

        public IEnumerable<Wait> TryToFreePages(PageAllocator alloc, ScanControl sc)
        {
            Calls++;
            yield return Wait.Sleep(5 * Ms, TaskState.Uninterruptible, "reclaim_throttle");
            FreedPfn = FirstAllocated(alloc);
            alloc.FreePages(FreedPfn, 0);
            sc.NrReclaimed++;
        }

        private static int FirstAllocated(PageAllocator alloc)
        {
            PageFrame[] pages = alloc.Node.Pages;
            for (int pfn = 0; pfn < pages.Length; pfn++)
            {
                // An anonymous page off the LRU (one FillMemory took): freeing an LRU folio is a bad page.
                if (pages[pfn].Has(PageFlags.Allocated) && pages[pfn].OwnerKind == OwnerKind.Anon && !pages[pfn].Has(PageFlags.Lru))
                {
                    return pfn;
                }
            }

            throw new InvalidOperationException("nothing to reclaim");
        }
    }
}
