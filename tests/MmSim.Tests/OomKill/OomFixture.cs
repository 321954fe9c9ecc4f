using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Memory;
using MmSim.Sim;
using MmSim.Workloads;

namespace MmSim.Tests.OomKill;

/// <summary>Processes for OOM tests: a task that becomes a process, faults in its memory, sleeps, and exits when killed.</summary>
internal static class OomFixture
{
    public const long Ms = 1_000_000;

    /// <summary>A kernel with one Normal zone of <paramref name="pages"/> pages, no compaction and no reclaim.</summary>
    public static LinuxKernel Boot(long pages = 1 << 14) => Tests.Kernel.BlockingKernelTests.Boot(normalPages: pages);

    /// <summary>One simulated process.</summary>
    public sealed class Proc
    {
        public SimTask Task { get; set; } = null!;

        public MmStruct? Mm { get; set; }

        public AnonVma? Vma { get; set; }

        /// <summary>Pages faulted in before the process went to sleep.</summary>
        public long Faulted { get; set; }

        /// <summary>The process exited because it was killed.</summary>
        public bool ExitedKilled { get; set; }
    }

    /// <summary>
    /// Spawns a process that maps <paramref name="pages"/> pages, writes them all (base pages), then sleeps
    /// interruptibly until killed, and exits (freeing its memory) when SIGKILL is pending.
    /// </summary>
    /// <param name="stuckNs">When positive, the process then sleeps uninterruptibly this long before it looks at signals.</param>
    public static Proc Spawn(LinuxKernel k, string comm, long pages, int adj = 0, ushort memcg = 0, long touch = -1, long stuckNs = 0)
    {
        var p = new Proc();
        p.Task = k.Sim.Spawn(comm, Body());
        return p;

        IEnumerable<Wait> Body()
        {
            TaskContext current = k.Current;
            current.MemcgId = memcg;
            p.Mm = k.Oom.CreateProcess(p.Task, comm, adj);
            p.Vma = k.Mmap(new WorkloadStats(), pages, new AnonVmaFlags(ThpMode.Never, ThpDefrag.Madvise, Locked: false, LongtermPin: false), comm);
            long end = touch < 0 ? pages : touch;
            for (long i = 0; i < end && !current.FatalSignalPending; i++)
            {
                if (p.Vma.TryHandleMmFault(i, out bool failed) == FaultResult.NeedsSleepablePath)
                {
                    yield return Wait.Call(p.Vma.HandleMmFault(i, failed));
                }

                if (p.Vma.IsMapped(i))
                {
                    p.Faulted++;
                }
            }

            if (stuckNs > 0)
            {
                yield return Wait.Sleep(stuckNs, TaskState.Uninterruptible, "stuck");
            }

            while (!current.FatalSignalPending)
            {
                yield return Wait.On(new WaitQueue($"{comm} pause"), TaskState.Interruptible, "sys_pause");
            }

            k.Oom.ExitProcess(p.Mm);
            p.ExitedKilled = true;
        }
    }
}
