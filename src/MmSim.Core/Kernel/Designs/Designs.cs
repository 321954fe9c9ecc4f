// Designs by name: the named sets of kernel switches (a release, a patch, a proposal) that a scenario
// selects with kernel.design and `mmsim compare` puts side by side. Owns the table of designs
// (Designs), the switches they set (KernelSwitches, one KernelSwitch declaration each), how a
// scenario's own switches override its design (SwitchOverrides), and the registries of mechanism
// implementations chosen by name (ImplRegistry, Mechanisms). Sits below Scenario, Runs and the CLI.
namespace MmSim.Kernel.Designs;

/// <summary>
/// Every design mmsim knows, one entry each, oldest first; the order of <c>mmsim designs</c> and of
/// the columns of <c>mmsim compare</c>.
/// </summary>
/// <remarks>
/// To add a design, add its entry to <see cref="All"/>: name, what it stands for, one line on what
/// it changes, and the switches it sets (the others keep their <see cref="KernelSwitches"/> defaults).
/// The table is checked when first used: unique, well-formed names; known releases; registered implementations.
/// </remarks>
public static class Designs
{
    /// <summary>The design of a scenario that names none.</summary>
    public const string DefaultName = "linux-6.18";

    /// <summary>Every design, oldest first.</summary>
    /// <remarks>Release designs leave <c>fallback</c> at <c>auto</c>: it follows the release, also when a scenario sets another one.</remarks>
    public static IReadOnlyList<Design> All { get; } = Checked(
    [
        new("linux-6.12", "Linux 6.12.0–6.12.28",
            "fallback by __rmqueue_fallback (steal the largest buddy, maybe claim its block); pre-6.16 proactive marks; no isolate bit",
            new KernelSwitches { Release = "6.12", Compaction = "mainline", Reclaim = "mainline" }),
        new("linux-6.18", "Linux 6.18 (allocator as since 6.15)",
            "fallback by __rmqueue_claim, then __rmqueue_steal of the smallest buddy (6.15); 6.16 proactive marks; isolate bit (6.17)",
            new KernelSwitches { Release = "6.18", Compaction = "mainline", Reclaim = "mainline" }),
    ]);

    /// <summary>The names of <see cref="All"/>, in the same order.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. All.Select(d => d.Name)];

    /// <summary>The design of a scenario that names none (<see cref="DefaultName"/>).</summary>
    public static Design Default { get; } = Find(DefaultName)!;

    /// <summary>The design named <paramref name="name"/> (exact, case-sensitive), or null.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The design, or null.</returns>
    public static Design? Find(string name) => All.FirstOrDefault(d => d.Name == name);

    /// <summary>The design named <paramref name="name"/>.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The design.</returns>
    /// <exception cref="ConfigurationException">No design has that name; the message is <see cref="UnknownMessage"/>.</exception>
    public static Design Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Find(name) ?? throw new ConfigurationException(UnknownMessage(name));
    }

    /// <summary>The one-line message for a name no design has.</summary>
    /// <param name="name">The unknown name.</param>
    /// <returns>"unknown design 'linux-6.17'; did you mean 'linux-6.18'?", or the known names when none is close.</returns>
    public static string UnknownMessage(string name)
    {
        string? close = Suggest.ClosestVersioned(name, Names);
        return close is null
            ? $"unknown design '{name}'; known designs: {string.Join(", ", Names)}"
            : $"unknown design '{name}'; did you mean '{close}'?";
    }

    private static Design[] Checked(Design[] designs)
    {
        for (int i = 0; i < designs.Length; i++)
        {
            Design d = designs[i];
            if (designs.Take(i).Any(e => e.Name == d.Name))
            {
                throw new ConfigurationException($"two designs are named '{d.Name}'");
            }

            // Names go on command lines and in YAML unquoted: lower case, digits, dots and dashes.
            if (d.Name.Length == 0 || !char.IsAsciiLetterLower(d.Name[0]) || !d.Name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-'))
            {
                throw new ConfigurationException($"design name '{d.Name}' must start with a lower-case letter and hold only lower-case letters, digits, dots and dashes");
            }

            // Each switch must print as one of its words, and read back from it (a typo in an entry fails here).
            foreach (KernelSwitch s in KernelSwitches.All)
            {
                s.With(d.Switches, s.Text(d.Switches));
            }
        }

        return designs;
    }
}
