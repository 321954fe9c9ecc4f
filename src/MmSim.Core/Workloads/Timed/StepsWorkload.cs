using System.Diagnostics;
using MmSim.Mm;
using MmSim.Runs;
using MmSim.Scenario;
using MmSim.Sim;

namespace MmSim.Workloads.Timed;

/// <summary>The <c>steps</c> workload: one task that runs a script of actions at their times.</summary>
/// <param name="config">The resolved workload (steps in time order, names checked at load).</param>
internal sealed class StepsWorkload(StepsWorkloadConfig config) : ITimedWorkload
{
    /// <summary>Metric: pages freed by drop_caches steps.</summary>
    public const string DropCachesPages = "drop_caches_pages";

    /// <summary>Metric: pin steps that failed for lack of memory.</summary>
    public const string PinEnomem = "pin_enomem";

    // What an id names: blocks from an alloc, or a pinned buffer.
    private readonly Dictionary<string, (LiveBlocks? Blocks, AnonVma? Pinned)> named = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> idNumbers = new(StringComparer.Ordinal);
    private RunContext? ctx;

    public string Type => config.Type;

    public WorkloadStats Stats { get; } = new();

    /// <summary>Simulated time at which each step ran, in script order (for reports and tests).</summary>
    public List<long> RanAtNs { get; } = [];

    public void Start(RunContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        this.ctx = ctx;
        TaskHandle.Spawn(ctx, config.Type, Body);
    }

    private IEnumerable<Wait> Body(TaskHandle self)
    {
        RunContext run = ctx!;
        foreach (StepConfig step in config.Steps)
        {
            if (TaskWaits.TrySleepUntil(run.Sim, step.AtNs, out Wait sleep))
            {
                yield return sleep;
            }

            Debug.Assert(run.Sim.Now == step.AtNs, "steps run at exactly their time");
            RanAtNs.Add(run.Sim.Now);
            Run(step, self.Task.Pid);
        }

        // What the script still holds stays held until the run ends.
        yield return TaskWaits.Pause(config.Type, self.Task.Pid);
    }

    private void Run(StepConfig step, int pid)
    {
        switch (step.Do)
        {
            case StepAction.Alloc:
                named.Add(step.Id!, (Alloc(step), null));
                break;
            case StepAction.Free:
                Free(step.Id!);
                break;
            case StepAction.Pin:
                AnonVma? vma = LongtermPin.Pin(ctx!, Stats, step.SizeBytes!.Value / Units.PageSizeBytes, pid);
                if (vma is null)
                {
                    Stats.AddMetric(PinEnomem, 1);
                }

                named.Add(step.Id!, (null, vma));
                break;
            case StepAction.DropCaches:
                Stats.AddMetric(DropCachesPages, DropCaches.Write(ctx!, step.Value!.Value));
                break;
            default:
                throw new InvalidOperationException($"step '{step.Do}' needs a mechanism this version does not model; the loader refuses it");
        }
    }

    private LiveBlocks Alloc(StepConfig step)
    {
        var gfp = (GfpFlags)step.GfpMask;
        int order = (int)step.Order!.Value;
        long count = step.Count!.Value;
        int id = IdNumber(step.Id!);
        var blocks = new LiveBlocks((int)Math.Min(count, 1 << 16));
        for (long i = 0; i < count; i++)
        {
            int pfn = ctx!.Alloc.AllocPages(gfp, order, OwnerKind.Script, id);
            Stats.CountAlloc(order, pfn < 0);
            if (pfn >= 0)
            {
                OpScriptReplay.MarkLruIfMovable(ctx.Alloc, pfn, gfp);
                blocks.Add(pfn, order);
            }
        }

        return blocks;
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
            (int pfn, int order) = blocks.RemoveAt(blocks.Count - 1);
            ctx!.Alloc.FreePages(pfn, order);
            Stats.Frees++;
        }
    }

    // Owner ids of script allocations: 0, 1, … in order of first use, as op scripts number their ids.
    private int IdNumber(string id)
    {
        if (!idNumbers.TryGetValue(id, out int n))
        {
            n = idNumbers.Count;
            idNumbers.Add(id, n);
        }

        return n;
    }
}
