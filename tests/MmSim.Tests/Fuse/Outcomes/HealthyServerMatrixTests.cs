using MmSim.Kernel.Designs;
using MmSim.Runs;

namespace MmSim.Tests.Fuse.Outcomes;

/// <summary>
/// scenarios/fuse-healthy.yaml (2 s of it) under every design: nothing hangs or deadlocks, and only the temp-page
/// designs pay a copy per page written back (CPU and temp memory), which linux-6.16 on the same seed does not.
/// </summary>
public class HealthyServerMatrixTests
{
    public static TheoryData<string> AllDesigns() => [.. Designs.Names];

    [Theory]
    [MemberData(nameof(AllDesigns))]
    public void No_design_hangs_or_deadlocks_with_a_healthy_server(string design)
    {
        (RunSummary s, _) = Run(design);
        Assert.Empty(s.Outcomes!.HungTasks);
        Assert.Empty(s.Outcomes.Deadlocks);
        Assert.Empty(s.HungTasks);
        Assert.True(s.Writeback.Single(w => w.Mount == "fusefs").Written > 0);
    }

    [Fact]
    public void Linux_6_15_pays_its_copy_cost_that_linux_6_16_does_not_on_the_same_seed()
    {
        FuseConnSummary old = Assert.Single(Run("linux-6.15").Summary.Outcomes!.Fuse);
        FuseConnSummary now = Assert.Single(Run("linux-6.16").Summary.Outcomes!.Fuse);

        // One copy per page sent to the server, each costing CPU; 6.16 sends the page-cache folio itself.
        Assert.Equal(old.WritebackPages, old.TempCopies);
        Assert.True(old.CopyNs > 0 && old.TempPagesPeak > 0, $"{old}");
        Assert.Equal((0L, 0L, 0L), (now.TempCopies, now.CopyNs, now.TempPagesPeak));
        Assert.True(now.WritebackPages > 0);
    }

    private static (RunSummary Summary, ScenarioRunner Runner) Run(string design) =>
        ScenarioMatrix.Run("fuse-healthy.yaml", design, edits: ("duration: 5s", "duration: 2s"));
}
