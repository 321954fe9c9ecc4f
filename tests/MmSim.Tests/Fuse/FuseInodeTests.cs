using MmSim.Fs;
using MmSim.Mm.Filemap;
using MmSim.Mm.Folio;
using MmSim.Mm.Writeback;

namespace MmSim.Tests.Fuse;

/// <summary>fuse_init_file_inode: AS_WRITEBACK_MAY_DEADLOCK_ON_RECLAIM only with writeback cache, from 6.16, when the
/// design keeps it; the file's wb and its writeback owner.</summary>
public class FuseInodeTests
{
    [Theory]
    [InlineData("6.18", true, true, true)]
    [InlineData("6.16", true, true, true)]
    [InlineData("6.18", false, true, false)] // write-through: no flag
    [InlineData("6.15", true, true, false)] // before 6.16 the flag does not exist
    [InlineData("6.12", true, true, false)]
    [InlineData("6.18", true, false, false)] // no-reclaim-flag design
    public void The_reclaim_flag_is_set_exactly_with_writeback_cache_from_6_16(string release, bool writebackCache, bool designSetsFlag, bool expected)
    {
        var rig = new FuseRig(new FuseMountOptions { WritebackCache = writebackCache }, release, WritebackDesign.Mainline with { FuseSetsReclaimFlag = designSetsFlag });
        CachedFile f = rig.Open("f", 4);
        Assert.Equal(expected, f.Has(AsFlags.WritebackMayDeadlockOnReclaim));
        Assert.Same(rig.Sb.Bdi.Wb, f.Wb);
        Assert.Same(rig.Ops, f.WritebackOwner);
        Assert.False(f.Has(AsFlags.LargeFolios));
        Assert.True((f.Aops & AopsCaps.MigrateFolio) != 0, "filemap_migrate_folio");
    }

    [Fact]
    public void Large_folios_only_when_asked_for_and_writeback_cache_is_off()
    {
        Assert.True(new FuseRig(new FuseMountOptions { WritebackCache = false }, largeFolios: true).Open("f", 4).Has(AsFlags.LargeFolios));
        Assert.False(new FuseRig(new FuseMountOptions { WritebackCache = true }, largeFolios: true).Open("f", 4).Has(AsFlags.LargeFolios));
    }
}
