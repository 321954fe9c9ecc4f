namespace MmSim.Mm;

/// <summary>The errno values mm/ returns, positive as in include/uapi/asm-generic/errno-base.h; kernel paths return them negated.</summary>
public static class Errno
{
    /// <summary>ENOENT: nothing found (scan_movable_pages: no movable page left).</summary>
    public const int ENOENT = 2;

    /// <summary>EINTR: a signal interrupted the call.</summary>
    public const int EINTR = 4;

    /// <summary>EAGAIN: try again.</summary>
    public const int EAGAIN = 11;

    /// <summary>ENOMEM: out of memory.</summary>
    public const int ENOMEM = 12;

    /// <summary>EBUSY: a page or block is in use.</summary>
    public const int EBUSY = 16;

    /// <summary>EINVAL: invalid argument.</summary>
    public const int EINVAL = 22;

    /// <summary>ETIMEDOUT: a timeout expired.</summary>
    public const int ETIMEDOUT = 110;
}
