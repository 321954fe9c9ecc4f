using MmSim.Sim;

namespace MmSim.Workloads;

/// <summary>
/// A weighted random choice, built once: values with a positive weight and their running sums.
/// <see cref="Pick"/> draws exactly one number per choice.
/// </summary>
/// <typeparam name="T">Value type.</typeparam>
internal sealed class WeightedTable<T>
{
    private readonly T[] values;
    private readonly long[] cumulative;

    /// <summary>Builds the table; entries of weight 0 or less are dropped.</summary>
    /// <param name="entries">(value, weight) pairs.</param>
    /// <exception cref="ArgumentException">No entry has a positive weight.</exception>
    public WeightedTable(IEnumerable<(T Value, long Weight)> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var v = new List<T>();
        var c = new List<long>();
        long sum = 0;
        foreach ((T value, long weight) in entries)
        {
            if (weight <= 0)
            {
                continue;
            }

            sum += weight;
            v.Add(value);
            c.Add(sum);
        }

        if (v.Count == 0)
        {
            throw new ArgumentException("a weight table needs at least one positive weight", nameof(entries));
        }

        values = [.. v];
        cumulative = [.. c];
    }

    /// <summary>Draws a value with probability proportional to its weight (one <see cref="Prng.NextBelow"/>).</summary>
    /// <param name="prng">The stream to draw from.</param>
    /// <returns>The value chosen.</returns>
    public T Pick(Prng prng)
    {
        long r = (long)prng.NextBelow((ulong)cumulative[^1]);
        int i = 0;
        while (cumulative[i] <= r)
        {
            i++;
        }

        return values[i];
    }
}
