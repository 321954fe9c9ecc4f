using MmSim.Fs.Fuse;
using MmSim.Mm.Memcontrol;
using MmSim.Scenario;
using MmSim.Sim;
using MmSim.Workloads.Timed;

namespace MmSim.Tests.Fuse.Server;

/// <summary>The server's memory (buffers, backing page cache) and where chains through its requests end.</summary>
public class FuseServerMemoryTests
{
    private const long Ms = ServerRig.Ms;

    [Fact]
    public void The_servers_buffers_and_backing_page_cache_are_charged_to_its_memcg()
    {
        var rig = new ServerRig(ServerRig.Config(threads: 2, write: ServerRig.Const(100 * SimTime.NsPerUs)), cgroup: "fused");
        MemCgroup memcg = rig.Memcg!;
        Assert.Equal(memcg.Id, rig.Conn.ServerMemcgId);
        for (int i = 0; i < 10; i++)
        {
            rig.QueueBackground(FuseOpcode.Write, pages: 8);
        }

        rig.RunTo(100 * Ms);
        Assert.Equal(80, rig.Stats.Metric(FuseServerMetrics.PagesWritten));

        // Two request buffers of max_pages (32) anonymous pages, each with its PTE page (charged like the pages:
        // pte_alloc_one uses GFP_PGTABLE_USER, which has __GFP_ACCOUNT), and the 80 pages of the backing file.
        int maxPages = rig.Conn.Options.MaxPages;
        long cached = 0;
        foreach (int pfn in rig.Backing.Pfn)
        {
            if (pfn >= 0)
            {
                cached++;
                Assert.Equal(memcg.Id, rig.Kernel.Node.FolioMemcg[pfn]);
            }
        }

        Assert.Equal(80, cached);
        Assert.Equal((2 * (maxPages + 1)) + 80, memcg.Memory.Usage);
        Assert.Equal(0, rig.Kernel.Memcg.Root.Children.Where(c => c != memcg).Sum(c => c.Memory.Usage));
    }

    [Fact]
    public void The_chain_from_a_task_waiting_on_a_queued_request_ends_at_a_server_thread()
    {
        var rig = new ServerRig(ServerRig.Config(threads: 2, behaviour: FuseServerBehaviour.Stall, stallAtNs: 1 * Ms));
        FuseReq? fsync = null;
        SimTask waiter = rig.SendSync("fsync", FuseOpcode.Fsync, 2 * Ms, r => fsync = r);

        rig.RunTo(50 * Ms);
        Assert.Equal(FuseReqState.Pending, fsync!.State);
        WaitChain chain = WaitChain.Walk(waiter);
        Assert.False(chain.HasCycle);
        Assert.Equal(2, chain.Links.Count);
        Assert.Equal(waiter.Pid, chain.Links[0].Pid);
        Assert.Contains(chain.Links[1].Pid, rig.Server.Readers.Select(r => r.Task.Pid));
        string text = chain.Describe();
        Assert.Contains("request_wait_answer", text, StringComparison.Ordinal);
        Assert.Contains("fuse-server", text, StringComparison.Ordinal);
        Assert.Contains(FuseServer.SiteDoSignalStop, text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_chain_through_a_held_request_ends_at_the_thread_holding_it()
    {
        var rig = new ServerRig(ServerRig.Config(threads: 3, write: ServerRig.Const(5 * Ms), behaviour: FuseServerBehaviour.Stall, stallAtNs: 1 * Ms));
        FuseReq? write = null;
        SimTask writer = rig.SendSync("dd", FuseOpcode.Write, 0, r => write = r, pages: 1);

        rig.RunTo(50 * Ms);
        Assert.Equal(FuseReqState.Processing, write!.State);
        WaitChain chain = WaitChain.Walk(writer);
        Assert.Equal(write.Holder!.Pid, chain.Links[^1].Pid);
        Assert.Equal(FuseServer.SiteDoSignalStop, write.Holder.WaitSite);
    }
}
