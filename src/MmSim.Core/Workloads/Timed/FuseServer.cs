// The FUSE server process (issue 9): user-space threads that read requests from /dev/fuse, serve them
// and answer. The kernel side (queues, fuse_dev_do_read/write, abort) is Fs/Fuse/FuseConn; the
// scenario type is Scenario/Workloads/FuseServerWorkload.cs; FuseServerWorkload wires one to a mount.
using MmSim.Fs.Fuse;
using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Filemap;
using MmSim.Mm.Memory;
using MmSim.Scenario;
using MmSim.Sim;
using SimDistribution = MmSim.Sim.Distribution;

namespace MmSim.Workloads.Timed;

/// <summary>
/// One FUSE server process: its threads loop fuse_dev_do_read → service time → the request's work →
/// fuse_dev_do_write, as libfuse's fuse_session_loop_mt does. Signals drive the behaviours: SIGSTOP
/// stops every thread in do_signal_stop (holding what it read), SIGCONT continues them, SIGKILL ends them
/// and, with the last thread, the process closes /dev/fuse and the connection aborts (fuse_dev_release).
/// </summary>
/// <remarks>Kernel side mirrored: fs/fuse/dev.c fuse_dev_do_read (-ERESTARTSYS on a signal),
/// fuse_dev_release (the last fd aborts); kernel/signal.c do_signal_stop.</remarks>
internal sealed partial class FuseServer
{
    /// <summary>SIGCONT (x86).</summary>
    public const int SigCont = 18;

    /// <summary>SIGSTOP (x86).</summary>
    public const int SigStop = 19;

    /// <summary>Wait site of a stopped thread (kernel/signal.c: do_signal_stop).</summary>
    public const string SiteDoSignalStop = "do_signal_stop";

    /// <summary>-ENOMEM: the answer when the backing write found no memory.</summary>
    public const int ENoMem = -12;

    private readonly WorkloadContext ctx;
    private readonly FuseServerWorkloadConfig config;
    private readonly CachedFile backing;
    private readonly FuseDevReader[] readers;
    private readonly WaitQueue stopQueue;
    private readonly SimDistribution[] service = new SimDistribution[5];
    private readonly List<FuseReq> heldWrites = [];
    private MmStruct? mm;
    private long stoppedSinceNs = -1;
    private long writeCursor;
    private long readCursor;

    /// <summary>Creates the server of <paramref name="conn"/>; nothing runs before <see cref="Start"/>.</summary>
    /// <param name="ctx">The run (its memcg is the server's).</param>
    /// <param name="conn">The connection it serves.</param>
    /// <param name="config">Threads, service times, behaviour.</param>
    /// <param name="backing">The backing file FUSE_WRITE data goes to.</param>
    /// <param name="stats">Where its metrics go.</param>
    public FuseServer(WorkloadContext ctx, FuseConn conn, FuseServerWorkloadConfig config, CachedFile backing, WorkloadStats stats)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(conn);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(backing);
        ArgumentOutOfRangeException.ThrowIfLessThan(backing.NrPages, 1);
        this.ctx = ctx;
        Conn = conn;
        this.config = config;
        this.backing = backing;
        Stats = stats;
        readers = new FuseDevReader[config.Threads];
        stopQueue = new WaitQueue($"fuse-server {conn.Name} stopped");
        service[(int)ServiceKind.Write] = TaskRandom.ToDistribution(config.WriteService);
        service[(int)ServiceKind.Read] = TaskRandom.ToDistribution(config.ReadService);
        service[(int)ServiceKind.Fsync] = TaskRandom.ToDistribution(config.FsyncService);
        service[(int)ServiceKind.Flush] = TaskRandom.ToDistribution(config.FlushService);
        service[(int)ServiceKind.Setattr] = TaskRandom.ToDistribution(config.SetattrService);
    }

    private enum ServiceKind
    {
        Write,
        Read,
        Fsync,
        Flush,
        Setattr,
    }

    /// <summary>The connection.</summary>
    public FuseConn Conn { get; }

    /// <summary>Its metrics.</summary>
    public WorkloadStats Stats { get; }

    /// <summary>The threads' /dev/fuse readers, thread 0 first (empty slots before <see cref="Start"/>).</summary>
    public IReadOnlyList<FuseDevReader> Readers => readers;

    /// <summary>The process is stopped (SIGSTOP delivered, no SIGCONT yet).</summary>
    public bool Stopped { get; private set; }

    /// <summary>SIGKILL was sent: the threads exit as they reach user space.</summary>
    public bool Dying { get; private set; }

    /// <summary>Threads that have not exited.</summary>
    public int LiveThreads { get; private set; }

    /// <summary>FUSE_WRITE requests a never_write server read and keeps unanswered.</summary>
    public IReadOnlyList<FuseReq> HeldWrites => heldWrites;

    /// <summary>
    /// Spawns the threads (<c>fuse-server</c>, <c>fuse-server1</c>…, in the workload's memcg), registers
    /// them on /dev/fuse, sets the connection's server memcg and schedules the behaviour's signals.
    /// </summary>
    public void Start()
    {
        Conn.ServerMemcgId = ctx.MemcgId;
        long spliceThreads = config.Threads * (long)config.Splice.BasisPoints / Percent.BasisPointsPerWhole;
        LinuxKernel kernel = ctx.Kernel;
        for (int i = 0; i < config.Threads; i++)
        {
            int index = i;
            TaskHandle h = TaskHandle.Spawn(ctx, i == 0 ? "fuse-server" : $"fuse-server{i}", self => Thread(self, index));
            Mm.TaskContext tc = kernel.ContextOf(h.Task);
            readers[i] = new FuseDevReader(h.Task, i < spliceThreads) { SignalPending = () => tc.SignalPending };
            Conn.RegisterReader(readers[i]);

            // One process: thread 0 execs, the others are clones sharing its mm.
            if (mm is null)
            {
                mm = kernel.Oom.CreateProcess(h.Task, "fuse-server");
            }
            else
            {
                mm.Tasks.Add(h.Task);
                tc.Mm = mm;
            }
        }

        LiveThreads = config.Threads;
        kernel.Checks.Add(($"fuse server {Conn.Name}", Verify));
        ScheduleBehaviour();
    }

    /// <summary>The run ended: a stall still in force counts up to now.</summary>
    /// <param name="nowNs">The end of the run.</param>
    public void Finish(long nowNs)
    {
        if (Stopped && stoppedSinceNs >= 0)
        {
            Stats.AddMetric(FuseServerMetrics.StalledNs, nowNs - stoppedSinceNs);
            stoppedSinceNs = nowNs;
        }

        long answered = Stats.Metric(FuseServerMetrics.Answered);
        Stats.SetMetric(FuseServerMetrics.ServiceNsMean, answered == 0 ? 0 : Stats.Metric(FuseServerMetrics.ServiceNsTotal) / answered);
    }

    /// <summary>kill -STOP: every thread stops at its next return to user space, keeping the request it read.</summary>
    public void Stop()
    {
        if (Stopped || Dying || LiveThreads == 0)
        {
            return;
        }

        Stopped = true;
        stoppedSinceNs = ctx.Sim.Now;
        long held = 0;
        long heldPages = heldWrites.Count == 0 ? 0 : HeldPages();
        foreach (FuseDevReader r in readers)
        {
            if (r.Req is { State: FuseReqState.Processing } req)
            {
                held++;
                heldPages += req.NrPages;
            }
        }

        Stats.SetMetric(FuseServerMetrics.HeldWhenStalled, held + heldWrites.Count);
        Stats.SetMetric(FuseServerMetrics.HeldPagesWhenStalled, heldPages);
        Signal(SigStop);
    }

    /// <summary>kill -CONT: the stopped threads continue.</summary>
    public void Continue()
    {
        if (!Stopped)
        {
            return;
        }

        Stopped = false;
        Stats.AddMetric(FuseServerMetrics.StalledNs, ctx.Sim.Now - stoppedSinceNs);
        stoppedSinceNs = -1;
        stopQueue.WakeUpAll();
    }

    /// <summary>kill -KILL: every thread exits at its next return to user space (a stopped one too).</summary>
    public void Kill()
    {
        if (Dying || LiveThreads == 0)
        {
            return;
        }

        Continue();
        Dying = true;
        Signal(Mm.TaskContext.SigKill);
    }

    private long HeldPages()
    {
        long pages = 0;
        foreach (FuseReq req in heldWrites)
        {
            pages += req.State == FuseReqState.Processing ? req.NrPages : 0;
        }

        return pages;
    }

    // kill(2) on the thread group: every live thread gets the signal; one in S wakes (and leaves fuse_dev_do_read).
    private void Signal(int signo)
    {
        foreach (FuseDevReader r in readers)
        {
            if (r.Task.State != TaskState.Dead)
            {
                ctx.Kernel.SendSignal(r.Task, signo);
            }
        }
    }

    private void ScheduleBehaviour()
    {
        Simulator sim = ctx.Sim;
        switch (config.Behaviour)
        {
            case FuseServerBehaviour.Stall:
                sim.Schedule(Math.Max(0, config.StallAtNs - sim.Now), Stop);
                if (config.ResumeAtNs >= 0)
                {
                    sim.Schedule(Math.Max(0, config.ResumeAtNs - sim.Now), Continue);
                }

                break;
            case FuseServerBehaviour.Die:
                sim.Schedule(Math.Max(0, config.DieAtNs - sim.Now), Kill);
                break;
        }
    }
}
