namespace MmSim.Fs.Fuse;

/// <summary>The FUSE requests mmsim sends (include/uapi/linux/fuse.h: enum fuse_opcode, same numbers).</summary>
public enum FuseOpcode
{
    /// <summary>FUSE_SETATTR (write_inode → fuse_flush_times, truncate).</summary>
    Setattr = 4,

    /// <summary>FUSE_READ.</summary>
    Read = 15,

    /// <summary>FUSE_WRITE (writeback, or write-through without writeback cache).</summary>
    Write = 16,

    /// <summary>FUSE_FSYNC.</summary>
    Fsync = 20,

    /// <summary>FUSE_FLUSH (close).</summary>
    Flush = 25,
}
