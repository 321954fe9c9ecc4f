namespace MmSim.Sim;

/// <summary>
/// The <c>kernel.hung_task_*</c> sysctls that configure the <see cref="HungTaskDetector"/>, with the kernel's defaults.
/// </summary>
/// <remarks>kernel/hung_task.c; Documentation/admin-guide/sysctl/kernel.rst.</remarks>
public sealed record HungTaskSysctl
{
    /// <summary>Most tasks examined per check (<c>hung_task_check_count</c>, default PID_MAX_LIMIT = 4194304).</summary>
    public int HungTaskCheckCount { get; init; } = 4_194_304;

    /// <summary>How long a task may sit in D state before it is reported (<c>hung_task_timeout_secs</c>, default 120;
    /// 0 disables checking, as CONFIG_DEFAULT_HUNG_TASK_TIMEOUT=0 does).</summary>
    public long HungTaskTimeoutSecs { get; init; } = 120;

    /// <summary>Seconds between checks (<c>hung_task_check_interval_secs</c>, default 0 = use the timeout).</summary>
    public long HungTaskCheckIntervalSecs { get; init; }

    /// <summary>Reports still printed before going quiet (<c>hung_task_warnings</c>, default 10; −1 = unlimited).
    /// Detection and counting continue after it reaches 0.</summary>
    public int HungTaskWarnings { get; init; } = 10;

    /// <summary>Throws if a value is outside what the kernel's sysctl handlers accept.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(HungTaskCheckCount);
        ArgumentOutOfRangeException.ThrowIfNegative(HungTaskTimeoutSecs);
        ArgumentOutOfRangeException.ThrowIfNegative(HungTaskCheckIntervalSecs);
        ArgumentOutOfRangeException.ThrowIfLessThan(HungTaskWarnings, -1);
    }
}
