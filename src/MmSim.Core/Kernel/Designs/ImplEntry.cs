using System.Reflection;

namespace MmSim.Kernel.Designs;

/// <summary>One registered implementation of the mechanism <typeparamref name="T"/>.</summary>
/// <typeparam name="T">The mechanism interface (<c>ICompact</c>, <c>IReclaim</c> …).</typeparam>
public sealed class ImplEntry<T>
    where T : class
{
    private readonly ConstructorInfo? empty;
    private readonly ConstructorInfo? withDeps;

    internal ImplEntry(string name, string description, Type type, ConstructorInfo? empty, ConstructorInfo? withDeps)
    {
        Name = name;
        Description = description;
        Type = type;
        this.empty = empty;
        this.withDeps = withDeps;
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
    /// <exception cref="ConfigurationException">The implementation needs dependencies.</exception>
    public T Create() => empty is not null
        ? (T)empty.Invoke(null)
        : throw new ConfigurationException($"{Type.FullName}: implementation '{Name}' needs its dependencies ({withDeps!.GetParameters()[0].ParameterType.Name})");

    /// <summary>Creates a fresh instance with the kernel's dependencies, for one run.</summary>
    /// <typeparam name="TDeps">The dependency record.</typeparam>
    /// <param name="deps">The dependencies; an implementation with a parameterless constructor ignores them.</param>
    /// <returns>The instance.</returns>
    /// <exception cref="ConfigurationException">The implementation takes another dependency type.</exception>
    public T Create<TDeps>(TDeps deps)
        where TDeps : class
    {
        ArgumentNullException.ThrowIfNull(deps);
        if (withDeps is not null && withDeps.GetParameters()[0].ParameterType.IsAssignableFrom(typeof(TDeps)))
        {
            return (T)withDeps.Invoke([deps]);
        }

        return withDeps is null ? Create()
            : throw new ConfigurationException($"{Type.FullName}: implementation '{Name}' takes {withDeps.GetParameters()[0].ParameterType.Name}, not {typeof(TDeps).Name}");
    }
}
