// A user process's address space as memory management accounts it (include/linux/mm_types.h:
// struct mm_struct, with the parts of signal_struct the OOM killer reads). One per process; its
// tasks point at it through TaskContext.Mm. Mappings count their pages in its rss counters; the
// OOM killer (Mm/OomKill) reads them, marks the victim and runs the exit.
using MmSim.Sim;

namespace MmSim.Mm;

/// <summary>The per-mm rss counters (include/linux/mm_types_task.h: enum NR_MM_COUNTERS), in the kernel's order.</summary>
public enum MmCounter
{
    /// <summary>MM_FILEPAGES: resident file-backed pages.</summary>
    FilePages = 0,

    /// <summary>MM_ANONPAGES: resident anonymous pages.</summary>
    AnonPages = 1,

    /// <summary>MM_SWAPENTS: anonymous pages swapped out (swap entries in the page tables).</summary>
    SwapEnts = 2,

    /// <summary>MM_SHMEMPAGES: resident shmem pages.</summary>
    ShmemPages = 3,
}

/// <summary>A mapping of a process, as exit_mmap sees it: something to tear down when the process exits.</summary>
public interface IMmVma
{
    /// <summary>Unmaps whatever the mapping still maps (exit_mmap → unmap_vmas, free_pgtables).</summary>
    void ExitMmap();
}

/// <summary>One process's mm_struct: rss counters, page-table bytes, total_vm, oom_score_adj and the OOM flags.</summary>
/// <remarks>include/linux/mm_types.h: struct mm_struct (rss_stat, pgtables_bytes, total_vm, flags MMF_OOM_SKIP);
/// include/linux/sched/signal.h: signal_struct (oom_score_adj, oom_mm). mmsim has one thread group per mm.</remarks>
public sealed class MmStruct
{
    /// <summary>OOM_SCORE_ADJ_MIN: never killed by the OOM killer.</summary>
    public const int OomScoreAdjMin = -1000;

    /// <summary>OOM_SCORE_ADJ_MAX.</summary>
    public const int OomScoreAdjMax = 1000;

    private readonly long[] rss = new long[4];
    private readonly List<IMmVma> vmas = [];

    /// <summary>Creates the mm of a new process (execve: mm_alloc).</summary>
    /// <param name="tgid">The process id (its first task's pid).</param>
    /// <param name="comm">The command name.</param>
    /// <param name="oomScoreAdj">/proc/pid/oom_score_adj, −1000…1000.</param>
    public MmStruct(int tgid, string comm, int oomScoreAdj = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(oomScoreAdj, OomScoreAdjMin);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(oomScoreAdj, OomScoreAdjMax);
        Tgid = tgid;
        Comm = comm;
        OomScoreAdj = oomScoreAdj;
    }

    /// <summary>The process id (tgid).</summary>
    public int Tgid { get; }

    /// <summary>The command name (comm).</summary>
    public string Comm { get; }

    /// <summary>signal-&gt;oom_score_adj.</summary>
    public int OomScoreAdj { get; set; }

    /// <summary>The threads using this mm, in creation order.</summary>
    public List<SimTask> Tasks { get; } = [];

    /// <summary>Pages of all the process's VMAs (total_vm).</summary>
    public long TotalVm { get; private set; }

    /// <summary>Bytes of page tables (mm_pgtables_bytes).</summary>
    public long PgtablesBytes { get; private set; }

    /// <summary>signal-&gt;oom_mm is set: the OOM killer chose this process (tsk_is_oom_victim of its tasks).</summary>
    public bool OomVictim { get; internal set; }

    /// <summary>MMF_OOM_SKIP: the OOM killer must not wait for or pick this mm again (reaped or exited).</summary>
    public bool OomSkip { get; internal set; }

    /// <summary>The process has exited (exit_mm ran): its mappings are gone.</summary>
    public bool Exited { get; private set; }

    /// <summary>What the workload frees at exit besides the mappings (pins it holds, files it has open); optional.</summary>
    public Action? OnExit { get; set; }

    /// <summary>get_mm_counter.</summary>
    /// <param name="counter">Which counter.</param>
    /// <returns>Its value in pages.</returns>
    public long GetMmCounter(MmCounter counter) => rss[(int)counter];

    /// <summary>add_mm_counter.</summary>
    /// <param name="counter">Which counter.</param>
    /// <param name="delta">Pages.</param>
    public void AddMmCounter(MmCounter counter, long delta) => rss[(int)counter] += delta;

    /// <summary>get_mm_rss: file, anon and shmem pages resident.</summary>
    /// <returns>Pages.</returns>
    public long GetMmRss() => rss[(int)MmCounter.FilePages] + rss[(int)MmCounter.AnonPages] + rss[(int)MmCounter.ShmemPages];

    /// <summary>mm_inc_nr_ptes / mm_dec_nr_ptes: a page table page more or less.</summary>
    /// <param name="pages">+1 or −1 (or more).</param>
    public void AddPgtables(long pages) => PgtablesBytes += pages * MmConstants.PageSize;

    /// <summary>A VMA joins the mm (vma_link): total_vm grows.</summary>
    /// <param name="vma">The mapping.</param>
    /// <param name="nrPages">Its length.</param>
    public void AddVma(IMmVma vma, long nrPages)
    {
        vmas.Add(vma);
        TotalVm += nrPages;
    }

    /// <summary>Pages leave the address space (munmap).</summary>
    /// <param name="nrPages">Pages unmapped.</param>
    public void SubTotalVm(long nrPages) => TotalVm -= nrPages;

    /// <summary>A VMA is gone entirely.</summary>
    /// <param name="vma">The mapping.</param>
    public void RemoveVma(IMmVma vma) => vmas.Remove(vma);

    /// <summary>exit_mm → mmput → exit_mmap: tears down every mapping, then the workload's own resources; sets MMF_OOM_SKIP.</summary>
    public void ExitMmap()
    {
        if (Exited)
        {
            return;
        }

        OnExit?.Invoke();
        for (int i = vmas.Count - 1; i >= 0; i--)
        {
            vmas[i].ExitMmap();
        }

        vmas.Clear();
        Exited = true;
        OomSkip = true;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Comm}:{Tgid}";
}
