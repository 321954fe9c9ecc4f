namespace MmSim.Kernel.Designs;

/// <summary>One registered implementation of the mechanism <typeparamref name="T"/>.</summary>
/// <typeparam name="T">The mechanism interface (<c>ICompact</c>, <c>IReclaim</c> …).</typeparam>
public sealed class ImplEntry<T>
    where T : class
{
    private readonly Func<T> factory;

    internal ImplEntry(string name, string description, Type type, Func<T> factory)
    {
        Name = name;
        Description = description;
        Type = type;
        this.factory = factory;
    }

    /// <summary>The name designs and scenarios select it by (<see cref="Mm.ImplAttribute.Name"/>).</summary>
    public string Name { get; }

    /// <summary>One line on what it does.</summary>
    public string Description { get; }

    /// <summary>The implementing class.</summary>
    public Type Type { get; }

    /// <summary>Creates a fresh instance, for one run.</summary>
    /// <returns>The instance.</returns>
    /// <remarks>Called while a run is set up, before time 0; an instance may keep per-run state (deferral counters).</remarks>
    public T Create() => factory();
}
