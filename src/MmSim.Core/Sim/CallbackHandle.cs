namespace MmSim.Sim;

/// <summary>
/// Identifies a callback scheduled with <see cref="Simulator.Schedule(long, Action)"/>, so it can be
/// cancelled with <see cref="Simulator.Cancel(CallbackHandle)"/>.
/// </summary>
/// <remarks>
/// Like a <c>struct timer_list</c> that has been armed (<c>kernel/time/timer.c: mod_timer</c>,
/// <c>timer_delete</c>). The handle stays safe after the callback ran: its slot generation no
/// longer matches, so cancelling it is a no-op.
/// </remarks>
/// <param name="Slot">Slot in the simulator's callback pool.</param>
/// <param name="Generation">The slot's generation when the callback was scheduled.</param>
public readonly record struct CallbackHandle(int Slot, int Generation);
