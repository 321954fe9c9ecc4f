namespace MmSim.Sim;

/// <summary>Running a kernel coroutine where nobody can sleep: boot, untimed workloads, tests.</summary>
public static class Coroutines
{
    /// <summary>
    /// Runs <paramref name="coroutine"/> to its end at once, nested calls included, as a path that holds no
    /// task (interrupt or boot context) would: any wait other than a nested call is a bug there.
    /// </summary>
    /// <param name="coroutine">A kernel path written as a coroutine.</param>
    /// <exception cref="InvalidOperationException">The path tried to sleep or take time ("scheduling while atomic"),
    /// or nested calls deeper than <see cref="Simulator.CallDepthMax"/>.</exception>
    /// <remarks>Costs one stack and the iterators; meant for cold paths. Tasks await coroutines with <see cref="Wait.Call"/>.</remarks>
    public static void RunInline(IEnumerable<Wait> coroutine)
    {
        ArgumentNullException.ThrowIfNull(coroutine);
        var frames = new Stack<IEnumerator<Wait>>();
        frames.Push(coroutine.GetEnumerator());
        try
        {
            while (frames.Count > 0)
            {
                IEnumerator<Wait> top = frames.Peek();
                if (!top.MoveNext())
                {
                    frames.Pop().Dispose();
                    continue;
                }

                Wait w = top.Current;
                if (w.Kind != WaitKind.Call)
                {
                    throw new InvalidOperationException(
                        $"scheduling while atomic: a path outside any task tried to wait ({w.Kind} in {w.Site ?? "?"})");
                }

                if (frames.Count >= Simulator.CallDepthMax)
                {
                    throw new InvalidOperationException($"nested coroutine calls deeper than {Simulator.CallDepthMax}");
                }

                frames.Push(w.Callee!.GetEnumerator());
            }
        }
        finally
        {
            while (frames.Count > 0)
            {
                frames.Pop().Dispose();
            }
        }
    }
}
