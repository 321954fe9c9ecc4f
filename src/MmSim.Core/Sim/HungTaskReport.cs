using System.Globalization;
using System.Text;

namespace MmSim.Sim;

/// <summary>One hung task found by the <see cref="HungTaskDetector"/>.</summary>
/// <param name="TimeNs">When the check found it.</param>
/// <param name="Pid">The task's pid.</param>
/// <param name="Comm">The task's command name.</param>
/// <param name="BlockedForNs">How long it had been sleeping in D state at that check.</param>
/// <param name="Chain">The wait chain from the task, captured at that check.</param>
/// <param name="Printed">False once <c>hung_task_warnings</c> ran out: detected and counted, but not printed.</param>
/// <param name="DetectCount">The value of <c>hung_task_detect_count</c> after this detection.</param>
public sealed record HungTaskReport(
    long TimeNs,
    int Pid,
    string Comm,
    long BlockedForNs,
    WaitChain Chain,
    bool Printed,
    long DetectCount)
{
    /// <summary>Whole seconds blocked, as the kernel prints them.</summary>
    public long BlockedForSeconds => SimTime.ToWholeSeconds(BlockedForNs);

    /// <summary>The headline, e.g. <c>"INFO: task writer:3 blocked for more than 120 seconds."</c>.</summary>
    public string Message => string.Create(
        CultureInfo.InvariantCulture,
        $"INFO: task {Comm}:{Pid} blocked for more than {BlockedForSeconds} seconds.");

    /// <summary>The report as kernel log lines with printk timestamps: headline, the kernel's hint, the task line and the wait chain.</summary>
    /// <returns>The text, lines separated by <c>'\n'</c>.</returns>
    /// <remarks>kernel/hung_task.c: check_hung_task; the "task:… state:…" line mirrors sched_show_task.</remarks>
    public string Describe()
    {
        string stamp = SimTime.FormatPrintk(TimeNs);
        WaitChainLink self = Chain.Links[0];
        var text = new StringBuilder();
        text.Append(stamp).Append(' ').Append(Message).Append('\n');
        text.Append(stamp).Append(" \"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this message.\n");
        text.Append(CultureInfo.InvariantCulture, $"{stamp} task:{Comm} state:{self.State.ToChar()} pid:{Pid} wchan:{self.WaitSite}\n");
        text.Append(stamp).Append(" wait chain: ").Append(Chain.Describe());
        return text.ToString();
    }

    /// <inheritdoc cref="Describe"/>
    public override string ToString() => Describe();
}
