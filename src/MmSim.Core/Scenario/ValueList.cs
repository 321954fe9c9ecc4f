using System.Collections;
using System.Runtime.CompilerServices;

namespace MmSim.Scenario;

/// <summary>
/// An immutable list with value equality, so that configuration records that contain lists
/// compare equal when their contents are equal (the resolved-config round trip relies on it).
/// </summary>
/// <typeparam name="T">Element type; its own <see cref="object.Equals(object)"/> decides element equality.</typeparam>
[CollectionBuilder(typeof(ValueList), nameof(ValueList.Create))]
public readonly struct ValueList<T> : IReadOnlyList<T>, IEquatable<ValueList<T>>
{
    private readonly T[]? _items;

    /// <summary>Wraps a copy of <paramref name="items"/>.</summary>
    /// <param name="items">The elements, in order.</param>
    public ValueList(IEnumerable<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        _items = [.. items];
    }

    private ValueList(T[] items, bool _) => _items = items;

    /// <summary>The empty list.</summary>
    public static ValueList<T> Empty => default;

    /// <inheritdoc/>
    public int Count => _items?.Length ?? 0;

    /// <inheritdoc/>
    public T this[int index] => (_items ?? [])[index];

    /// <summary>The elements as a span, for loops that must not allocate.</summary>
    public ReadOnlySpan<T> AsSpan() => _items;

    /// <summary>Value equality: same length and pairwise-equal elements.</summary>
    /// <param name="left">Left operand.</param>
    /// <param name="right">Right operand.</param>
    /// <returns>Whether the lists are equal.</returns>
    public static bool operator ==(ValueList<T> left, ValueList<T> right) => left.Equals(right);

    /// <summary>Value inequality.</summary>
    /// <param name="left">Left operand.</param>
    /// <param name="right">Right operand.</param>
    /// <returns>Whether the lists differ.</returns>
    public static bool operator !=(ValueList<T> left, ValueList<T> right) => !left.Equals(right);

    /// <inheritdoc/>
    public bool Equals(ValueList<T> other)
    {
        ReadOnlySpan<T> a = _items, b = other._items;
        if (a.Length != b.Length)
        {
            return false;
        }

        EqualityComparer<T> comparer = EqualityComparer<T>.Default;
        for (int i = 0; i < a.Length; i++)
        {
            if (!comparer.Equals(a[i], b[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ValueList<T> other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (T item in AsSpan())
        {
            hash.Add(item);
        }

        return hash.ToHashCode();
    }

    /// <inheritdoc/>
    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)(_items ?? [])).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Lists the elements, for test failure messages.</summary>
    /// <returns>The elements in brackets.</returns>
    public override string ToString() => "[" + string.Join(", ", _items ?? []) + "]";

    internal static ValueList<T> Adopt(T[] items) => new(items, false);
}

/// <summary>Factory for <see cref="ValueList{T}"/>, used by collection expressions.</summary>
public static class ValueList
{
    /// <summary>Creates a list holding a copy of <paramref name="items"/>.</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="items">The elements.</param>
    /// <returns>The list.</returns>
    public static ValueList<T> Create<T>(ReadOnlySpan<T> items) => ValueList<T>.Adopt(items.ToArray());
}
