namespace MmSim.Sim;

/// <summary>
/// A task body threw. The run stops; the message names the task and the simulated time, and the
/// original exception is the <see cref="Exception.InnerException"/>.
/// </summary>
/// <remarks>Exceptions are never swallowed: a model bug inside a daemon must end the run, not silently kill the daemon.</remarks>
public sealed class SimTaskException : Exception
{
    /// <summary>Creates the exception for a failed task.</summary>
    /// <param name="task">The task whose body threw.</param>
    /// <param name="timeNs">Simulated time of the failure.</param>
    /// <param name="inner">What the body threw.</param>
    public SimTaskException(SimTask task, long timeNs, Exception inner)
        : base($"task {task} failed at {SimTime.Format(timeNs)}: {inner?.Message}", inner)
    {
        ArgumentNullException.ThrowIfNull(task);
        Task = task;
        TimeNs = timeNs;
    }

    /// <summary>The task whose body threw; null only when built through a standard constructor.</summary>
    public SimTask? Task { get; }

    /// <summary>Simulated time of the failure.</summary>
    public long TimeNs { get; }

    /// <summary>Creates an exception without a task.</summary>
    public SimTaskException()
    {
    }

    /// <summary>Creates an exception without a task.</summary>
    /// <param name="message">The message.</param>
    public SimTaskException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception without a task.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public SimTaskException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
