using System.Globalization;

namespace MmSim.Runs.Sweep;

/// <summary>
/// Which indices of a sweep one invocation runs. Precedence: <c>--index I</c>, then <c>--shard I/N</c> (indices i with
/// i % N == I), then the environment's <c>JOB_COMPLETION_INDEX</c> (a Kubernetes Indexed Job), then
/// <c>SLURM_ARRAY_TASK_ID</c> (a Slurm job array), each meaning "run that one index"; with none of them, every index.
/// </summary>
public static class SweepIndices
{
    /// <summary>The index a Kubernetes Indexed Job gives each pod.</summary>
    public const string KubernetesVariable = "JOB_COMPLETION_INDEX";

    /// <summary>The index a Slurm job array gives each task.</summary>
    public const string SlurmVariable = "SLURM_ARRAY_TASK_ID";

    /// <summary>Resolves the indices to run.</summary>
    /// <param name="index">--index, or null.</param>
    /// <param name="shard">--shard as written (<c>I/N</c>), or null.</param>
    /// <param name="environment">Reads an environment variable (null when unset); tests pass their own.</param>
    /// <param name="count">Runs in the sweep.</param>
    /// <param name="indices">The indices, ascending.</param>
    /// <param name="source">Where they came from, for messages: <c>--index</c>, <c>--shard</c>, a variable's name or <c>all</c>.</param>
    /// <param name="error">One line saying what is wrong, or null.</param>
    /// <returns>Whether the indices resolved.</returns>
    public static bool TryResolve(int? index, string? shard, Func<string, string?> environment, int count,
        out IReadOnlyList<int> indices, out string source, out string? error)
    {
        ArgumentNullException.ThrowIfNull(environment);
        indices = [];
        error = null;
        if (index is not null && shard is not null)
        {
            source = "--index";
            error = "give --index or --shard, not both";
            return false;
        }

        if (index is int i)
        {
            source = "--index";
            return One(i, source, count, out indices, out error);
        }

        if (shard is not null)
        {
            source = "--shard";
            if (!TryParseShard(shard, out int part, out int parts))
            {
                error = $"--shard '{shard}': expected I/N with 0 <= I < N, e.g. 0/4";
                return false;
            }

            var list = new List<int>();
            for (int k = part; k < count; k += parts)
            {
                list.Add(k);
            }

            indices = list;
            return true;
        }

        foreach (string variable in (string[])[KubernetesVariable, SlurmVariable])
        {
            if (environment(variable) is { Length: > 0 } text)
            {
                source = variable;
                if (!int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int fromEnv))
                {
                    error = $"{variable}='{text}' is not an index (a whole number from 0)";
                    return false;
                }

                return One(fromEnv, source, count, out indices, out error);
            }
        }

        source = "all";
        indices = [.. Enumerable.Range(0, count)];
        return true;
    }

    /// <summary>Parses <c>I/N</c>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="part">I.</param>
    /// <param name="parts">N.</param>
    /// <returns>Whether it is a valid shard (0 ≤ I &lt; N).</returns>
    public static bool TryParseShard(string text, out int part, out int parts)
    {
        ArgumentNullException.ThrowIfNull(text);
        part = parts = 0;
        string[] halves = text.Split('/');
        return halves.Length == 2
            && int.TryParse(halves[0], NumberStyles.None, CultureInfo.InvariantCulture, out part)
            && int.TryParse(halves[1], NumberStyles.None, CultureInfo.InvariantCulture, out parts)
            && parts >= 1 && part < parts;
    }

    private static bool One(int i, string source, int count, out IReadOnlyList<int> indices, out string? error)
    {
        indices = [];
        error = null;
        if (i < 0 || i >= count)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"{source} {i}: the sweep has indices 0 .. {count - 1}");
            return false;
        }

        indices = [i];
        return true;
    }
}
