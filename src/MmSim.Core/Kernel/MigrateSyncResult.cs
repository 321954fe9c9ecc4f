// Other MIGRATE_SYNC users (issue 9): what one move_pages, mbind, soft_offline, memory_failure or long-term pin returned.
namespace MmSim.Kernel;

/// <summary>The return of one of the other MIGRATE_SYNC users, filled as the call goes (coroutines cannot return values).</summary>
public sealed class MigrateSyncResult
{
    /// <summary>The return value: 0, a negative errno, or (move_pages) the number of pages not migrated.</summary>
    public int Ret { get; set; }

    /// <summary>The errno's name and what happened (<c>EBUSY: …</c>), or what succeeded (<c>invalidated</c>, <c>recovered</c>, <c>migrated</c>).</summary>
    public string Reason { get; set; } = string.Empty;

    /// <summary>Base pages migrated.</summary>
    public int Migrated { get; set; }

    /// <summary>Folios that could not be isolated or migrated.</summary>
    public int Failed { get; set; }

    /// <summary>Passes of __gup_longterm_locked's -EAGAIN loop (pin_longterm), else 0.</summary>
    public int Passes { get; set; }

    /// <summary>Sets the outcome.</summary>
    /// <param name="ret">Return value.</param>
    /// <param name="reason">Reason.</param>
    public void Set(int ret, string reason) => (Ret, Reason) = (ret, reason);
}
