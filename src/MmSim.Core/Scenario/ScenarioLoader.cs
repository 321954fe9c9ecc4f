using MmSim.Kernel.Designs;

namespace MmSim.Scenario;

/// <summary>The outcome of loading a scenario: a config, or every problem found.</summary>
/// <param name="Config">The resolved config; null whenever <paramref name="Errors"/> is not empty.</param>
/// <param name="Errors">Every problem, sorted by file and position; empty on success.</param>
public sealed record LoadResult(ScenarioConfig? Config, IReadOnlyList<ScenarioError> Errors)
{
    /// <summary>Whether the scenario loaded without problems.</summary>
    public bool Success => Config is not null && Errors.Count == 0;
}

/// <summary>
/// Loads scenario files (YAML, schema version 1) into a resolved <see cref="ScenarioConfig"/>,
/// collecting every problem as a one-line <see cref="ScenarioError"/>: unknown keys (with
/// "did you mean"), wrong types and units, out-of-range values, impossible machines, missing
/// fields, duplicate keys, YAML syntax errors, and problems in referenced op scripts.
/// </summary>
/// <remarks>
/// Never throws for a bad scenario; only a bug in mmsim itself can escape as an exception.
/// Nothing large is allocated from what the file says: machine sizes are checked against
/// <see cref="MachineConfig.TotalBytesMax"/> here, before any engine sizes its arrays.
/// The field reference is <c>docs/scenario-schema.md</c> (<see cref="SchemaDoc"/>).
/// </remarks>
public static class ScenarioLoader
{
    /// <summary>Largest scenario file accepted; a scenario is a page or two of YAML.</summary>
    public const long FileBytesMax = 1 << 20;

    /// <summary>Loads and resolves a scenario file.</summary>
    /// <param name="path">The file; messages name it exactly as given.</param>
    /// <param name="design">A design chosen on the command line, replacing the file's <c>kernel.design</c>
    /// (the file's switches that change its own design still win: <see cref="SwitchOverrides"/>); null: the file's.</param>
    /// <returns>The config, or the problems.</returns>
    public static LoadResult Load(string path, Design? design = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!TryRead(path, out string text, out ScenarioError? error))
        {
            return new LoadResult(null, [error!]);
        }

        return LoadFromString(text, path, design);
    }

    /// <summary>Loads and resolves scenario text; relative paths in it resolve against the folder of <paramref name="pathForMessages"/>.</summary>
    /// <param name="text">The YAML text.</param>
    /// <param name="pathForMessages">The file name to print in messages (and whose folder relative paths start from).</param>
    /// <param name="design">A design replacing the text's <c>kernel.design</c>, as in <see cref="Load"/>; null: the text's.</param>
    /// <returns>The config, or the problems.</returns>
    public static LoadResult LoadFromString(string text, string pathForMessages, Design? design = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(pathForMessages);
        string directory = Path.GetDirectoryName(pathForMessages) ?? string.Empty;
        var ctx = new LoadContext(pathForMessages, directory, Path.GetFullPath(directory.Length == 0 ? "." : directory)) { Design = design };
        var yamlErrors = new List<ScenarioError>();
        YNode? root = YamlTree.Load(text, pathForMessages, yamlErrors);
        ctx.Errors.AddRange(yamlErrors);
        ScenarioConfig? config = null;
        if (root is YMapping mapping)
        {
            config = (ScenarioConfig?)SchemaReader.ReadSection(mapping, ScenarioSchema.Root, ctx);
        }
        else if (yamlErrors.Count == 0)
        {
            string got = root is null ? "the file is empty" : $"the file holds {root.KindName}";
            ctx.Error(root?.Start ?? new Mark(1, 1), string.Empty, $"{got}; a scenario is a YAML mapping starting with 'version: 1'");
        }

        IReadOnlyList<ScenarioError> errors = Sorted(ctx.Errors, pathForMessages);
        return new LoadResult(errors.Count == 0 ? config : null, errors);
    }

    /// <summary>Checks a scenario file and returns every problem (empty when it is valid); what <c>mmsim validate</c> prints.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The problems, one line each via <see cref="ScenarioError.ToString"/>.</returns>
    public static IReadOnlyList<ScenarioError> Validate(string path) => Load(path).Errors;

    /// <summary>Loads a scenario or throws with every problem.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The resolved config.</returns>
    /// <exception cref="ScenarioException">The scenario has problems; <see cref="ScenarioException.Errors"/> lists them.</exception>
    public static ScenarioConfig LoadOrThrow(string path)
    {
        LoadResult result = Load(path);
        return result.Config ?? throw new ScenarioException(result.Errors);
    }

    private static bool TryRead(string path, out string text, out ScenarioError? error)
    {
        text = string.Empty;
        error = null;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                // A folder is not a missing file: say what it is, so the user does not hunt for a typo.
                error = new ScenarioError(path, 0, 0, string.Empty, Directory.Exists(path)
                    ? "is a directory; give a scenario file (YAML), e.g. scenarios/default.yaml"
                    : "scenario file not found");
                return false;
            }

            if (info.Length > FileBytesMax)
            {
                error = new ScenarioError(path, 0, 0, string.Empty, $"file is {Units.FormatSize(info.Length)}; a scenario file is at most {Units.FormatSize(FileBytesMax)}");
                return false;
            }

            text = File.ReadAllText(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            error = new ScenarioError(path, 0, 0, string.Empty, $"cannot read the scenario file: {e.Message}");
            return false;
        }
    }

    // The scenario's own problems first, by position; then those of referenced files. Whole-file
    // notes (line 0) close their file's group. OrderBy is stable, so ties keep discovery order.
    private static List<ScenarioError> Sorted(List<ScenarioError> errors, string file) =>
    [
        .. errors
            .OrderBy(e => e.File == file ? 0 : 1)
            .ThenBy(e => e.File, StringComparer.Ordinal)
            .ThenBy(e => e.Line == 0 ? int.MaxValue : e.Line)
            .ThenBy(e => e.Column),
    ];
}
