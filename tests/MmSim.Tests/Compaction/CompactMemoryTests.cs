using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Stat;
using MmSim.Sim;

namespace MmSim.Tests.Compaction;

/// <summary>/proc/sys/vm/compact_memory: MIGRATE_SYNC over the whole zone.</summary>
public class CompactMemoryTests
{
    [Fact]
    public void Compact_memory_after_freeing_every_other_page_frees_whole_pageblocks()
    {
        var rig = new CompactionRig();
        List<int> pfns = rig.FillWithFolios();
        for (int i = 0; i < pfns.Count; i += 2)
        {
            rig.Free(pfns[i]);
        }

        rig.Verify("punched");
        long before = rig.FreePagesAtOrAbove(9);
        long free = rig.Zone.ZonePageState(ZoneStatItem.NrFreePages);
        SimTask t = rig.RunTask("sh", rig.Kernel.CompactMemory());
        Assert.Equal(TaskState.Dead, t.State);
        rig.Verify("compacted");
        long after = rig.FreePagesAtOrAbove(9);
        Assert.True(after > before, $"order-9+ free pages {before} -> {after} (free {free})");
        Assert.True(after >= free * 80 / 100, $"order-9+ free pages {after} of {free} free");
        Assert.True(rig.Event(VmEventItem.PgmigrateSuccess) > 0);
    }
}
