using System.Runtime.InteropServices;

namespace MmSim.Cli.Commands;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM for the commands that run many runs (<c>compare</c>, <c>sweep</c>) and for <c>run</c>:
/// the first signal cancels <see cref="Token"/>, which the runs in progress check every few thousand events and
/// abandon (their folders are staged, so nothing half-written is left); the command then keeps every finished run,
/// writes what it can and exits with <see cref="ExitCode"/> (128 + the signal: 130 or 143). A second signal is left
/// to the runtime's default, which ends the process at once.
/// </summary>
internal sealed class Interruption : IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private readonly PosixSignalRegistration? _int;
    private readonly PosixSignalRegistration? _term;
    private readonly string? _message;
    private int _runsFinished;
    private int _signal;

    private Interruption(bool listen, string? message)
    {
        _message = message;
        if (listen)
        {
            _int = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
            _term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        }
    }

    /// <summary>Test hook: act as if signal <c>Signal</c> (2 or 15) arrived once <c>Runs</c> runs have finished (0: never;
    /// negative: before the first run starts). Tests that set it run in the "Console" collection and reset it.</summary>
    internal static (int Runs, int Signal) StopForTests { get; set; }

    /// <summary>Cancelled at the first signal.</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>Whether a signal arrived.</summary>
    public bool Requested => _cancel.IsCancellationRequested;

    /// <summary>The exit code for the signal that arrived: 130 for SIGINT, 143 for SIGTERM; 0 when none did.</summary>
    public int ExitCode => Volatile.Read(ref _signal) switch
    {
        0 => 0,
        int s => 128 + s,
    };

    /// <summary>Listens for SIGINT and SIGTERM until disposed.</summary>
    /// <param name="message">Printed on stderr at the first signal (what happens now).</param>
    /// <returns>The listener.</returns>
    public static Interruption Listen(string message)
    {
        var listener = new Interruption(listen: true, message);
        if (StopForTests is { Runs: < 0, Signal: int signal })
        {
            listener.Request(signal);
        }

        return listener;
    }

    /// <summary>One run finished (the test hook counts them).</summary>
    public void RunFinished()
    {
        (int runs, int signal) = StopForTests;
        if (Interlocked.Increment(ref _runsFinished) == runs)
        {
            Request(signal);
        }
    }

    /// <summary>Acts as if the signal had arrived.</summary>
    /// <param name="signal">Its number: 2 (SIGINT) or 15 (SIGTERM).</param>
    public void Request(int signal)
    {
        if (Interlocked.CompareExchange(ref _signal, signal, 0) != 0)
        {
            return;
        }

        if (_message is not null)
        {
            Console.Error.WriteLine($"mmsim: {(signal == 15 ? "SIGTERM" : "interrupt")}: {_message} (again to kill at once)");
        }

        _cancel.Cancel();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _int?.Dispose();
        _term?.Dispose();
        _cancel.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        if (Requested)
        {
            return; // the second: the default action ends the process
        }

        context.Cancel = true;
        Request(context.Signal == PosixSignal.SIGTERM ? 15 : 2);
    }
}
