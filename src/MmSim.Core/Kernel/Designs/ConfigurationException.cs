namespace MmSim.Kernel.Designs;

/// <summary>
/// A name in a configuration that nothing is registered under (a design, a mechanism
/// implementation), or a registry declared wrongly; raised before time 0, never during a run.
/// </summary>
/// <remarks>The message is one line that names the bad value and, where one is close, the known name meant.</remarks>
public sealed class ConfigurationException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">One line: what is wrong and how to fix it.</param>
    public ConfigurationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with an inner exception.</summary>
    /// <param name="message">One line: what is wrong and how to fix it.</param>
    /// <param name="innerException">The cause.</param>
    public ConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public ConfigurationException()
        : this("invalid configuration")
    {
    }
}
