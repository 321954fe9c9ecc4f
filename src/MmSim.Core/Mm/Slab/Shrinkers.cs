namespace MmSim.Mm.Slab;

/// <summary>A slab cache a shrinker can empty (dentries, inodes, a reclaimable <c>slab</c> workload).</summary>
/// <remarks>include/linux/shrinker.h: struct shrinker, as drop_slab uses it.</remarks>
public interface IReclaimableSlab
{
    /// <summary>Frees every slab the shrinker can free.</summary>
    /// <returns>The pages freed.</returns>
    long DropSlab();

    /// <summary>count_objects: how many objects reclaim could free now (0: nothing).</summary>
    /// <returns>Freeable objects.</returns>
    /// <remarks>Default (reclaim, issue 8): nothing, until the cache gives a real count.</remarks>
    long CountObjects() => 0;

    /// <summary>scan_objects: tries to free up to <paramref name="nrToScan"/> objects.</summary>
    /// <param name="nrToScan">Objects to scan (shrinkctl->nr_to_scan).</param>
    /// <param name="pagesFreed">Slab pages given back to the allocator (what reclaim_state->reclaimed counts).</param>
    /// <returns>Objects freed.</returns>
    /// <remarks>Default (reclaim, issue 8): scans nothing.</remarks>
    long ScanObjects(long nrToScan, out long pagesFreed)
    {
        _ = nrToScan;
        pagesFreed = 0;
        return 0;
    }

    /// <summary>shrinker->seeks: the cost to recreate an object (DEFAULT_SEEKS = 2; 0 trims aggressively).</summary>
    int Seeks => 2;
}

/// <summary>The registered shrinkers of a run, in registration order (mm/shrinker.c: shrinker_list).</summary>
public sealed class Shrinkers
{
    private readonly List<IReclaimableSlab> registered = [];
    private readonly List<long> nrDeferred = [];

    /// <summary>The shrinkers, in registration order.</summary>
    public IReadOnlyList<IReclaimableSlab> Registered => registered;

    /// <summary>shrinker_register.</summary>
    /// <param name="cache">The cache.</param>
    public void Register(IReclaimableSlab cache)
    {
        ArgumentNullException.ThrowIfNull(cache);
        registered.Add(cache);
        nrDeferred.Add(0);
    }

    /// <summary>shrinker->nr_deferred of the shrinker at <paramref name="index"/>: scan work left over from earlier passes.</summary>
    /// <param name="index">Index in <see cref="Registered"/>.</param>
    /// <returns>The deferred count.</returns>
    public long NrDeferred(int index) => nrDeferred[index];

    /// <summary>Sets shrinker->nr_deferred (do_shrink_slab's xchg_nr_deferred / add_nr_deferred).</summary>
    /// <param name="index">Index in <see cref="Registered"/>.</param>
    /// <param name="value">The new count.</param>
    public void SetNrDeferred(int index, long value) => nrDeferred[index] = value;
}
