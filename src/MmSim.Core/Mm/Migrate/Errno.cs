namespace MmSim.Mm.Migrate;

/// <summary>The errno values migration and its callers return (negated, as the kernel returns them).</summary>
/// <remarks>include/uapi/asm-generic/errno-base.h, errno.h.</remarks>
public static class Errno
{
    /// <summary>ENOENT: no such page (move_pages' status for a page with nothing mapped).</summary>
    public const int ENOENT = 2;

    /// <summary>EINTR: interrupted by a signal.</summary>
    public const int EINTR = 4;

    /// <summary>EIO: I/O error (mbind with MPOL_MF_STRICT when a folio was not moved).</summary>
    public const int EIO = 5;

    /// <summary>EAGAIN: try again (migration retries the folio on the next pass).</summary>
    public const int EAGAIN = 11;

    /// <summary>ENOMEM: no destination folio could be allocated.</summary>
    public const int ENOMEM = 12;

    /// <summary>EBUSY: the folio cannot be migrated in this call (a permanent failure for it).</summary>
    public const int EBUSY = 16;

    /// <summary>ETIMEDOUT: a timeout ran out.</summary>
    public const int ETIMEDOUT = 110;
}
