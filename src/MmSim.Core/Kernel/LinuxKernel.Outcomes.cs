// Outcomes (issue 9): what the kernel knows about a hung or deadlocked task at the moment it is reported.
using MmSim.Sim;

namespace MmSim.Kernel;

/// <summary>
/// What a wait-chain link alone cannot say about a task, recorded by the kernel when the task is reported: the
/// system call or scripted step it is in, whether it sleeps inside memcg limit reclaim, and whether it is a thread of a
/// FUSE server.
/// </summary>
/// <param name="Activity">The system call (fsync, close, sync) or scripted step it is in, or null.</param>
/// <param name="InLimitReclaim">It sleeps in folio_wait_writeback with PF_MEMALLOC set: shrink_folio_list's case 3,
/// which only cgroup-v1 limit reclaim (try_to_free_mem_cgroup_pages) reaches.</param>
/// <param name="IsFuseServer">It is one of the threads reading a FUSE connection's /dev/fuse.</param>
public readonly record struct TaskFacts(string? Activity, bool InLimitReclaim, bool IsFuseServer);

public sealed partial class LinuxKernel
{
    private readonly List<TaskFacts> hungFacts = [];
    private readonly List<TaskFacts[]> deadlockFacts = [];

    /// <summary>Facts of each hung-task report, same order as khungtaskd's reports.</summary>
    public IReadOnlyList<TaskFacts> HungTaskFacts => hungFacts;

    /// <summary>Facts of each deadlock's members, same order as the deadlock detector's cycles and their members.</summary>
    public IReadOnlyList<TaskFacts[]> DeadlockFacts => deadlockFacts;

    /// <summary>What the kernel knows about <paramref name="task"/> now.</summary>
    /// <param name="task">A task of this kernel's engine.</param>
    /// <returns>Its facts.</returns>
    public TaskFacts FactsOf(SimTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        Mm.TaskContext ctx = ContextOf(task);
        bool inLimitReclaim = task.IsBlocked && !task.IsKernelThread && task.WaitSite == Mm.Filemap.FolioWait.SiteFolioWaitWriteback
            && (ctx.Flags & Mm.TaskFlags.Memalloc) != 0;
        return new TaskFacts(ctx.Syscall, inLimitReclaim, IsFuseServerThread(task.Pid));
    }

    /// <summary>Whether <paramref name="pid"/> is a thread reading some FUSE connection's /dev/fuse.</summary>
    /// <param name="pid">A pid.</param>
    /// <returns>True for a server thread.</returns>
    public bool IsFuseServerThread(int pid)
    {
        foreach (MmSim.Fs.SuperBlock sb in Fs.Supers)
        {
            if (sb.FsInfo is MmSim.Fs.Fuse.FuseConn conn)
            {
                foreach (MmSim.Fs.Fuse.FuseDevReader r in conn.Readers)
                {
                    if (r.Task.Pid == pid)
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    private void RecordOutcomeFacts(KernelDaemons daemons)
    {
        daemons.Khungtaskd.Reported = r => hungFacts.Add(FactsOf(Sim.Tasks[r.Pid - 1]));
        daemons.Deadlocks.Found = d =>
        {
            var facts = new TaskFacts[d.Cycle.Count];
            for (int i = 0; i < facts.Length; i++)
            {
                facts[i] = FactsOf(Sim.Tasks[d.Cycle[i].Pid - 1]);
            }

            deadlockFacts.Add(facts);
        };
    }
}
