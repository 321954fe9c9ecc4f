using MmSim.Sim;

namespace MmSim.Tests.Sim;

/// <summary><see cref="Simulator.Cancellation"/>: a cancelled run stops within <see cref="Simulator.CancellationCheckEvents"/>
/// events; an uncancelled token changes nothing.</summary>
public sealed class SimulatorCancellationTests
{
    [Fact]
    public void A_cancelled_token_stops_the_run_within_one_check_interval()
    {
        var sim = new Simulator(1);
        using var cancel = new CancellationTokenSource();
        long fired = 0;
        Action? tick = null;
        tick = () =>
        {
            if (++fired == 10_000)
            {
                cancel.Cancel();
            }

            sim.Schedule(1, tick!);
        };
        sim.Schedule(1, tick);
        sim.Cancellation = cancel.Token;
        Assert.ThrowsAny<OperationCanceledException>(() => sim.Run(long.MaxValue / 2));
        Assert.InRange(fired, 10_000, 10_000 + Simulator.CancellationCheckEvents);

        // Not reentrant-broken: the engine can run again once the token is replaced.
        sim.Cancellation = CancellationToken.None;
        Assert.Equal(RunStopReason.TimeLimit, sim.Run(sim.Now + 5));
    }

    [Fact]
    public void An_uncancelled_token_runs_to_the_end()
    {
        var sim = new Simulator(1);
        using var cancel = new CancellationTokenSource();
        sim.Cancellation = cancel.Token;
        long fired = 0;
        Action? tick = null;
        tick = () =>
        {
            fired++;
            sim.Schedule(1, tick!);
        };
        sim.Schedule(1, tick);
        Assert.Equal(RunStopReason.TimeLimit, sim.Run(100_000));
        Assert.Equal(100_000, fired);
    }
}
