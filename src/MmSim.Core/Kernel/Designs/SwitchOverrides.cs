namespace MmSim.Kernel.Designs;

/// <summary>
/// The switches a scenario writes under <c>kernel</c> (as text, in <see cref="KernelSwitches.All"/>
/// order): its changes to its design. Resolves them against that design, or against another one
/// chosen on the command line.
/// </summary>
/// <remarks>
/// The rule: a written switch wins over the design; an unwritten one is the design's; <c>auto</c>
/// (written, or the design's) follows the release in force. Against another design
/// (<c>--design</c>), only the written switches that change the scenario's own design are carried
/// over: one that repeats what that design gives anyway (<c>release: 6.18</c> under
/// <c>linux-6.18</c>, every switch of a <c>config.resolved.yaml</c>) follows the new design.
/// </remarks>
public sealed class SwitchOverrides
{
    private readonly (KernelSwitch Switch, string Value)[] written;

    /// <summary>Creates the set.</summary>
    /// <param name="written">Each switch the scenario writes, with its word.</param>
    /// <exception cref="ArgumentException">A switch is written twice.</exception>
    public SwitchOverrides(IEnumerable<(KernelSwitch Switch, string Value)> written)
    {
        ArgumentNullException.ThrowIfNull(written);
        this.written = [.. written];
        if (this.written.Select(w => w.Switch.Name).Distinct().Count() != this.written.Length)
        {
            throw new ArgumentException("a switch is written twice", nameof(written));
        }
    }

    /// <summary>How many switches are written.</summary>
    public int Count => written.Length;

    /// <summary>The switches in force: <paramref name="design"/>'s, with every written one set, resolved.</summary>
    /// <param name="design">The design.</param>
    /// <returns>The resolved switches.</returns>
    public KernelSwitches ApplyTo(Design design)
    {
        ArgumentNullException.ThrowIfNull(design);
        KernelSwitches s = design.Switches;
        foreach ((KernelSwitch sw, string value) in written)
        {
            s = sw.With(s, value);
        }

        return s.Resolved();
    }

    /// <summary>The switches in force when a scenario written for <paramref name="scenarioDesign"/> runs under <paramref name="design"/>.</summary>
    /// <param name="scenarioDesign">The design the scenario names (or the default).</param>
    /// <param name="design">The design to run: the same, or one chosen on the command line.</param>
    /// <returns>The resolved switches.</returns>
    public KernelSwitches Resolve(Design scenarioDesign, Design design)
    {
        ArgumentNullException.ThrowIfNull(scenarioDesign);
        ArgumentNullException.ThrowIfNull(design);
        return design.Name == scenarioDesign.Name ? ApplyTo(design) : ChangesTo(scenarioDesign).ApplyTo(design);
    }

    /// <summary>The written switches that change <paramref name="design"/>: leaving one out would give another value for it.</summary>
    /// <param name="design">The design the scenario names.</param>
    /// <returns>The subset, in the same order.</returns>
    public SwitchOverrides ChangesTo(Design design)
    {
        KernelSwitches all = ApplyTo(design);
        var changes = new List<(KernelSwitch, string)>();
        for (int i = 0; i < written.Length; i++)
        {
            KernelSwitch sw = written[i].Switch;
            KernelSwitches without = new SwitchOverrides(written.Where((_, j) => j != i)).ApplyTo(design);
            if (sw.Text(without) != sw.Text(all))
            {
                changes.Add(written[i]);
            }
        }

        return new SwitchOverrides(changes);
    }
}
