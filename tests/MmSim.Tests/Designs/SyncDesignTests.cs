using MmSim.Mm.Filemap;
using MmSim.Mm.Folio;
using MmSim.Mm.Stat;
using MmSim.Mm.Writeback;
using MmSim.Sim;
using MmSim.Tests.Writeback;

namespace MmSim.Tests.WritebackDesigns;

/// <summary>
/// sync(2) over writeback that never ends (a device that never completes) under each sync rule: `wait` blocks in
/// wait_sb_inodes; `skip-flagged` (v6 3/5) skips flagged mappings only; `no-data-integrity` (SB_I_NO_DATA_INTEGRITY)
/// applies to FUSE superblocks only (fuse_sb_defaults sets it), so an ext4 mount still waits.
/// </summary>
public class SyncDesignTests
{
    private const long Ms = SimTime.NsPerMs;
    private const long Sec = SimTime.NsPerSec;

    [Theory]
    [InlineData(SyncWritebackMode.Wait, true, true)]
    [InlineData(SyncWritebackMode.SkipFlagged, true, false)]
    [InlineData(SyncWritebackMode.SkipFlagged, false, true)]
    [InlineData(SyncWritebackMode.NoDataIntegrity, true, true)]
    public void Sync_returns_or_blocks_on_never_ending_writeback_as_the_rule_says(SyncWritebackMode rule, bool flagged, bool blocks)
    {
        var rig = new WritebackRig([WritebackRig.Mount("root", WritebackRig.Dev("dead", never: true))], design: new WritebackDesign { SyncWriteback = rule });
        Assert.Equal(rule, rig.Kernel.Fs.SyncWriteback);
        CachedFile f = rig.Kernel.OpenFile(null, "f", 64);
        if (flagged)
        {
            f.Flags |= AsFlags.WritebackMayDeadlockOnReclaim;
        }

        rig.Kernel.Sim.Spawn("w", rig.Writer(f, 64));
        rig.Kernel.Sim.Run(Ms);
        SimTask sync = rig.Kernel.Sim.Spawn("sync", rig.Kernel.SyncAll());
        rig.Kernel.Sim.Run(10 * Sec);
        Assert.Equal(64, rig.NodeStat(NodeStatItem.NrWriteback));
        if (blocks)
        {
            Assert.Equal((TaskState.Uninterruptible, FolioWait.SiteFolioWaitWriteback), (sync.State, sync.WaitSite));
        }
        else
        {
            Assert.Equal(TaskState.Dead, sync.State);
        }

        rig.Verify($"sync {rule}");
    }
}
