using MmSim.Mm;
using MmSim.Mm.Compaction;
using MmSim.Mm.Migrate;

namespace MmSim.Tests.Compaction;

/// <summary>
/// isolate_freepages' stride: it starts at COMPACT_CLUSTER_MAX for MIGRATE_ASYNC and at 1 otherwise,
/// doubles (up to COMPACT_CLUSTER_MAX) after a fully scanned block that gave nothing, and drops to 1
/// after a block that gave pages.
/// </summary>
public class FreeScannerStrideTests
{
    // Top block first: which blocks get a free page, and at which offset; a hole the stride steps over
    // (offset 5 probed every 2 pages, 7 every 32, 3 every 4) is not isolated.
    [Theory]
    [InlineData(MigrateMode.SyncLight, "- - - 64 - - 0 -", "1 2 4 8 1 2 4 1", 2)]
    [InlineData(MigrateMode.Sync, "- - - - - - - -", "1 2 4 8 16 32 32 32", 0)]
    [InlineData(MigrateMode.Async, "- 64 - 5 - - - -", "32 32 1 2 4 8 16 32", 1)]
    [InlineData(MigrateMode.Async, "- 7 - 96 - - 3 -", "32 32 32 32 1 2 4 8", 1)]
    public void The_stride_follows_the_kernel_rule_over_a_regular_hole_pattern(MigrateMode mode, string holes, string expectedStrides, int expectedIsolated)
    {
        var rig = new CompactionRig(normalPages: 16 * MmConstants.PageblockNrPages);
        List<int> folios = rig.FillWithFolios();
        rig.TakeAllFree();

        // Free memory above the watermarks (which __isolate_free_page checks), below the scanned blocks.
        foreach (int pfn in folios.Where(p => p < 4 * MmConstants.PageblockNrPages))
        {
            rig.Free(pfn);
        }

        string[] hole = holes.Split(' ');
        int top = rig.Zone.ZoneEndPfn - MmConstants.PageblockNrPages;
        for (int b = 0; b < hole.Length; b++)
        {
            if (hole[b] != "-")
            {
                int pfn = top - (b * MmConstants.PageblockNrPages) + int.Parse(hole[b], System.Globalization.CultureInfo.InvariantCulture);
                Assert.True(rig.Pages[pfn].Has(PageFlags.Allocated) && rig.Pages[pfn].Has(PageFlags.Lru), "the hole is punched in a placed folio");
                rig.Free(pfn);
            }
        }

        rig.Verify("holes punched");
        var cc = new CompactControl
        {
            Zone = rig.Zone,
            Order = -1,
            Mode = mode,
            GfpMask = GfpFlags.Kernel,
            IgnoreSkipHint = true,
            WholeZone = true,
            MigratePfn = top - ((hole.Length - 1) * MmConstants.PageblockNrPages) - MmConstants.PageblockNrPages,
            FreePfn = top,
            NrMigratepages = 1 << 20,
        };
        rig.Compact.LogStrides = true;
        rig.Compact.IsolateFreepagesForTest(cc);
        Assert.Equal(expectedStrides, string.Join(' ', rig.Compact.StrideLog));
        Assert.Equal(expectedIsolated, cc.NrFreepages);
        rig.Compact.ReleaseFreeListForTest(cc);
        rig.Verify("free pages released");
    }
}
