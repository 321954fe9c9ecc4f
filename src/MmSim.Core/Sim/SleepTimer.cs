namespace MmSim.Sim;

/// <summary>
/// The wait target of a timed sleep: a timer that nobody needs to release, so a wait chain ends here.
/// </summary>
/// <remarks>kernel/time/sleep_timeout.c: schedule_timeout arms a timer that wakes the task.</remarks>
internal sealed class SleepTimer : IWaitTarget
{
    /// <summary>The single instance; a sleep carries no per-wait state worth allocating.</summary>
    internal static readonly SleepTimer Instance = new();

    private SleepTimer()
    {
    }

    /// <inheritdoc/>
    public SimTask? Releaser => null;

    /// <inheritdoc/>
    public string Describe() => "timer";
}
