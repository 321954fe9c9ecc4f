using MmSim.Kernel.Designs;

namespace MmSim.Scenario;

/// <summary>Where the scenario came from and where problems go, shared by every reader and binder of one load.</summary>
internal sealed class LoadContext(string file, string directoryForMessages, string baseDirectory)
{
    /// <summary>The scenario file as the caller named it.</summary>
    public string File { get; } = file;

    /// <summary>Folder of <see cref="File"/> as the caller named it (for naming referenced files in messages).</summary>
    public string DirectoryForMessages { get; } = directoryForMessages;

    /// <summary>Absolute folder against which relative paths in the scenario are resolved.</summary>
    public string BaseDirectory { get; } = baseDirectory;

    /// <summary>Design chosen on the command line, which replaces the file's <c>kernel.design</c>; null: the file's.</summary>
    public Design? Design { get; init; }

    public List<ScenarioError> Errors { get; } = [];

    // memcg: each workload's `cgroup` reference, checked against the cgroups section once the whole file is read.
    public List<(Mark At, string Path, string Name)> CgroupRefs { get; } = [];

    /// <summary>Memory blocks named by steps (offline, online), checked against the machine once it is known.</summary>
    public List<(Mark At, string Path, long Block)> MemoryBlockRefs { get; } = [];

    /// <summary>CMA areas named by steps (cma_alloc), checked against the machine's <c>cma</c> list once it is known.</summary>
    public List<(Mark At, string Path, string Area)> CmaAreaRefs { get; } = [];

    public void Error(Mark at, string path, string message) => Errors.Add(new ScenarioError(File, at.Line, at.Column, path, message));

    /// <summary>Adds problems found in another file (an op script), tagged with the scenario field that references it.</summary>
    public void AddForeign(IEnumerable<ScenarioError> errors, string path)
    {
        foreach (ScenarioError e in errors)
        {
            Errors.Add(e with { FieldPath = path });
        }
    }

    /// <summary>Names a file referenced by the scenario the way the user would: relative to how they named the scenario.</summary>
    public string NameForMessages(string relativePath) =>
        System.IO.Path.IsPathRooted(relativePath) || DirectoryForMessages.Length == 0
            ? relativePath
            : System.IO.Path.Combine(DirectoryForMessages, relativePath);
}
