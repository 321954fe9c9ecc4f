using System.Reflection;
using MmSim.Mm;

namespace MmSim.Kernel.Designs;

/// <summary>
/// The implementations of one mechanism interface by name (Ramulator's factory): every class of
/// the interface's assembly that implements <typeparamref name="T"/> and carries
/// <see cref="ImplAttribute"/>, found once when the registry is built.
/// </summary>
/// <typeparam name="T">The mechanism interface.</typeparam>
/// <remarks>
/// Reflection runs only in <see cref="Scan"/> (a type scan, once per registry) and in each
/// <see cref="ImplEntry{T}.Create"/> (one constructor call per run, before time 0); never while the
/// engine runs. A bad declaration (two classes with one name, a bad name, no usable constructor)
/// throws <see cref="ConfigurationException"/> when the registry is built. An implementation has a
/// public constructor taking nothing, or one taking a single dependency record (e.g.
/// <c>CompactDeps</c>: the allocator, migration and the task accessor of the kernel being built),
/// so a mechanism that needs the kernel's other parts is created by the kernel, not before it.
/// </remarks>
public sealed class ImplRegistry<T>
    where T : class
{
    private readonly ImplEntry<T>[] entries;

    private ImplRegistry(string mechanism, ImplEntry<T>[] entries)
    {
        Mechanism = mechanism;
        this.entries = entries;
        Names = Array.ConvertAll(entries, e => e.Name);
    }

    /// <summary>What the mechanism is called in messages: <c>compaction</c>, <c>reclaim</c>.</summary>
    public string Mechanism { get; }

    /// <summary>Every implementation, sorted by name (ordinal), so listings are stable.</summary>
    public IReadOnlyList<ImplEntry<T>> Entries => entries;

    /// <summary>The names of <see cref="Entries"/>, in the same order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Finds every implementation of <typeparamref name="T"/> in its assembly.</summary>
    /// <param name="mechanism">What the mechanism is called in messages.</param>
    /// <returns>The registry.</returns>
    /// <exception cref="ConfigurationException">An implementation is declared wrongly.</exception>
    public static ImplRegistry<T> Scan(string mechanism) => FromTypes(mechanism, typeof(T).Assembly.GetTypes());

    /// <summary>Builds a registry from the given classes (the assembly's for <see cref="Scan"/>; a chosen few in tests).</summary>
    /// <param name="mechanism">What the mechanism is called in messages.</param>
    /// <param name="types">Candidate classes; those not implementing <typeparamref name="T"/> or without the attribute are ignored.</param>
    /// <returns>The registry.</returns>
    /// <exception cref="ConfigurationException">An implementation is declared wrongly.</exception>
    internal static ImplRegistry<T> FromTypes(string mechanism, IEnumerable<Type> types)
    {
        var found = new List<ImplEntry<T>>();
        foreach (Type type in types)
        {
            if (type.GetCustomAttribute<ImplAttribute>() is { } impl && typeof(T).IsAssignableFrom(type))
            {
                found.Add(Entry(mechanism, type, impl));
            }
        }

        found.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        for (int i = 1; i < found.Count; i++)
        {
            if (found[i].Name == found[i - 1].Name)
            {
                throw new ConfigurationException(
                    $"two {mechanism} implementations are named '{found[i].Name}': {found[i - 1].Type.FullName} and {found[i].Type.FullName}");
            }
        }

        return new ImplRegistry<T>(mechanism, [.. found]);
    }

    /// <summary>The implementation registered under <paramref name="name"/> (exact, case-sensitive), or null.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The entry, or null.</returns>
    public ImplEntry<T>? Find(string name) => Array.Find(entries, e => e.Name == name);

    /// <summary>Creates the implementation registered under <paramref name="name"/> (one that needs no dependencies).</summary>
    /// <param name="name">The name.</param>
    /// <returns>A fresh instance.</returns>
    /// <exception cref="ConfigurationException">Nothing is registered under the name; the message suggests the closest one.</exception>
    public T Create(string name) => Get(name).Create();

    /// <summary>Creates the implementation registered under <paramref name="name"/> with the kernel's dependencies.</summary>
    /// <typeparam name="TDeps">The dependency record the mechanism's implementations take.</typeparam>
    /// <param name="name">The name.</param>
    /// <param name="deps">The dependencies (ignored by an implementation with a parameterless constructor).</param>
    /// <returns>A fresh instance.</returns>
    /// <exception cref="ConfigurationException">Nothing is registered under the name.</exception>
    public T Create<TDeps>(string name, TDeps deps)
        where TDeps : class => Get(name).Create(deps);

    /// <summary>The entry registered under <paramref name="name"/>.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The entry.</returns>
    /// <exception cref="ConfigurationException">Nothing is registered under the name; the message suggests the closest one.</exception>
    public ImplEntry<T> Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Find(name) ?? throw new ConfigurationException(UnknownMessage(name));
    }

    /// <summary>The one-line message for an unknown name.</summary>
    /// <param name="name">The unknown name.</param>
    /// <returns>"unknown reclaim implementation 'nnone'; did you mean 'none'?", or the known names.</returns>
    public string UnknownMessage(string name)
    {
        string? close = Suggest.Closest(name, Names);
        return close is null
            ? $"unknown {Mechanism} implementation '{name}'; known: {string.Join(", ", Names)}"
            : $"unknown {Mechanism} implementation '{name}'; did you mean '{close}'?";
    }

    private static ImplEntry<T> Entry(string mechanism, Type type, ImplAttribute impl)
    {
        if (!IsName(impl.Name))
        {
            throw new ConfigurationException($"{type.FullName}: {mechanism} implementation name '{impl.Name}' must be lower case letters, digits and dashes");
        }

        ConstructorInfo[] ctors = type.IsAbstract ? [] : type.GetConstructors();
        ConstructorInfo? empty = Array.Find(ctors, c => c.GetParameters().Length == 0);
        ConstructorInfo? withDeps = Array.Find(ctors, c => c.GetParameters().Length == 1);
        if (empty is null && withDeps is null)
        {
            throw new ConfigurationException($"{type.FullName}: {mechanism} implementation '{impl.Name}' needs a public constructor taking nothing or one dependency record");
        }

        return new ImplEntry<T>(impl.Name, impl.Description, type, empty, withDeps);
    }

    private static bool IsName(string name) =>
        name.Length is > 0 and <= 64 && char.IsAsciiLetterLower(name[0]) && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');
}
