namespace MmSim.Kernel.Designs;

/// <summary>
/// Declaration of one switch of <see cref="KernelSwitches"/>: its key under <c>kernel</c> in a
/// scenario, its doc line, the words it accepts, and how it reads and writes its value as text.
/// The scenario schema, the resolved config and <c>mmsim designs</c> all work from these.
/// </summary>
public sealed class KernelSwitch
{
    private readonly Func<KernelSwitches, string> text;
    private readonly Func<KernelSwitches, string, KernelSwitches> with;

    /// <summary>Declares a switch.</summary>
    /// <param name="name">Key under <c>kernel</c> (kernel spelling, lower case).</param>
    /// <param name="doc">One line for the schema reference.</param>
    /// <param name="choices">Every word the switch accepts.</param>
    /// <param name="text">Reads the value as one of <paramref name="choices"/>.</param>
    /// <param name="with">Returns the switches with the value set from one of <paramref name="choices"/>.</param>
    /// <param name="unknown">Message for a word not in <paramref name="choices"/> (a registry's did-you-mean); null: the generic one.</param>
    public KernelSwitch(
        string name,
        string doc,
        IReadOnlyList<string> choices,
        Func<KernelSwitches, string> text,
        Func<KernelSwitches, string, KernelSwitches> with,
        Func<string, string>? unknown = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(choices);
        Name = name;
        Doc = doc;
        Choices = choices;
        this.text = text;
        this.with = with;
        UnknownMessage = unknown;
    }

    /// <summary>Key under <c>kernel</c>: <c>release</c>, <c>fallback</c> ….</summary>
    public string Name { get; }

    /// <summary>One line for the schema reference.</summary>
    public string Doc { get; }

    /// <summary>Every word the switch accepts.</summary>
    public IReadOnlyList<string> Choices { get; }

    /// <summary>Message for a word not in <see cref="Choices"/>, when the switch has a better one than "expected one of"; else null.</summary>
    public Func<string, string>? UnknownMessage { get; }

    /// <summary>The switch's value in <paramref name="switches"/>, as text.</summary>
    /// <param name="switches">The switches.</param>
    /// <returns>One of <see cref="Choices"/>.</returns>
    public string Text(KernelSwitches switches) => text(switches);

    /// <summary>The switches with this one set to <paramref name="value"/>.</summary>
    /// <param name="switches">The switches.</param>
    /// <param name="value">One of <see cref="Choices"/>.</param>
    /// <returns>A copy with the value set.</returns>
    /// <exception cref="ConfigurationException"><paramref name="value"/> is not one of <see cref="Choices"/>.</exception>
    public KernelSwitches With(KernelSwitches switches, string value)
    {
        if (!Choices.Contains(value))
        {
            throw new ConfigurationException(UnknownMessage?.Invoke(value) ?? $"kernel switch {Name}: '{value}' is not one of {string.Join(", ", Choices)}");
        }

        return with(switches, value);
    }
}
