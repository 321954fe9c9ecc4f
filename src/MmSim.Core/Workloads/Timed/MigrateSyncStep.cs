// Other MIGRATE_SYNC users (issue 9): the scripted move_pages, mbind, soft_offline, memory_failure, pin_longterm and
// fuse_abort steps. Each finds its file (or pfn), calls the kernel path on the script's task and records its outcome.
using MmSim.Kernel;
using MmSim.Mm.Filemap;
using MmSim.Scenario;
using MmSim.Sim;

namespace MmSim.Workloads.Timed;

/// <summary>Runs one of the other MIGRATE_SYNC users, or a fusectl abort, as a scripted step.</summary>
internal static class MigrateSyncStep
{
    /// <summary>Metric prefix: steps of each action by outcome (<c>move_pages_ok</c>, <c>soft_offline_ebusy</c>, …).</summary>
    public const string MetricSeparator = "_";

    /// <summary>
    /// Runs the step. <paramref name="outcome"/>'s result is <c>ok</c>, or the errno's name in lower case
    /// (<c>ebusy</c>, <c>eio</c>, <c>enomem</c>, <c>enoent</c>) with the kernel's reason; its value is the pages migrated.
    /// </summary>
    /// <param name="ctx">The run.</param>
    /// <param name="stats">The steps workload's counters.</param>
    /// <param name="step">The step.</param>
    /// <param name="outcome">Its outcome.</param>
    /// <returns>The coroutine the script's task awaits.</returns>
    public static IEnumerable<Wait> Run(WorkloadContext ctx, WorkloadStats stats, StepConfig step, StepOutcome outcome)
    {
        LinuxKernel kernel = ctx.Kernel;
        string action = StepRules.ActionNames[(int)step.Do];
        var result = new MigrateSyncResult();
        if (step.Do == StepAction.FuseAbort)
        {
            bool aborted = kernel.FuseAbort(step.Mount!);
            result.Set(aborted ? 0 : -Mm.Migrate.Errno.ENOENT, aborted ? "aborted" : $"ENOENT: '{step.Mount}' is not a FUSE mount");
        }
        else if (step.Pfn is long pfn)
        {
            yield return Wait.Call(step.Do == StepAction.SoftOffline ? kernel.SoftOfflinePage((int)pfn, result) : kernel.MemoryFailure((int)pfn, result));
        }
        else if (FindFile(kernel, step) is not CachedFile file)
        {
            result.Set(-Mm.Migrate.Errno.ENOENT, $"ENOENT: no file '{step.File}'{(step.Mount is null ? "" : $" on '{step.Mount}'")}");
        }
        else if (step.Index!.Value >= file.NrPages)
        {
            result.Set(-Mm.Migrate.Errno.ENOENT, $"ENOENT: page {step.Index} is past the end of '{file.Name}' ({file.NrPages} pages)");
        }
        else
        {
            yield return Wait.Call(FileStep(kernel, stats, step, file, result));
        }

        string word = Word(result.Ret);
        outcome.Result = word;
        outcome.Reason = word == "ok" ? string.Empty : result.Reason;
        outcome.Value = result.Migrated;
        outcome.EndNs = ctx.Sim.Now;
        stats.AddMetric(action + MetricSeparator + word, 1);
    }

    // A file step's kernel path; soft_offline and memory_failure of a file page hit the folio cached there.
    private static IEnumerable<Wait> FileStep(LinuxKernel kernel, WorkloadStats stats, StepConfig step, CachedFile file, MigrateSyncResult result)
    {
        long index = step.Index!.Value;
        long pages = step.Pages ?? 1;
        switch (step.Do)
        {
            case StepAction.MovePages:
                return kernel.MovePages(file, index, pages, result);
            case StepAction.Mbind:
                return kernel.Mbind(file, index, pages, result);
            case StepAction.PinLongterm:
                return kernel.PinLongtermFile(file, index, pages, stats, result);
            default:
                int pfn = file.Pfn[index];
                if (pfn < 0)
                {
                    result.Set(-Mm.Migrate.Errno.ENOENT, $"ENOENT: page {index} of '{file.Name}' is not cached");
                    return [];
                }

                return step.Do == StepAction.SoftOffline ? kernel.SoftOfflinePage(pfn, result) : kernel.MemoryFailure(pfn, result);
        }
    }

    // The file by mount and name, or by name alone (the first opened with that name); null when there is none.
    private static CachedFile? FindFile(LinuxKernel kernel, StepConfig step)
    {
        if (step.Mount is string mount)
        {
            return kernel.Fs.Find(mount) is null ? null : kernel.OpenFile(mount, step.File!, 1);
        }

        foreach (CachedFile f in kernel.PageCache.Files)
        {
            if (f.Name == step.File)
            {
                return f;
            }
        }

        return null;
    }

    // The outcome word of a return: ok, or the errno (a positive move_pages return is pages not migrated: ebusy).
    private static string Word(int ret) => ret switch
    {
        0 => "ok",
        > 0 => "ebusy",
        -Mm.Migrate.Errno.EBUSY => "ebusy",
        -Mm.Migrate.Errno.EIO => "eio",
        -Mm.Migrate.Errno.ENOMEM => "enomem",
        -Mm.Migrate.Errno.ENOENT => "enoent",
        _ => "failed",
    };
}
