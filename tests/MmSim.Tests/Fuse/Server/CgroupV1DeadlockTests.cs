using MmSim.Kernel;
using MmSim.Mm.Writeback;
using MmSim.Runs;
using MmSim.Scenario;
using MmSim.Sim;
using MmSim.Workloads;
using MmSim.Workloads.Timed;

namespace MmSim.Tests.Fuse.Server;

/// <summary>
/// scenarios/fuse-cgroup-v1-deadlock.yaml with the mapping flag switched off (what `no-reclaim-flag` does) and on
/// (6.16+): the single-threaded server, in limit reclaim of the v1 memcg it shares with the writer, waits on a FUSE
/// folio whose request only it can answer — a cycle through its own thread — only without the flag.
/// </summary>
public class CgroupV1DeadlockTests
{
    [Theory]
    [InlineData(false, true)]
    [InlineData(true, false)]
    public void The_server_deadlocks_on_its_own_writeback_only_without_the_reclaim_flag(bool flag, bool deadlock)
    {
        ScenarioConfig config = Load();
        KernelParams p = KernelFromConfig.Params(config) with { WritebackDesign = WritebackDesign.Mainline with { FuseSetsReclaimFlag = flag } };
        LinuxKernel kernel = LinuxKernel.Boot(KernelFromConfig.Machine(config.Machine), p, config.Seed);
        IReadOnlyDictionary<string, Mm.Memcontrol.MemCgroup> cgroups = KernelFromConfig.CreateCgroups(kernel, config.Cgroups!);
        KernelDaemons daemons = kernel.StartDaemons();
        var root = new Prng(config.Seed);
        FuseServerWorkload? server = null;
        for (int i = 0; i < config.Workloads.Count; i++)
        {
            ITimedWorkload w = TimedWorkloads.Create(config.Workloads[i])!;
            w.Start(new WorkloadContext(kernel, root.Split((ulong)i + 1)) { MemcgId = cgroups[config.Workloads[i].Cgroup!].Id });
            server ??= w as FuseServerWorkload;
        }

        kernel.Sim.Run(config.DurationNs);
        daemons.Deadlocks.ScanAll();
        SimTask thread = server!.Server!.Readers[0].Task;
        DeadlockReport? cycle = daemons.Deadlocks.Deadlocks.FirstOrDefault(d => d.Pids.Contains(thread.Pid));
        Assert.Equal(deadlock, cycle is not null);
        if (cycle is not null)
        {
            Assert.Equal([thread.Pid], cycle.Pids);
            Assert.Equal("folio_wait_writeback", cycle.Cycle[0].WaitSite);
            Assert.Contains("fuse-server", cycle.Describe(), StringComparison.Ordinal);
        }
    }

    private static ScenarioConfig Load()
    {
        // The scenario names the no-reclaim-flag design; this branch has only the switch, so the test sets it directly.
        string yaml = File.ReadAllText(Path.Combine(Tests.Scenario.TestFiles.RepoRoot, "scenarios", "fuse-cgroup-v1-deadlock.yaml"))
            .Replace("design: no-reclaim-flag", "design: linux-6.18", StringComparison.Ordinal);
        return Tests.Scenario.TestFiles.LoadOk(yaml, "fuse-cgroup-v1-deadlock.yaml");
    }
}
