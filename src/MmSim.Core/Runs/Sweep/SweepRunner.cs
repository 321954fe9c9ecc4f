using System.Diagnostics;
using System.Globalization;
using MmSim.Scenario;

namespace MmSim.Runs.Sweep;

/// <summary>What a sweep invocation did.</summary>
/// <param name="Ran">Indices run now.</param>
/// <param name="Skipped">Indices already finished in the folder (not run again).</param>
/// <param name="Interrupted">Whether it stopped before running every index it was given.</param>
public sealed record SweepRunResult(IReadOnlyList<int> Ran, IReadOnlyList<int> Skipped, bool Interrupted)
{
    /// <summary>Indices whose run failed (a worker process that exited non-zero or was killed), by index; empty
    /// when none did. A failed index has no run folder, so a rerun retries it.</summary>
    public IReadOnlyList<SweepFailure> Failed { get; init; } = [];
}

/// <summary>An index whose worker failed.</summary>
/// <param name="Index">The run's index.</param>
/// <param name="ExitCode">The worker's exit code (on Linux, 128 + N when signal N killed it).</param>
/// <param name="LastLine">The worker's last non-empty line of standard error (else of standard output); empty when it wrote none.</param>
public sealed record SweepFailure(int Index, int ExitCode, string LastLine);

/// <summary>One run finished, for progress displays.</summary>
/// <param name="Index">The run's index.</param>
/// <param name="Done">Runs of this invocation finished so far (skipped ones included).</param>
/// <param name="Total">Runs this invocation has.</param>
/// <param name="WallSeconds">Wall time the run took (0 when skipped).</param>
/// <param name="Skipped">Whether it was already finished.</param>
/// <param name="Failure">Why it failed (a worker process's exit), null when it finished or was skipped.</param>
public sealed record SweepProgress(int Index, int Done, int Total, double WallSeconds, bool Skipped, SweepFailure? Failure = null);

/// <summary>
/// Runs indices of a sweep into a sweep folder, on a pool of worker threads. Each run is written to a temporary
/// folder (<c>runs/.tmp-INDEX-HOST-PID-N</c>) that gets its <c>done</c> marker last and is then renamed to
/// <c>runs/INDEX</c>, so a run folder is either complete or absent; a finished index is never run again, so an
/// interrupted sweep resumes where it stopped. Results do not depend on the order runs finish in.
/// </summary>
public static class SweepRunner
{
    private static long _tempCounter;

    /// <summary>Checks every point and design the given indices need, before anything runs.</summary>
    /// <param name="sweep">The sweep.</param>
    /// <param name="indices">The indices.</param>
    /// <param name="configs">Per point and design position, the loaded scenario (null where not needed).</param>
    /// <returns>Every problem, located in the sweep file; empty when all load.</returns>
    public static IReadOnlyList<ScenarioError> LoadConfigs(SweepDefinition sweep, IReadOnlyList<int> indices, out ScenarioConfig?[,] configs)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        ArgumentNullException.ThrowIfNull(indices);
        configs = new ScenarioConfig?[sweep.Points.Count, sweep.Designs.Count];
        var tried = new bool[sweep.Points.Count, sweep.Designs.Count];
        var errors = new List<ScenarioError>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (int i in indices)
        {
            SweepRun run = sweep.RunAt(i);
            int d = i / sweep.Seeds % sweep.Designs.Count;
            if (!tried[run.Point, d])
            {
                tried[run.Point, d] = true;
                configs[run.Point, d] = SweepLoader.LoadPoint(sweep, run.Point, run.Design, errors, seen);
            }
        }

        return errors;
    }

    /// <summary>Writes the sweep folder's <c>sweep.json</c>, or checks the one there describes this sweep.</summary>
    /// <param name="sweep">The sweep.</param>
    /// <param name="outDir">The sweep folder.</param>
    /// <returns>The manifest.</returns>
    /// <exception cref="IOException">The folder holds runs of another sweep.</exception>
    public static SweepManifest Prepare(SweepDefinition sweep, string outDir)
    {
        SweepManifest manifest = SweepManifest.Of(sweep);
        string path = Path.Combine(outDir, SweepFiles.ManifestFile);
        if (File.Exists(path) && !SweepManifest.Read(outDir).SameSweep(manifest))
        {
            throw new IOException($"{outDir} holds runs of another sweep ({SweepFiles.ManifestFile} differs); give another --out or remove it");
        }

        AtomicFile.WriteAllText(path, manifest.ToJson());
        return manifest;
    }

    /// <summary>Runs <paramref name="indices"/> (skipping finished ones) on <paramref name="jobs"/> workers.</summary>
    /// <param name="sweep">The sweep.</param>
    /// <param name="configs">From <see cref="LoadConfigs"/>.</param>
    /// <param name="indices">The indices to run.</param>
    /// <param name="outDir">The sweep folder (see <see cref="Prepare"/>).</param>
    /// <param name="jobs">Parallel workers (at least 1).</param>
    /// <param name="progress">Called after each run, from the worker that ran it; null for none.</param>
    /// <param name="cancel">Ctrl-C, SIGTERM: stops starting runs and abandons those running (their temporary folders are
    /// removed); finished runs are kept.</param>
    /// <returns>What ran and what was skipped.</returns>
    public static SweepRunResult Run(SweepDefinition sweep, ScenarioConfig?[,] configs, IReadOnlyList<int> indices, string outDir, int jobs,
        Action<SweepProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        ArgumentNullException.ThrowIfNull(configs);
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentOutOfRangeException.ThrowIfLessThan(jobs, 1);
        RemoveStaleTemps(outDir);
        var ran = new bool[sweep.Count];
        var skipped = new bool[sweep.Count];
        int done = 0;
        bool interrupted = false;
        var options = new ParallelOptions { MaxDegreeOfParallelism = jobs, CancellationToken = cancel };
        try
        {
            Parallel.ForEach(indices, options, i =>
            {
                if (SweepFiles.IsDone(outDir, i))
                {
                    skipped[i] = true;
                    progress?.Invoke(new SweepProgress(i, Interlocked.Increment(ref done), indices.Count, 0, true));
                    return;
                }

                var wall = Stopwatch.StartNew();
                try
                {
                    RunOne(sweep, configs, i, outDir, cancel);
                }
                catch (OperationCanceledException) when (cancel.IsCancellationRequested)
                {
                    return; // abandoned: RunOne removed its temporary folder
                }

                ran[i] = true;
                progress?.Invoke(new SweepProgress(i, Interlocked.Increment(ref done), indices.Count, wall.Elapsed.TotalSeconds, false));
            });
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            interrupted = true;
        }

        interrupted |= cancel.IsCancellationRequested && indices.Any(i => !ran[i] && !skipped[i]);

        return new SweepRunResult([.. Enumerable.Range(0, sweep.Count).Where(i => ran[i])], [.. Enumerable.Range(0, sweep.Count).Where(i => skipped[i])], interrupted);
    }

    /// <summary>Runs one index into its folder, atomically: everything goes to a temporary folder that gets the
    /// <c>done</c> marker last and is then renamed.</summary>
    /// <param name="sweep">The sweep.</param>
    /// <param name="configs">From <see cref="LoadConfigs"/>.</param>
    /// <param name="index">The index.</param>
    /// <param name="outDir">The sweep folder.</param>
    /// <param name="cancel">Abandons the run (<see cref="OperationCanceledException"/>; the temporary folder is removed).</param>
    public static void RunOne(SweepDefinition sweep, ScenarioConfig?[,] configs, int index, string outDir, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        ArgumentNullException.ThrowIfNull(configs);
        SweepRun run = sweep.RunAt(index);
        int d = index / sweep.Seeds % sweep.Designs.Count;
        ScenarioConfig config = configs[run.Point, d] ?? throw new InvalidOperationException($"index {index}: its scenario was not loaded (LoadConfigs)");
        ulong seed = config.Seed + (ulong)run.SeedOffset;
        string runs = Path.Combine(outDir, SweepFiles.RunsDir);
        string tmp = Path.Combine(runs, string.Create(CultureInfo.InvariantCulture,
            $"{SweepFiles.TempPrefix}{index}-{Environment.MachineName}-{Environment.ProcessId}-{Interlocked.Increment(ref _tempCounter)}"));
        Directory.CreateDirectory(tmp);
        try
        {
            AtomicFile.WriteAllText(Path.Combine(tmp, "config.resolved.yaml"), ScenarioWriter.WriteResolvedYaml(config with { Seed = seed }));
            RunFolder.Execute(config, new RunOptions { Seed = seed, Cancel = cancel }, tmp);
            var parameters = new List<PointParameter>();
            for (int p = 0; p < sweep.Parameters.Count; p++)
            {
                parameters.Add(new PointParameter(sweep.Parameters[p].Text, sweep.Parameters[p].ColumnName, sweep.Points[run.Point].Values[p]?.Text));
            }

            AtomicFile.WriteAllText(Path.Combine(tmp, SweepFiles.PointFile), new PointJson(index, run.Point, parameters, run.Design.Name, seed).ToJson());
            AtomicFile.WriteAllText(Path.Combine(tmp, SweepFiles.DoneMarker), "done\n");
            string final = SweepFiles.RunDir(outDir, index);
            if (Directory.Exists(final) && !SweepFiles.IsDone(outDir, index))
            {
                // An unfinished folder under the final name was not written by a sweep (it renames only complete ones).
                Directory.Delete(final, recursive: true);
            }

            try
            {
                Directory.Move(tmp, final);
            }
            catch (IOException) when (SweepFiles.IsDone(outDir, index))
            {
                // Another worker (a second shard on the same folder) finished this index first: the results are identical.
            }
        }
        finally
        {
            if (Directory.Exists(tmp))
            {
                Directory.Delete(tmp, recursive: true);
            }
        }
    }

    /// <summary>Removes the temporary run folders a killed sweep on this machine left behind (their process has gone).
    /// Those of live processes and of other machines (a shared folder) are left alone.</summary>
    /// <param name="outDir">The sweep folder.</param>
    /// <returns>How many were removed.</returns>
    public static int RemoveStaleTemps(string outDir)
    {
        string runs = Path.Combine(outDir, SweepFiles.RunsDir);
        if (!Directory.Exists(runs))
        {
            return 0;
        }

        int removed = 0;
        string[] temps = Directory.GetDirectories(runs, SweepFiles.TempPrefix + "*");
        Array.Sort(temps, StringComparer.Ordinal);
        foreach (string dir in temps)
        {
            // .tmp-INDEX-HOST-PID-N; HOST may hold '-'.
            string[] parts = Path.GetFileName(dir)[SweepFiles.TempPrefix.Length..].Split('-');
            if (parts.Length < 4 || !int.TryParse(parts[^2], NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
            {
                continue;
            }

            string host = string.Join('-', parts[1..^2]);
            if (host == Environment.MachineName && !StagedFolder.Alive(pid))
            {
                Directory.Delete(dir, recursive: true);
                removed++;
            }
        }

        return removed;
    }
}
