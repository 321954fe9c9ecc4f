using System.Globalization;
using System.Text;

namespace MmSim.Sim;

/// <summary>One wait-for cycle found by the <see cref="DeadlockDetector"/>.</summary>
/// <param name="TimeNs">When the cycle closed (the time its last member went to sleep).</param>
/// <param name="Cycle">The members in wait order, starting with the lowest pid; the last one waits on the first.</param>
public sealed record DeadlockReport(long TimeNs, IReadOnlyList<WaitChainLink> Cycle)
{
    /// <summary>The members' pids in ascending order (the cycle's identity).</summary>
    public IReadOnlyList<int> Pids
    {
        get
        {
            var pids = new int[Cycle.Count];
            for (int i = 0; i < pids.Length; i++)
            {
                pids[i] = Cycle[i].Pid;
            }
            Array.Sort(pids);
            return pids;
        }
    }

    /// <summary>
    /// The report line, e.g. <c>"deadlock at 12.000000s: fuse-server:7 waits in folio_wait_writeback on folio 0x1234
    /// writeback (released by flush-0:5) -> flush-0:5 waits in … -> fuse-server:7"</c>.
    /// </summary>
    /// <returns>The text.</returns>
    public string Describe()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"deadlock at {SimTime.Format(TimeNs)}: ");
        foreach (WaitChainLink link in Cycle)
        {
            text.Append(link.Describe()).Append(" -> ");
        }
        text.Append(Cycle[0].TaskName);
        return text.ToString();
    }

    /// <inheritdoc cref="Describe"/>
    public override string ToString() => Describe();
}
