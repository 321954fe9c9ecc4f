using MmSim.Kernel.Designs;
using MmSim.Scenario;

namespace MmSim.Cli.Commands;

/// <summary>Design names given on the command line (<c>--design</c>, <c>--designs</c>): lookup, errors and notes.</summary>
internal static class DesignNames
{
    /// <summary>Looks up one design, or prints the one-line error (with did-you-mean).</summary>
    /// <param name="name">The name as given.</param>
    /// <returns>The design, or null after printing the error.</returns>
    public static Design? Find(string name)
    {
        Design? design = Designs.Find(name.Trim());
        if (design is null)
        {
            Console.Error.WriteLine($"mmsim: {Designs.UnknownMessage(name.Trim())}");
        }

        return design;
    }

    /// <summary>Parses a comma-separated list of designs, or prints the first problem as one line.</summary>
    /// <param name="list">The list as given (<c>linux-6.12,linux-6.18</c>).</param>
    /// <returns>The designs in the order given, or null after printing the error.</returns>
    public static IReadOnlyList<Design>? FindAll(string list)
    {
        var designs = new List<Design>();
        foreach (string name in list.Split(','))
        {
            if (name.Trim().Length == 0)
            {
                Console.Error.WriteLine($"mmsim: --designs has an empty name in '{list}'; give names separated by commas (see 'mmsim designs')");
                return null;
            }

            if (Find(name) is not { } design)
            {
                return null;
            }

            if (designs.Contains(design))
            {
                Console.Error.WriteLine($"mmsim: --designs names '{design.Name}' twice");
                return null;
            }

            designs.Add(design);
        }

        return designs;
    }

    /// <summary>
    /// Says on stderr which switches of <paramref name="design"/> the scenario overrides, so that a
    /// run or a comparison column that is not quite the design is not taken for it.
    /// </summary>
    /// <param name="config">The scenario, loaded under <paramref name="design"/>.</param>
    /// <param name="design">The design chosen on the command line.</param>
    public static void NoteOverrides(ScenarioConfig config, Design design)
    {
        var differences = config.Kernel.Switches.Differences(design.Switches);
        if (differences.Count == 0)
        {
            return;
        }

        string what = string.Join(", ", differences.Select(d => $"{d.Switch.Name} {d.Value} (design: {d.OtherValue})"));
        Console.Error.WriteLine($"mmsim: note: the scenario's kernel switches override {design.Name}: {what}");
    }
}
