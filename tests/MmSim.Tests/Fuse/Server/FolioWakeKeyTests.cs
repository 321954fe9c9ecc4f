using MmSim.Mm;
using MmSim.Mm.Filemap;
using MmSim.Sim;

namespace MmSim.Tests.Fuse.Server;

/// <summary>
/// wake_page_function matches the wake key: ending writeback (or unlocking) one folio does not wake a task
/// sleeping on another folio that shares its hashed wait queue, so a task stuck on a FUSE folio keeps its
/// context-switch count and the hung-task detector reports it.
/// </summary>
public class FolioWakeKeyTests
{
    [Fact]
    public void Ending_writeback_of_one_folio_does_not_wake_a_waiter_on_another_that_hashes_alike()
    {
        var sim = new Simulator(1);
        var pages = new PageFrame[1 << 16];
        var folios = new FolioWait(pages, sim);
        (int stuck, int other) = TwoPfnsOnOneQueue();
        folios.FolioStartWriteback(stuck, null);
        SimTask waiter = sim.Spawn("cma", folios.FolioWaitWriteback(stuck));
        sim.Run(1);
        long switches = waiter.SwitchCount;

        // Other folios on the same queue come and go, under writeback and locked.
        for (int i = 0; i < 10; i++)
        {
            folios.FolioStartWriteback(other, null);
            SimTask second = sim.Spawn("sync", folios.FolioWaitWriteback(other));
            sim.Run(sim.Now + 1);
            folios.FolioEndWriteback(other);
            sim.Run(sim.Now + 1);
            Assert.Equal(TaskState.Dead, second.State);
        }

        Assert.Equal(TaskState.Uninterruptible, waiter.State);
        Assert.Equal(switches, waiter.SwitchCount);

        // Its own folio's end wakes it.
        folios.FolioEndWriteback(stuck);
        sim.Run(sim.Now + 1);
        Assert.Equal(TaskState.Dead, waiter.State);
    }

    // Two PFNs whose folio_waitqueue hash is the same (searched, not assumed).
    private static (int A, int B) TwoPfnsOnOneQueue()
    {
        static uint Hash(int pfn) => ((uint)pfn * 0x9E3779B1u) >> (32 - FolioWait.WaitTableBits);
        for (int b = 1; b < 1 << 16; b++)
        {
            if (b != 0x100 && Hash(b) == Hash(0x100))
            {
                return (0x100, b);
            }
        }

        throw new InvalidOperationException("no collision in 64Ki PFNs");
    }
}
