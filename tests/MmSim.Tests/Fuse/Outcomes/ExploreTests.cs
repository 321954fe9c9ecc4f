using MmSim.Sim;
using Xunit.Abstractions;

namespace MmSim.Tests.Fuse.Outcomes;

public class ExploreOutcomeTests(ITestOutputHelper output)
{
    private const long Ms = OutcomeRig.Ms;
    private const long Sec = OutcomeRig.Sec;

    [Fact]
    public void Explore()
    {
        var rig = new OutcomeRig("linux-6.16", OutcomeRig.ServerConfig(stallAtNs: 500 * Ms));
        var dd = rig.Writer("dd", 4096, fsync: true);
        rig.RunTo(2 * Sec);
        var stuck = rig.StuckFolios();
        output.WriteLine($"stuck {stuck.Count}: {string.Join(",", stuck.Take(20).Select(p => p.ToString("x")))} ... max {(stuck.Count > 0 ? stuck[^1].ToString("x") : "")}");
        output.WriteLine($"cma {string.Join(",", rig.Kernel.Node.Zones.Select(z => z.Name + ":" + z.ZoneStartPfn + "+" + z.SpannedPages))}");
        rig.RunTo(20 * Sec);
        var o = rig.Outcomes();
        output.WriteLine($"syscall {rig.Kernel.ContextOf(dd).Syscall} since {dd.BlockedSinceNs} {dd.WaitSite}");
        output.WriteLine(System.Text.Json.JsonSerializer.Serialize(o, MmSim.Runs.RunOutput.Json));
    }
}
