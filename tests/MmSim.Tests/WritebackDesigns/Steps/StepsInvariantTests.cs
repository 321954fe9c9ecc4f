using MmSim.Tests.Support;
using static MmSim.Tests.WritebackDesigns.Steps.StepsRig;

namespace MmSim.Tests.WritebackDesigns.Steps;

/// <summary>
/// Every kernel invariant (KernelChecker: the FUSE mount's, the designs' abort records, migration's, the page cache's)
/// holds every 10 ms while random move_pages, mbind, soft_offline, memory_failure, pin_longterm and fuse_abort steps hit
/// a FUSE file whose server is slow or stalls, under every design.
/// </summary>
public class StepsInvariantTests
{
    private static readonly string[] DesignNames =
        ["linux-6.15", "linux-6.16", "no-reclaim-flag", "skip-sync-migration", "skip-sync-compaction", "wait-timeout", "cancel-writeback", "temp-pages-pool", "ask-fs"];

    private static readonly string[] Actions = ["move_pages", "mbind", "soft_offline", "memory_failure", "pin_longterm"];

    public static TheoryData<int> Seeds() => SeedRange.UpTo(36);

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Invariants_hold_while_the_other_migrate_sync_users_meet_fuse_writeback(int seed)
    {
        var rng = new Random(seed);
        string design = DesignNames[seed % DesignNames.Length];
        bool stall = rng.Next(2) == 0;
        var rig = new StepsRig(design, stallAtNs: stall ? rng.Next(50, 400) * Ms : -1, serviceNs: rng.Next(1, 20) * Ms, tNs: rng.Next(20, 300) * Ms, seed: (ulong)seed);
        long pages = rng.Next(16, 512);
        rig.Writer(pages);
        var script = new System.Text.StringBuilder();
        long at = 100;
        for (int i = 0; i < 6; i++)
        {
            at += rng.Next(20, 200);
            string action = Actions[rng.Next(Actions.Length)];
            long index = rng.Next(0, (int)pages);
            script.Append(action is "soft_offline" or "memory_failure"
                ? $"      - {{ at: {at}ms, do: {action}, file: dd.dat, index: {index} }}\n"
                : $"      - {{ at: {at}ms, do: {action}, file: dd.dat, index: {index}, pages: {rng.Next(1, 32)} }}\n");
        }

        if (rng.Next(2) == 0)
        {
            script.Append($"      - {{ at: {at + rng.Next(50, 500)}ms, do: fuse_abort, mount: fuse0 }}\n");
        }

        rig.Steps(script.ToString());
        for (long now = 10 * Ms; now <= 2 * Sec; now += 10 * Ms)
        {
            rig.RunTo(now);
        }

        Assert.Null(rig.Kernel.Migrate.WritebackStats.Verify());
    }
}
