using MmSim.Mm;

namespace MmSim.Workloads.Timed;

/// <summary>The memory the <c>alloc</c> steps hold: movable blocks in the script's own mapping, so migration can move them.</summary>
internal sealed partial class StepsWorkload
{
    private UserPages? user;

    // Created at the first alloc step, once the workload has its context (the kernel).
    private UserPages User => user ??= new UserPages(ctx!.Alloc, ctx.Kernel, $"steps:{config.Type}", 1 << 10, PageFlags.Lru);
}
