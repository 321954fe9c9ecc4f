using MmSim.Mm;
using MmSim.Mm.Filemap;
using MmSim.Mm.Memcontrol;
using MmSim.Mm.Vmscan;
using MmSim.Mm.Writeback;
using MmSim.Sim;
using MmSim.Tests.Vmscan;

namespace MmSim.Tests.WritebackDesigns;

/// <summary>
/// shrink_folio_list's case 3 in cgroup-v1 limit reclaim under the reclaim rules: `flag` (mainline) waits unless the
/// mapping is flagged; `ask-fs` waits unless the owner says the wait could deadlock, and without an owner keeps `flag`.
/// </summary>
public class ReclaimDesignTests
{
    private const long Ms = ReclaimRig.Ms;

    public static TheoryData<ReclaimWritebackMode, bool, int, bool> Cases() => new()
    {
        // rule, flagged, owner (-1 none, 0 says no deadlock, 1 says deadlock), waits
        { ReclaimWritebackMode.Flag, false, -1, true },
        { ReclaimWritebackMode.Flag, true, -1, false },
        { ReclaimWritebackMode.Flag, false, 1, true }, // mainline never asks
        { ReclaimWritebackMode.Flag, true, 0, false },
        { ReclaimWritebackMode.AskFs, false, -1, true },
        { ReclaimWritebackMode.AskFs, true, -1, false },
        { ReclaimWritebackMode.AskFs, false, 1, false },
        { ReclaimWritebackMode.AskFs, true, 0, true }, // the owner's answer wins over the flag
        { ReclaimWritebackMode.AskFs, false, 0, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Cgroup_v1_limit_reclaim_waits_in_case3_only_as_the_rule_says(ReclaimWritebackMode rule, bool flagged, int owner, bool waits)
    {
        var rig = new ReclaimRig(cgroups: CgroupVersion.V1, design: new WritebackDesign { ReclaimWriteback = rule });
        Assert.IsType(rule == ReclaimWritebackMode.AskFs ? typeof(AskFsReclaimWritebackPolicy) : typeof(KernelReclaimWritebackPolicy), rig.Reclaim.WritebackPolicy);
        MemCgroup a = rig.Kernel.Memcg.Create("/a");
        CachedFile f = rig.Kernel.PageCache.Open("fuse", 64);
        if (flagged)
        {
            f.Flags |= Mm.Folio.AsFlags.WritebackMayDeadlockOnReclaim;
        }

        var fake = owner < 0 ? null : new FakeOwner(rig.Kernel, f) { Deadlock = owner == 1 };
        f.WritebackOwner = fake;
        int[] pages = rig.Read(f, 0, 64);
        foreach (int p in pages)
        {
            rig.Charge(p, a);
        }

        SimTask server = rig.Kernel.Sim.Spawn("fuse-server", Forever());
        WritebackCaseTests.StartWriteback(rig, f, 64, new WaitQueue("fuse request") { ReleaserFunc = () => server });
        foreach (int p in pages)
        {
            rig.Node.Pages[p].Set(PageFlags.Reclaim);
        }

        SimTask t = rig.RunTask("writer", LimitReclaim(rig, a), 100 * Ms);
        if (waits)
        {
            Assert.Equal((TaskState.Uninterruptible, FolioWait.SiteFolioWaitWriteback), (t.State, t.WaitSite));
            Assert.Same(server, t.WaitingOn!.Releaser);
        }
        else
        {
            Assert.Equal(TaskState.Dead, t.State);
            Assert.Equal(0, rig.Reclaim.WritebackWaits);
            Assert.Equal(64, f.NrCached);
        }

        if (fake is not null && rule == ReclaimWritebackMode.AskFs)
        {
            Assert.True(fake.MayDeadlockCalls > 0);
            Assert.Same(rig.Kernel.ContextOf(t), fake.LastWaiter);
        }

        rig.Verify($"reclaim {rule}");
    }

    private static IEnumerable<Wait> LimitReclaim(ReclaimRig rig, MemCgroup memcg)
    {
        yield return Wait.Call(rig.Reclaim.TryToFreeMemCgroupPages(memcg, 32, GfpFlags.HighUserMovable));
    }

    private static IEnumerable<Wait> Forever()
    {
        yield return Wait.On(new WaitQueue("fuse requests"), TaskState.Interruptible, "fuse_dev_do_read");
    }
}
