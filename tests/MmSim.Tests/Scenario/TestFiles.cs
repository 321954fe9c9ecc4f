using MmSim.Scenario;

namespace MmSim.Tests.Scenario;

/// <summary>Paths into the repository and helpers to load scenario text.</summary>
internal static class TestFiles
{
    /// <summary>The repository root: the nearest folder above the test binaries holding mmsim.slnx.</summary>
    public static string RepoRoot { get; } = FindRoot();

    public static LoadResult Load(string yaml, string file = "test.yaml") => ScenarioLoader.LoadFromString(yaml, file);

    /// <summary>Every problem of <paramref name="yaml"/>, one formatted line each.</summary>
    public static string[] Errors(string yaml, string file = "test.yaml") => [.. Load(yaml, file).Errors.Select(e => e.ToString())];

    /// <summary>A valid minimal scenario with <paramref name="extra"/> appended at the top level.</summary>
    public static string Minimal(string extra = "") =>
        "version: 1\nmachine:\n  zones:\n    - name: Normal\n      size: 1GiB\n" + extra;

    public static ScenarioConfig LoadOk(string yaml, string file = "test.yaml")
    {
        LoadResult r = Load(yaml, file);
        Assert.True(r.Success, string.Join("\n", r.Errors));
        return r.Config!;
    }

    private static string FindRoot()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "mmsim.slnx")))
            {
                return d.FullName;
            }
        }

        throw new InvalidOperationException("mmsim.slnx not found above " + AppContext.BaseDirectory);
    }
}
