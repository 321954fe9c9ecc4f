using MmSim.Mm.Memory;
using MmSim.Mm.Gup;
using System.Diagnostics;
using MmSim.Mm;
using MmSim.Scenario;
using MmSim.Sim;

namespace MmSim.Workloads.Timed;

/// <summary>The <c>steps</c> workload: one task that runs a script of actions at their times.</summary>
/// <param name="config">The resolved workload (steps in time order, names checked at load).</param>
internal sealed partial class StepsWorkload(StepsWorkloadConfig config) : ITimedWorkload
{
    /// <summary>Metric: pages freed by drop_caches steps.</summary>
    public const string DropCachesPages = "drop_caches_pages";

    /// <summary>Metric: pin steps that failed for lack of memory.</summary>
    public const string PinEnomem = "pin_enomem";

    // What an id names: blocks from an alloc, or a pinned buffer.
    private readonly Dictionary<string, (LiveBlocks? Blocks, AnonVma? Pinned)> named = new(StringComparer.Ordinal);
    private WorkloadContext? ctx;

    // The kernel steps (compact, offline, CMA, contiguous ranges, huge page pools, writeback).
    private StepActions? actions;

    public string Type => config.Type;

    public WorkloadStats Stats { get; } = new();

    /// <summary>Simulated time at which each step ran, in script order (for reports and tests).</summary>
    public List<long> RanAtNs { get; } = [];

    public void Start(WorkloadContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        this.ctx = ctx;
        actions = new StepActions(ctx, Stats);
        TaskHandle.Spawn(ctx, config.Type, Body);
    }

    private IEnumerable<Wait> Body(TaskHandle self)
    {
        WorkloadContext run = ctx!;
        int index = 0;
        foreach (StepConfig step in config.Steps)
        {
            if (TaskWaits.TrySleepUntil(run.Sim, step.AtNs, out Wait sleep))
            {
                yield return sleep;
            }

            // A step that slept in the kernel (compaction, offline, an allocation stall) delays the ones after it,
            // as in a shell script; otherwise a step runs at exactly its time.
            Debug.Assert(run.Sim.Now >= step.AtNs, "steps never run early");
            RanAtNs.Add(run.Sim.Now);

            // Allocations and pins are kernel paths that may sleep: the step's task waits in them.
            yield return Wait.Call(Run(step, index++, self));
        }

        // What the script still holds stays held until the run ends.
        yield return TaskWaits.Pause(config.Type, self.Task.Pid);
    }

    private IEnumerable<Wait> Run(StepConfig step, int index, TaskHandle self)
    {
        int pid = self.Task.Pid;
        switch (step.Do)
        {
            case StepAction.Alloc:
                var blocks = new LiveBlocks((int)Math.Min(step.Count!.Value, 1 << 16));
                yield return Wait.Call(Alloc(step, blocks));
                named.Add(step.Id!, (blocks, null));
                break;
            case StepAction.Free when actions!.HoldsContig(step.Id!):
                yield return Wait.Call(actions.Run(step, index, self));
                break;
            case StepAction.Free:
                Free(step.Id!);
                break;
            case StepAction.Pin:
                AnonVma vma = ctx!.Kernel.MmapForPin(Stats, step.SizeBytes!.Value / Units.PageSizeBytes, $"steps:{pid}");
                yield return Wait.Call(ctx.Kernel.PinUserPagesLongterm(vma));
                bool pinned = ctx.Kernel.Current.Ret == 1;
                if (!pinned)
                {
                    Stats.AddMetric(PinEnomem, 1);
                }

                named.Add(step.Id!, (null, pinned ? vma : null));
                break;
            case StepAction.DropCaches:
                Stats.AddMetric(DropCachesPages, ctx!.Kernel.DropCaches(step.Value!.Value));
                break;
            default:
                yield return Wait.Call(actions!.Run(step, index, self));
                break;
        }
    }

    private IEnumerable<Wait> Alloc(StepConfig step, LiveBlocks blocks)
    {
        var gfp = (GfpFlags)step.GfpMask;
        int order = (int)step.Order!.Value;
        long count = step.Count!.Value;
        for (long i = 0; i < count; i++)
        {
            yield return Wait.Call(ctx!.Kernel.AllocPagesWait(gfp, order, OwnerKind.Script));
            int pfn = ctx.Kernel.Current.AllocResult;
            Stats.CountAlloc(order, pfn < 0);
            if (pfn >= 0)
            {
                blocks.Add(User.Add(pfn, order, UserPages.IsMovable(ctx.Alloc, gfp)), order);
            }
        }
    }

    private void Free(string id)
    {
        (LiveBlocks? blocks, AnonVma? pinned) = named[id];
        named.Remove(id);
        if (pinned is not null)
        {
            LongtermPin.Release(pinned);
            return;
        }

        while (blocks!.Count > 0)
        {
            (int handle, int order) = blocks.RemoveAt(blocks.Count - 1);
            User.Free(handle, order);
            Stats.Frees++;
        }
    }
}
