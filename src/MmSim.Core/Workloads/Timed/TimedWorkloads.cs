// Timed workloads: user-space tasks on the engine that fault, read, pin and churn memory over
// simulated time. This file maps a resolved workload to its runtime object. The kernel paths the
// tasks call live in Mm/ under their kernel files (Mm/Memory, Mm/Filemap, Mm/Slab, Mm/Gup,
// Mm/Hugetlb, Mm/PageFragCache) and are reached through the kernel object. Untimed workloads
// (churn, op scripts) are in the parent folder; the run that calls Start is in Runs/.
using MmSim.Scenario;

namespace MmSim.Workloads.Timed;

/// <summary>Creates the runtime object of a timed workload from its resolved configuration.</summary>
public static class TimedWorkloads
{
    /// <summary>The timed workload for <paramref name="config"/>, or null for the untimed types (<c>churn</c>, <c>ops</c>) and types this version cannot run (the runner reports those by name before time 0).</summary>
    /// <param name="config">A resolved workload from a loaded scenario.</param>
    /// <returns>A workload ready to <see cref="ITimedWorkload.Start"/>, or null.</returns>
    /// <remarks>
    /// Each task of a created workload draws from its own stream, split from <see cref="WorkloadContext.Random"/>
    /// by the task's pid when it first runs, so a run reproduces from its seed.
    /// </remarks>
    public static ITimedWorkload? Create(WorkloadConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config switch
        {
            ChurnWorkloadConfig or OpsWorkloadConfig => null,
            AnonWorkloadConfig c => new AnonWorkload(c),
            PageCacheWorkloadConfig c => new PageCacheWorkload(c),
            SlabWorkloadConfig c => new SlabWorkload(c),
            NetbufWorkloadConfig c => new NetbufWorkload(c),
            PinnedWorkloadConfig c => new PinnedWorkload(c),
            StepsWorkloadConfig c => new StepsWorkload(c),
            FragWorkloadConfig c => new FragWorkload(c),
            CompactionTestWorkloadConfig c => new CompactionTestWorkload(c),
            ThpChallengeWorkloadConfig c => new ThpChallengeWorkload(c),
            ThpCompactWorkloadConfig c => new ThpCompactWorkload(c),
            PunchWorkloadConfig c => new PunchWorkload(c),
            FileWriteWorkloadConfig c => new FileWriteWorkload(c), // writeback (issue 8)
            DbMixWorkloadConfig c => new DbMixWorkload(c), // writeback (issue 8): dbmix
            FuseServerWorkloadConfig c => new FuseServerWorkload(c), // FUSE server (issue 9)
            _ => null,
        };
    }
}
