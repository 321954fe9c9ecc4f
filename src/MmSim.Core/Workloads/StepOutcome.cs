namespace MmSim.Workloads;

/// <summary>
/// The outcome of one scripted step that asks the kernel for something that can fail or take long
/// (compact, offline, online, cma_alloc, cma_release, alloc_contig, nr_hugepages, writeback): what it
/// got and how long it took in simulated time. A step still running when the run ends reports how it
/// stands then.
/// </summary>
/// <param name="index">Position of the step in its script.</param>
/// <param name="atNs">When it started.</param>
/// <param name="action">The step's <c>do</c>.</param>
/// <param name="id">The step's <c>id</c>, or null.</param>
public class StepOutcome(int index, long atNs, string action, string? id)
{
    /// <summary>Outcome of a step still in the kernel when the run ended (other than an offline, which says hung or retrying).</summary>
    public const string Running = "running";

    /// <summary>Position of the step in its script (0-based).</summary>
    public int Index { get; } = index;

    /// <summary>When the step started, ns.</summary>
    public long AtNs { get; } = atNs;

    /// <summary>The action (<c>do</c>).</summary>
    public string Action { get; } = action;

    /// <summary>The step's id, or null.</summary>
    public string? Id { get; } = id;

    /// <summary>
    /// <c>ok</c> or <c>failed</c>; for offline the attempt's outcome (<c>ok</c>, <c>ebusy</c>, <c>hung</c>,
    /// <c>retrying</c>, <c>interrupted</c>, <c>timeout</c>); <see cref="Running"/> until the step returns.
    /// </summary>
    public string Result { get; set; } = Running;

    /// <summary>The kernel's reason on failure (offline's "unmovable page", "signal backoff", …), or empty.</summary>
    public string Reason { get; set; } = string.Empty;

    /// <summary>What the step got: first PFN (cma_alloc, alloc_contig), pool size (nr_hugepages), folios (writeback), or 0.</summary>
    public long Value { get; set; }

    /// <summary>The task that runs the step (the script's task), or null; outcomes (issue 9) read its state and name its role.</summary>
    public Sim.SimTask? Task { get; set; }

    /// <summary>When the step returned, ns, or −1 while it runs.</summary>
    public long EndNs { get; set; } = -1;

    /// <summary>How the step stands at <paramref name="nowNs"/> (the end of the run): its result, reason and latency so far.</summary>
    /// <param name="nowNs">The time now.</param>
    /// <returns>Result, reason and latency in ns.</returns>
    public virtual (string Result, string Reason, long LatencyNs) At(long nowNs) =>
        (Result, Reason, (EndNs >= 0 ? EndNs : nowNs) - AtNs);
}
