using System.Diagnostics;

namespace MmSim.Runs.Sweep;

/// <summary>
/// Runs indices of a sweep on a pool of worker PROCESSES: at most <c>jobs</c> children at once, each running one
/// index (<c>mmsim sweep SWEEP.yaml --out DIR --index I</c>, built by the caller), handed out from one queue in index
/// order so that load balances. A child that fails (non-zero exit without its run's <c>done</c> marker, a crash, a
/// kill) is recorded with its last line of standard error and does not stop the others; it leaves no run folder, so a
/// rerun retries it. Children write their runs atomically (<see cref="SweepRunner.RunOne"/>), so whatever happens to
/// a child, a run folder is complete or absent.
/// </summary>
/// <remarks>A run crashing the runtime (a stack overflow, an out-of-memory kill) takes down only its child; that is
/// why the default pool is of processes rather than threads.</remarks>
public static class SweepProcessPool
{
    /// <summary>Runs <paramref name="indices"/> (skipping finished ones) on at most <paramref name="jobs"/> children.</summary>
    /// <param name="sweepCount">The sweep's run count (indices are below it).</param>
    /// <param name="indices">The indices to run.</param>
    /// <param name="outDir">The sweep folder, prepared (<see cref="SweepRunner.Prepare"/>).</param>
    /// <param name="jobs">Children at once (at least 1).</param>
    /// <param name="worker">The command that runs one index into <paramref name="outDir"/>; its output is captured.</param>
    /// <param name="progress">Called after each index (run, skipped or failed), from the thread that waited for it; null for none.</param>
    /// <param name="cancel">Stops handing out indices; running children are waited for (and kept when they finish).</param>
    /// <param name="kill">Kills the running children (their runs are lost, their temporary folders removed by the next run).</param>
    /// <returns>What ran, was skipped and failed.</returns>
    public static SweepRunResult Run(int sweepCount, IReadOnlyList<int> indices, string outDir, int jobs, Func<int, ProcessStartInfo> worker,
        Action<SweepProgress>? progress = null, CancellationToken cancel = default, CancellationToken kill = default)
    {
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentOutOfRangeException.ThrowIfLessThan(jobs, 1);
        SweepRunner.RemoveStaleTemps(outDir);
        var ran = new bool[sweepCount];
        var skipped = new bool[sweepCount];
        var failed = new SweepFailure?[sweepCount];
        int next = -1;
        int done = 0;
        Exception? fault = null;
        int faulted = 0;

        void Work()
        {
            try
            {
                while (!cancel.IsCancellationRequested && !kill.IsCancellationRequested && Volatile.Read(ref faulted) == 0)
                {
                    // The queue: each thread takes the next index when its child has finished.
                    int k = Interlocked.Increment(ref next);
                    if (k >= indices.Count)
                    {
                        return;
                    }

                    int i = indices[k];
                    if (SweepFiles.IsDone(outDir, i))
                    {
                        skipped[i] = true;
                        progress?.Invoke(new SweepProgress(i, Interlocked.Increment(ref done), indices.Count, 0, true));
                        continue;
                    }

                    var wall = Stopwatch.StartNew();
                    (int code, string last) = RunChild(worker(i), kill);

                    // The done marker is the truth: a child that finished its run and then exited non-zero (e.g. it
                    // was sent SIGINT with the parent) still finished it.
                    if (SweepFiles.IsDone(outDir, i))
                    {
                        ran[i] = true;
                    }
                    else if (kill.IsCancellationRequested)
                    {
                        return;
                    }
                    else
                    {
                        failed[i] = new SweepFailure(i, code, last);
                    }

                    progress?.Invoke(new SweepProgress(i, Interlocked.Increment(ref done), indices.Count, wall.Elapsed.TotalSeconds, false, failed[i]));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception or InvalidOperationException)
            {
                // The child could not be started at all (e.g. the program is gone): every index would fail the same way.
                Interlocked.CompareExchange(ref fault, e, null);
                Volatile.Write(ref faulted, 1);
            }
        }

        var threads = new Thread[Math.Min(jobs, Math.Max(1, indices.Count))];
        for (int t = 0; t < threads.Length; t++)
        {
            threads[t] = new Thread(Work) { IsBackground = true, Name = "sweep-worker-" + t };
            threads[t].Start();
        }

        foreach (Thread t in threads)
        {
            t.Join();
        }

        if (fault is not null)
        {
            throw new IOException($"cannot start a sweep worker process: {fault.Message}", fault);
        }

        var ranList = new List<int>();
        var skippedList = new List<int>();
        var failedList = new List<SweepFailure>();
        for (int i = 0; i < sweepCount; i++)
        {
            if (ran[i])
            {
                ranList.Add(i);
            }

            if (skipped[i])
            {
                skippedList.Add(i);
            }

            if (failed[i] is { } f)
            {
                failedList.Add(f);
            }
        }

        // Interrupted: some index given was neither run, skipped nor failed (it was never handed out, or its child was killed).
        bool interrupted = ranList.Count + skippedList.Count + failedList.Count < indices.Count;
        return new SweepRunResult(ranList, skippedList, interrupted) { Failed = failedList };
    }

    /// <summary>Starts one child, captures its output (keeping only the last non-empty lines: a child's output is not
    /// kept in memory) and waits for it; <paramref name="kill"/> kills it and its own children.</summary>
    private static (int Code, string LastLine) RunChild(ProcessStartInfo start, CancellationToken kill)
    {
        start.UseShellExecute = false;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = false;
        string lastErr = string.Empty, lastOut = string.Empty;
        object gate = new();
        using var p = new Process { StartInfo = start };
        p.ErrorDataReceived += (_, e) =>
        {
            if (!string.IsNullOrWhiteSpace(e.Data))
            {
                lock (gate)
                {
                    lastErr = e.Data.Trim();
                }
            }
        };
        p.OutputDataReceived += (_, e) =>
        {
            if (!string.IsNullOrWhiteSpace(e.Data))
            {
                lock (gate)
                {
                    lastOut = e.Data.Trim();
                }
            }
        };
        if (!p.Start())
        {
            throw new InvalidOperationException($"{start.FileName} did not start");
        }

        p.BeginErrorReadLine();
        p.BeginOutputReadLine();
        using (kill.Register(() => KillQuietly(p)))
        {
            // The no-argument WaitForExit also waits for the end of the redirected output, so the last lines are complete.
            p.WaitForExit();
        }

        lock (gate)
        {
            return (p.ExitCode, lastErr.Length > 0 ? lastErr : lastOut);
        }
    }

    private static void KillQuietly(Process p)
    {
        try
        {
            p.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It has exited already.
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // It is exiting.
        }
    }
}
