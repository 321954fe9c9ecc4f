using System.Diagnostics;
using Spectre.Console;

namespace MmSim.Cli.Commands;

/// <summary>
/// Progress of a comparison's runs. On a terminal: a live Spectre.Console bar with runs done, runs left and the ETA.
/// Plain (piped, NO_COLOR, TERM=dumb; see <see cref="CliConsole"/>): one line per finished run on stderr, no escape
/// codes, so the table on stdout stays clean.
/// </summary>
internal sealed class CompareProgress : IDisposable
{
    private readonly int _total;
    private readonly Lock _lock = new();
    private readonly Stopwatch _wall = Stopwatch.StartNew();
    private readonly Task? _live;
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ProgressTask? _bar;
    private int _done;

    /// <summary>Starts the display.</summary>
    /// <param name="total">Runs in all.</param>
    public CompareProgress(int total)
    {
        _total = total;
        if (CliConsole.Plain)
        {
            Console.Error.WriteLine($"mmsim: {total} runs");
            return;
        }

        var ready = new TaskCompletionSource();
        _live = AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                _bar = ctx.AddTask(Describe(0), maxValue: total);
                ready.SetResult();
                await _finished.Task.ConfigureAwait(false);
            });
        ready.Task.Wait();
    }

    /// <summary>One run finished.</summary>
    /// <param name="what">Which (design and seed).</param>
    public void Done(string what)
    {
        lock (_lock)
        {
            _done++;
            if (_bar is not null)
            {
                _bar.Description = Describe(_done);
                _bar.Increment(1);
                return;
            }

            double eta = _done == 0 ? 0 : _wall.Elapsed.TotalSeconds / _done * (_total - _done);
            Console.Error.WriteLine($"mmsim: [{_done}/{_total}] {what} done, {_total - _done} left, ETA {eta:0}s");
        }
    }

    /// <summary>Ends the live display.</summary>
    public void Dispose()
    {
        _finished.TrySetResult();
        _live?.Wait();
    }

    private string Describe(int done) => $"runs {done}/{_total} done, {_total - done} left";
}
