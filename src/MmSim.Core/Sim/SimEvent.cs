using System.Diagnostics;

namespace MmSim.Sim;

/// <summary>
/// One pending event: what to do at <see cref="TimeNs"/>. A 24-byte value stored inline in the
/// <see cref="EventQueue"/> heap, so scheduling allocates nothing.
/// </summary>
/// <remarks>
/// <see cref="Target"/> ≥ 0 resumes the task with that index (pid − 1); a negative target runs the
/// callback in slot <c>~Target</c> of the <see cref="CallbackPool"/>. <see cref="Token"/> is the
/// task's wait generation or the slot's generation at scheduling time: an event whose token no
/// longer matches was overtaken (a timeout after a wake-up, a cancelled callback) and is dropped.
/// </remarks>
internal readonly struct SimEvent
{
    internal SimEvent(long timeNs, long seq, int target, int token)
    {
        Debug.Assert(timeNs >= 0, "events are never scheduled before time 0");
        Debug.Assert(seq >= 0, "sequence numbers start at 0");
        TimeNs = timeNs;
        Seq = seq;
        Target = target;
        Token = token;
    }

    /// <summary>When the event fires.</summary>
    internal long TimeNs { get; }

    /// <summary>Insertion counter: among events at the same time, the earlier insertion fires first.</summary>
    internal long Seq { get; }

    /// <summary>Task index (≥ 0) or bitwise-complemented callback slot (&lt; 0).</summary>
    internal int Target { get; }

    /// <summary>Generation that must still be current when the event fires.</summary>
    internal int Token { get; }

    /// <summary>The (time, seq) order: true if this event fires before <paramref name="other"/>.</summary>
    internal bool Precedes(in SimEvent other) =>
        TimeNs < other.TimeNs || (TimeNs == other.TimeNs && Seq < other.Seq);
}
