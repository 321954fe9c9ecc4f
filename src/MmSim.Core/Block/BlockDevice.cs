// A block device and its request queue (block/blk-mq.c as far as writeback and reclaim see it):
// requests queue FIFO, at most QueueDepth are in service, transfers share the bandwidth one after
// another while latencies overlap, and completion runs in the engine like a softirq. Faults for
// tests: a device that never completes, and a stall between two times.
using MmSim.Sim;

namespace MmSim.Block;

/// <summary>One block device with its queue.</summary>
/// <remarks>
/// block/blk-mq.c: blk_mq_submit_bio, blk_mq_get_tag (a submitter sleeps in D when nr_requests are
/// taken), __blk_mq_end_request. The device is what ends the writeback of the folios it carries: it
/// is the wait target folio waiters name, and it has no releasing task (hardware).
/// </remarks>
public sealed class BlockDevice : IWaitTarget
{
    /// <summary>Wait site of a submitter that found every request taken.</summary>
    public const string SiteGetTag = "blk_mq_get_tag";

    private readonly Simulator sim;
    private readonly Queue<BlockRequest> queued = new();
    private readonly Stack<BlockRequest> pool = new();
    private readonly WaitQueue tagWait;
    private readonly Action<object?> completeCallback;

    // The transfer of the last dispatched request ends here: the next one's transfer starts no earlier.
    private long busyUntilNs;

    /// <summary>Creates the device on <paramref name="sim"/>.</summary>
    /// <param name="sim">The engine its completions run in.</param>
    /// <param name="parameters">Queue, speed and faults.</param>
    public BlockDevice(Simulator sim, BlockDeviceParams parameters)
    {
        ArgumentNullException.ThrowIfNull(sim);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfLessThan(parameters.QueueDepth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(parameters.NrRequests, parameters.QueueDepth);
        ArgumentOutOfRangeException.ThrowIfLessThan(parameters.BandwidthBytesPerSec, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(parameters.LatencyNs);
        this.sim = sim;
        Params = parameters;
        tagWait = new WaitQueue($"{parameters.Name} tags");
        completeCallback = Complete;
    }

    /// <summary>Queue, speed and faults.</summary>
    public BlockDeviceParams Params { get; }

    /// <summary>The device name.</summary>
    public string Name => Params.Name;

    /// <summary>Requests in service on the device.</summary>
    public int InFlight { get; private set; }

    /// <summary>Requests waiting for the device.</summary>
    public int Queued => queued.Count;

    /// <summary>Requests completed.</summary>
    public long Completed { get; private set; }

    /// <summary>Bytes completed.</summary>
    public long BytesCompleted { get; private set; }

    /// <summary>Requests submitted.</summary>
    public long Submitted { get; private set; }

    /// <inheritdoc/>
    public SimTask? Releaser => null;

    /// <inheritdoc/>
    public string Describe() => $"block device {Name} ({InFlight} in flight, {queued.Count} queued)";

    /// <summary>A request from the device's pool (blk_mq_alloc_request without the tag).</summary>
    /// <param name="op">Read or write.</param>
    /// <returns>An empty request to fill and <see cref="Submit"/>.</returns>
    public BlockRequest AllocRequest(BlockOp op)
    {
        BlockRequest rq = pool.Count > 0 ? pool.Pop() : new BlockRequest();
        rq.Op = op;
        return rq;
    }

    /// <summary>True when a submitter would sleep in <see cref="SiteGetTag"/> (nr_requests taken).</summary>
    public bool Congested => InFlight + queued.Count >= Params.NrRequests;

    /// <summary>Queues <paramref name="rq"/> without sleeping, past nr_requests if need be (blk_mq_submit_bio with a tag at hand).</summary>
    /// <param name="rq">A request from <see cref="AllocRequest"/>.</param>
    public void Submit(BlockRequest rq)
    {
        ArgumentNullException.ThrowIfNull(rq);
        rq.SubmitNs = sim.Now;
        Submitted++;
        queued.Enqueue(rq);
        Dispatch();
    }

    /// <summary>submit_bio from a task: sleeps in D in blk_mq_get_tag while nr_requests are taken, then queues.</summary>
    /// <param name="rq">A request from <see cref="AllocRequest"/>.</param>
    /// <returns>The coroutine to await with <see cref="Wait.Call"/>.</returns>
    public IEnumerable<Wait> SubmitBio(BlockRequest rq)
    {
        while (Congested)
        {
            yield return Wait.On(tagWait, TaskState.Uninterruptible, SiteGetTag, -1, this);
        }

        Submit(rq);
    }

    // blk_mq_run_hw_queue: FIFO, up to the queue depth. A request's transfer starts when the previous
    // one's ends (bandwidth is shared); it completes a latency later.
    private void Dispatch()
    {
        while (InFlight < Params.QueueDepth && queued.Count > 0)
        {
            BlockRequest rq = queued.Dequeue();
            InFlight++;
            rq.DispatchNs = sim.Now;
            if (Params.NeverCompletes)
            {
                continue;
            }

            long start = Math.Max(sim.Now, busyUntilNs);
            long transfer = (long)((double)rq.Bytes * SimTime.NsPerSec / Params.BandwidthBytesPerSec);
            busyUntilNs = start + transfer;
            sim.Schedule(busyUntilNs + Params.LatencyNs - sim.Now, completeCallback, rq);
        }
    }

    // __blk_mq_end_request → bio_endio, in softirq. A stall holds the completion until it ends.
    private void Complete(object? state)
    {
        var rq = (BlockRequest)state!;
        long now = sim.Now;
        if (Params.StallFromNs >= 0 && now >= Params.StallFromNs && (Params.StallUntilNs < 0 || now < Params.StallUntilNs))
        {
            if (Params.StallUntilNs >= 0)
            {
                sim.Schedule(Params.StallUntilNs - now, completeCallback, rq);
            }

            return;
        }

        InFlight--;
        Completed++;
        BytesCompleted += rq.Bytes;
        rq.EndIo?.Invoke(rq);
        rq.Reset();
        pool.Push(rq);
        Dispatch();
        if (tagWait.Count != 0 && !Congested)
        {
            tagWait.WakeUpAll();
        }
    }
}
