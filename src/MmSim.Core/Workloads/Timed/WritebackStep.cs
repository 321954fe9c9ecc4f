using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Filemap;
using MmSim.Scenario;
using MmSim.Sim;

namespace MmSim.Workloads.Timed;

/// <summary>
/// The scripted <c>writeback</c> step (until the writeback model exists): writes the first <c>size</c>
/// of a file into the page cache, puts those folios under writeback, and spawns the task <c>owner</c>
/// that ends the writeback at <c>until</c>, or never. Every folio's writeback names that task as its
/// releaser, so a task waiting on one (folio_wait_writeback in migration, truncate, offline) shows a
/// chain to it in hung-task and deadlock reports.
/// </summary>
internal static class WritebackStep
{
    /// <summary>Metric: folios put under writeback by writeback steps.</summary>
    public const string Folios = "writeback_folios";

    /// <summary>Metric: folios whose writeback the owners ended.</summary>
    public const string Ended = "writeback_ended";

    /// <summary>Metric: pages a writeback step could not write for lack of memory.</summary>
    public const string Enomem = "writeback_enomem";

    /// <summary>
    /// Runs the step on the script's task: write each page (generic_perform_write), then, as
    /// write_cache_pages does per folio, lock it, clear its dirty bit for I/O, start writeback, unlock.
    /// <paramref name="outcome"/>'s value is the folios put under writeback.
    /// </summary>
    /// <param name="ctx">The run.</param>
    /// <param name="stats">The steps workload's counters.</param>
    /// <param name="step">The step.</param>
    /// <param name="outcome">Its outcome.</param>
    /// <returns>The coroutine the script's task awaits.</returns>
    public static IEnumerable<Wait> Run(WorkloadContext ctx, WorkloadStats stats, StepConfig step, StepOutcome outcome)
    {
        LinuxKernel kernel = ctx.Kernel;
        PageCache cache = kernel.PageCache;
        long pages = step.SizeBytes!.Value / Units.PageSizeBytes;
        CachedFile file = cache.Open(step.File!, pages);
        var owner = new WritebackOwner(file, step.UntilNs!.Value);
        owner.Handle = TaskHandle.Spawn(ctx, step.Owner!, self => owner.Body(ctx, stats));
        TaskContext current = kernel.Current;
        for (long i = 0; i < pages; i++)
        {
            // No balance_dirty_pages: the step stands in for writeback a FUSE server holds, not for a writer.
            yield return Wait.Call(cache.Write(file, i, stats, balance: false));
            if (current.Ret == 0)
            {
                stats.AddMetric(Enomem, 1);
                continue;
            }

            // folio_lock may sleep behind another holder; the reference keeps the folio where it is meanwhile.
            int pfn = file.Pfn[i];
            kernel.Refs.AddExtraRefs(pfn, 1);
            yield return Wait.Call(kernel.FolioWait.FolioLock(pfn));
            bool start = !owner.Done && file.Pfn[i] == pfn && !kernel.Alloc.Node.Pages[pfn].Has(PageFlags.Writeback);
            if (start)
            {
                cache.StartWriteback(file, i, kernel.FolioWait, owner);
                owner.Indices.Add(i);
            }

            kernel.FolioWait.FolioUnlock(pfn);
            kernel.Refs.AddExtraRefs(pfn, -1);
        }

        outcome.Value = owner.Indices.Count;
        stats.AddMetric(Folios, owner.Indices.Count);
    }

    /// <summary>The owner of one step's writeback: the wait target its folios name, and its task's body.</summary>
    /// <param name="file">The file.</param>
    /// <param name="untilNs">When the writeback ends, or <see cref="StepConfig.Never"/>.</param>
    private sealed class WritebackOwner(CachedFile file, long untilNs) : IWaitTarget
    {
        /// <summary>The owner's task.</summary>
        public TaskHandle? Handle { get; set; }

        /// <summary>Indices of the folios under this writeback, in the order started.</summary>
        public List<long> Indices { get; } = [];

        /// <summary>The owner ended the writeback: folios written after that are not put under it.</summary>
        public bool Done { get; private set; }

        /// <inheritdoc/>
        public SimTask? Releaser => Handle?.Task;

        /// <inheritdoc/>
        public string Describe() => $"writeback of {file.Name} by {Handle?.Task.Comm}:{Handle?.Task.Pid}";

        // Sleeps until the end time (interruptibly, as a flusher waiting on its device), then ends every folio's
        // writeback; for `never` it pauses until the run ends.
        public IEnumerable<Wait> Body(WorkloadContext ctx, WorkloadStats stats)
        {
            SimTask task = Handle!.Task;
            if (untilNs == StepConfig.Never)
            {
                yield return TaskWaits.Pause("writeback", task.Pid);
                yield break;
            }

            if (TaskWaits.TrySleepUntil(ctx.Sim, untilNs, out Wait sleep))
            {
                yield return sleep;
            }

            Done = true;
            PageCache cache = ctx.Kernel.PageCache;
            foreach (long i in Indices)
            {
                cache.EndWriteback(file, i, ctx.Kernel.FolioWait);
            }

            stats.AddMetric(Ended, Indices.Count);
        }
    }
}
