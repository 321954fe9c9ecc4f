// The inode's writeback state (struct inode: i_wb, dirtied_when, i_state & I_DIRTY_PAGES).
using MmSim.Mm.Writeback;

namespace MmSim.Mm.Filemap;

/// <summary>The writeback side of a cached file's inode.</summary>
internal sealed partial class CachedFile
{
    /// <summary>inode->i_wb: the wb of the file's mount (null: the kernel's default mount).</summary>
    public BdiWriteback? Wb { get; set; }

    /// <summary>The superblock (mount) the file lives on, by index in the kernel's mount table (0: the default mount).</summary>
    public int SbIndex { get; set; }

    /// <summary>inode->dirtied_when, ns: when the inode first became dirty (−1: clean, not on b_dirty).</summary>
    public long DirtiedWhenNs { get; set; } = -1;

    /// <summary>Pages under writeback.</summary>
    public long NrWriteback { get; set; }

    /// <summary>mapping->writeback_index: where the next range_cyclic WB_SYNC_NONE pass starts.</summary>
    public long WritebackIndex { get; set; }
}
