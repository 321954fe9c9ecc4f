namespace MmSim.Mm.Slab;

/// <summary>A slab cache a shrinker can empty (dentries, inodes, a reclaimable <c>slab</c> workload).</summary>
/// <remarks>include/linux/shrinker.h: struct shrinker, as drop_slab uses it.</remarks>
public interface IReclaimableSlab
{
    /// <summary>Frees every slab the shrinker can free.</summary>
    /// <returns>The pages freed.</returns>
    long DropSlab();
}

/// <summary>The registered shrinkers of a run, in registration order (mm/shrinker.c: shrinker_list).</summary>
public sealed class Shrinkers
{
    private readonly List<IReclaimableSlab> registered = [];

    /// <summary>The shrinkers, in registration order.</summary>
    public IReadOnlyList<IReclaimableSlab> Registered => registered;

    /// <summary>shrinker_register.</summary>
    /// <param name="cache">The cache.</param>
    public void Register(IReclaimableSlab cache)
    {
        ArgumentNullException.ThrowIfNull(cache);
        registered.Add(cache);
    }
}
