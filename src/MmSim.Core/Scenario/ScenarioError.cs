using System.Globalization;

namespace MmSim.Scenario;

/// <summary>
/// One problem found in a scenario file (or in a file it references, such as an op script),
/// located precisely enough that an editor can jump to it.
/// </summary>
/// <param name="File">The file as the caller named it (not made absolute, so messages stay short).</param>
/// <param name="Line">1-based line, or 0 when the problem concerns the whole file (e.g. it cannot be read).</param>
/// <param name="Column">1-based column, or 0 together with <paramref name="Line"/> 0.</param>
/// <param name="FieldPath">Dotted path of the field, e.g. <c>machine.zones[1].size</c>; empty for YAML syntax errors.</param>
/// <param name="Message">What is wrong and, where possible, how to fix it. One line, no trailing period needed.</param>
public sealed record ScenarioError(string File, int Line, int Column, string FieldPath, string Message)
{
    /// <summary>
    /// The one-line form every tool prints: <c>FILE:LINE:COL: field.path: message</c>.
    /// Parts that are unknown (line 0, empty path) are left out rather than printed as zeros.
    /// </summary>
    /// <returns>The formatted line, without a trailing newline.</returns>
    public override string ToString()
    {
        string location = Line > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{File}:{Line}:{Column}")
            : File;
        return FieldPath.Length > 0 ? $"{location}: {OneLine(FieldPath)}: {OneLine(Message)}" : $"{location}: {OneLine(Message)}";
    }

    // Messages quote user text, which may hold a newline (a quoted key "a\nb"): keep the promise of one line.
    private static string OneLine(string text) => text
        .Replace("\r", "\\r", StringComparison.Ordinal)
        .Replace("\n", "\\n", StringComparison.Ordinal)
        .Replace("\t", "\\t", StringComparison.Ordinal);
}

/// <summary>
/// Thrown by callers that prefer an exception to a result: carries every problem found,
/// and its <see cref="Exception.Message"/> is the problems, one per line.
/// </summary>
public sealed class ScenarioException : Exception
{
    /// <summary>Creates the exception from a non-empty list of problems.</summary>
    /// <param name="errors">The problems, in the order they should be printed.</param>
    public ScenarioException(IReadOnlyList<ScenarioError> errors)
        : base(Format(errors))
    {
        Errors = errors;
    }

    /// <summary>Creates the exception with a message and no located problems.</summary>
    /// <param name="message">The message.</param>
    public ScenarioException(string message)
        : base(message)
    {
        Errors = [];
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ScenarioException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    /// <summary>Creates the exception with an empty list of problems.</summary>
    public ScenarioException()
        : this("invalid scenario")
    {
    }

    /// <summary>Every problem found, in print order.</summary>
    public IReadOnlyList<ScenarioError> Errors { get; }

    private static string Format(IReadOnlyList<ScenarioError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return string.Join('\n', errors.Select(e => e.ToString()));
    }
}
