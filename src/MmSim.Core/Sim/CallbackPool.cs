using System.Diagnostics;

namespace MmSim.Sim;

/// <summary>
/// Pooled slots holding the delegates of scheduled callbacks, so the event itself stays a small
/// struct that carries only a slot index.
/// </summary>
/// <remarks>
/// Free slots are kept on an index-linked stack (the <c>Dictionary</c> free-list pattern). Each
/// slot has a generation that changes whenever the slot is freed, so a stale
/// <see cref="CallbackHandle"/> or event cannot reach a callback that reuses the slot.
/// Arrays grow by doubling and never shrink.
/// </remarks>
internal sealed class CallbackPool
{
    private const int InitialCapacity = 64;

    private Action?[] actions = new Action?[InitialCapacity];
    private Action<object?>?[] stateActions = new Action<object?>?[InitialCapacity];
    private object?[] states = new object?[InitialCapacity];
    private int[] generations = new int[InitialCapacity];
    private int[] nextFree = new int[InitialCapacity];
    private int freeHead = -1;
    private int used;
    private int live;

    /// <summary>Callbacks scheduled and not yet fired or cancelled.</summary>
    internal int Live => live;

    /// <summary>Stores a callback; exactly one of the two delegates is non-null.</summary>
    /// <returns>The slot index.</returns>
    internal int Add(Action? action, Action<object?>? stateAction, object? state)
    {
        Debug.Assert((action is null) != (stateAction is null), "exactly one delegate");
        int slot = TakeFreeSlot();
        actions[slot] = action;
        stateActions[slot] = stateAction;
        states[slot] = state;
        live++;
        return slot;
    }

    /// <summary>Current generation of a slot.</summary>
    internal int Generation(int slot) => generations[slot];

    /// <summary>True if <paramref name="slot"/> still holds the callback scheduled with <paramref name="generation"/>.</summary>
    internal bool IsCurrent(int slot, int generation) =>
        (uint)slot < (uint)used && generations[slot] == generation && (actions[slot] is not null || stateActions[slot] is not null);

    /// <summary>Frees the slot and returns what it held, for the caller to invoke.</summary>
    internal (Action? Action, Action<object?>? StateAction, object? State) Take(int slot)
    {
        Debug.Assert((uint)slot < (uint)used, "slot in range");
        var taken = (actions[slot], stateActions[slot], states[slot]);
        Debug.Assert(taken.Item1 is not null || taken.Item2 is not null, "taking a live slot");
        Free(slot);
        return taken;
    }

    /// <summary>Frees a slot without running it.</summary>
    internal void Free(int slot)
    {
        Debug.Assert(live > 0, "freeing a slot while none is live");
        actions[slot] = null;
        stateActions[slot] = null;
        states[slot] = null;
        generations[slot] = unchecked(generations[slot] + 1);
        nextFree[slot] = freeHead;
        freeHead = slot;
        live--;
    }

    private int TakeFreeSlot()
    {
        if (freeHead >= 0)
        {
            int slot = freeHead;
            freeHead = nextFree[slot];
            return slot;
        }
        if (used == actions.Length)
        {
            int capacity = actions.Length * 2;
            Array.Resize(ref actions, capacity);
            Array.Resize(ref stateActions, capacity);
            Array.Resize(ref states, capacity);
            Array.Resize(ref generations, capacity);
            Array.Resize(ref nextFree, capacity);
        }
        return used++;
    }
}
