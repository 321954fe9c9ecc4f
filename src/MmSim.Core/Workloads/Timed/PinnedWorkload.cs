using MmSim.Mm.Memory;
using MmSim.Mm.Gup;
using MmSim.Scenario;
using MmSim.Sim;

namespace MmSim.Workloads.Timed;

/// <summary>The <c>pinned</c> workload: a driver pins a user buffer long-term and later releases it.</summary>
/// <param name="config">The resolved workload.</param>
internal sealed class PinnedWorkload(PinnedWorkloadConfig config) : ITimedWorkload
{
    /// <summary>Metric: pins that failed for lack of memory (pin_user_pages returned -ENOMEM).</summary>
    public const string PinEnomem = "pin_enomem";

    private WorkloadContext? ctx;

    public string Type => config.Type;

    public WorkloadStats Stats { get; } = new();

    /// <summary>The pinned mapping while it is held.</summary>
    public AnonVma? Buffer { get; private set; }

    public void Start(WorkloadContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        this.ctx = ctx;
        TaskHandle.Spawn(ctx, config.Type, Body);
    }

    private IEnumerable<Wait> Body(TaskHandle self)
    {
        WorkloadContext run = ctx!;
        if (TaskWaits.TrySleepUntil(run.Sim, config.AtNs, out Wait sleep))
        {
            yield return sleep;
        }

        AnonVma buffer = run.Kernel.MmapForPin(Stats, config.SizeBytes / Units.PageSizeBytes, self.Task.ToString());
        yield return Wait.Call(run.Kernel.PinUserPagesLongterm(buffer));
        if (run.Kernel.Current.Ret == 0)
        {
            Stats.AddMetric(PinEnomem, 1);
            yield break;
        }

        Buffer = buffer;

        if (config.ReleaseAtNs is not long releaseNs)
        {
            yield return TaskWaits.Pause(config.Type, self.Task.Pid);
            yield break;
        }

        yield return Wait.Sleep(releaseNs - run.Sim.Now);
        LongtermPin.Release(Buffer);
        Buffer = null;
    }
}
