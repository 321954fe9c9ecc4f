namespace MmSim.Mm.Folio;

/// <summary>
/// Every mapping of a run, by id: the id a head page records is an index here, so a folio's mapping is
/// found in O(1) (the kernel follows the <c>page-&gt;mapping</c> pointer).
/// </summary>
/// <remarks>Ids are given in registration order, 1, 2, 3…; 0 means no mapping. Nothing is ever
/// unregistered: an unlinked file's mapping stays, empty, so reports can still name it.</remarks>
public sealed class MappingRegistry
{
    private readonly List<Mapping> mappings = [null!];

    /// <summary>Registered mappings (ids 1..Count).</summary>
    public int Count => mappings.Count - 1;

    /// <summary>The mapping with id <paramref name="id"/>.</summary>
    /// <param name="id">An id from <see cref="Register"/>.</param>
    /// <returns>The mapping.</returns>
    /// <exception cref="ArgumentOutOfRangeException">No such mapping.</exception>
    public Mapping this[int id]
    {
        get
        {
            if (id <= 0 || id >= mappings.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(id), id, "no mapping has this id");
            }

            return mappings[id];
        }
    }

    /// <summary>The mapping with id <paramref name="id"/>, or null for 0.</summary>
    /// <param name="id">0 or a registered id.</param>
    /// <returns>The mapping or null.</returns>
    public Mapping? Find(int id) => id == 0 ? null : this[id];

    /// <summary>Gives <paramref name="mapping"/> the next id.</summary>
    /// <param name="mapping">A mapping not registered yet.</param>
    /// <returns>The same mapping.</returns>
    /// <exception cref="InvalidOperationException">It is registered already.</exception>
    public T Register<T>(T mapping)
        where T : Mapping
    {
        ArgumentNullException.ThrowIfNull(mapping);
        if (mapping.Id != 0)
        {
            throw new InvalidOperationException($"mapping {mapping.Name} is registered already (id {mapping.Id})");
        }

        mapping.Id = mappings.Count;
        mappings.Add(mapping);
        return mapping;
    }
}
