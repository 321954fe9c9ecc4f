// The loop of one FUSE server thread (libfuse fuse_do_work: read, process, reply) and its exit.
using MmSim.Fs.Fuse;
using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Memory;
using MmSim.Scenario;
using MmSim.Sim;

namespace MmSim.Workloads.Timed;

internal sealed partial class FuseServer
{
    private IEnumerable<Wait> Thread(TaskHandle self, int index)
    {
        SimTask task = self.Task;
        LinuxKernel kernel = ctx.Kernel;
        TaskContext tc = kernel.ContextOf(task);
        Prng prng = TaskRandom.For(ctx, task);

        // The request buffer (libfuse's fuse_buf, bufsize = max_pages pages plus the header): mapped and touched at
        // start, so it is charged to the server's memcg before the first request.
        AnonVma buffer = kernel.Mmap(Stats, Conn.Options.MaxPages, new AnonVmaFlags(ThpMode.Never, ThpDefrag.Madvise, Locked: false, LongtermPin: false), $"fuse-server {Conn.Name}");
        yield return Wait.Call(AnonFill.Touch(ctx, buffer, new TouchPace(ctx.Sim.Now, TimedFields.FaultRateDefault), long.MaxValue, Stats));
        FuseDevReader reader = readers[index];
        while (true)
        {
            yield return Wait.Call(ReturnToUser(tc));
            if (tc.FatalSignalPending)
            {
                break;
            }

            yield return Wait.Call(Conn.DevRead(reader));
            if (reader.Req is not { } req)
            {
                if (!Conn.Connected)
                {
                    break; // -ENODEV: the session ends (fuse_session_exit) and the thread returns
                }

                continue; // -ERESTARTSYS: the signal is handled on the way back to user space
            }

            long readNs = ctx.Sim.Now;
            yield return Wait.Call(ReturnToUser(tc)); // a stop right after the read keeps the request held
            yield return Wait.For(ServiceNs(req, prng));
            yield return Wait.Call(Serve(req, tc));
            int error = (int)tc.Ret;
            yield return Wait.Call(ReturnToUser(tc)); // a stop before the reply keeps it held too
            if (tc.FatalSignalPending)
            {
                break;
            }

            if (config.Behaviour == FuseServerBehaviour.NeverWrite && req.Opcode == FuseOpcode.Write)
            {
                Hold(reader, req);
                continue;
            }

            Conn.DevWrite(reader, error);
            Count(req, ctx.Sim.Now - readNs);
        }

        Exit();
    }

    // The return to user space: a pending SIGSTOP stops the thread (S, do_signal_stop, released by no task: only
    // SIGCONT or SIGKILL ends it); other signals are delivered and dropped. SIGKILL stays pending for the caller.
    private IEnumerable<Wait> ReturnToUser(TaskContext tc)
    {
        while (Stopped && !tc.FatalSignalPending)
        {
            yield return Wait.On(stopQueue, TaskState.Interruptible, SiteDoSignalStop);
        }

        if (!tc.FatalSignalPending)
        {
            tc.FlushSignals();
        }
    }

    // The request's service time: FUSE_WRITE and FUSE_READ per page (one draw, times the pages), the others per request.
    private long ServiceNs(FuseReq req, Prng prng)
    {
        ServiceKind kind = req.Opcode switch
        {
            FuseOpcode.Write => ServiceKind.Write,
            FuseOpcode.Read => ServiceKind.Read,
            FuseOpcode.Fsync => ServiceKind.Fsync,
            FuseOpcode.Flush => ServiceKind.Flush,
            _ => ServiceKind.Setattr,
        };
        long ns = service[(int)kind].Sample(prng);
        long times = (kind is ServiceKind.Write or ServiceKind.Read ? Math.Max(1, req.NrPages) : 1) * (long)config.SlowFactor;
        return ns > long.MaxValue / times ? long.MaxValue / 2 : ns * times;
    }

    // The request's work on the backing file, charged to the thread (its memcg): FUSE_WRITE writes its pages with
    // buffered write(2), FUSE_READ reads as many, FUSE_FSYNC fsyncs the file. Ret: the answer's error.
    private IEnumerable<Wait> Serve(FuseReq req, TaskContext tc)
    {
        LinuxKernel kernel = ctx.Kernel;
        int pages = Math.Max(1, req.NrPages);
        int error = 0;
        switch (req.Opcode)
        {
            case FuseOpcode.Write:
                for (int p = 0; p < pages && error == 0; p++)
                {
                    yield return Wait.Call(kernel.Write(backing, writeCursor, Stats));
                    writeCursor = (writeCursor + 1) % backing.NrPages;
                    error = tc.Ret == 0 ? ENoMem : 0;
                }

                Stats.AddMetric(error == 0 ? FuseServerMetrics.PagesWritten : FuseServerMetrics.BackingWriteEnomem, error == 0 ? pages : 1);
                break;
            case FuseOpcode.Read:
                long first = readCursor;
                long n = Math.Min(pages, backing.NrPages - first);
                readCursor = (first + n) % backing.NrPages;
                yield return Wait.Call(kernel.Read(backing, first, n, Stats));
                error = tc.Ret == 0 ? ENoMem : 0;
                break;
            case FuseOpcode.Fsync:
                yield return Wait.Call(kernel.Fsync(backing));
                break;
        }

        tc.Ret = error;
    }

    // never_write: the request stays on the processing list, read by this thread and never answered; the thread
    // goes on reading (its Holder stays this thread, so a chain through the request ends here).
    private void Hold(FuseDevReader reader, FuseReq req)
    {
        reader.Req = null;
        heldWrites.Add(req);
        Stats.AddMetric(FuseServerMetrics.WritesHeld, 1);
        Stats.AddMetric(FuseServerMetrics.PagesHeld, req.NrPages);
    }

    private void Count(FuseReq req, long latencyNs)
    {
        Stats.AddMetric(FuseServerMetrics.AnsweredOf(req.Opcode), 1);
        Stats.AddMetric(FuseServerMetrics.Answered, 1);
        Stats.AddMetric(FuseServerMetrics.ServiceNsTotal, latencyNs);
        if (latencyNs > Stats.Metric(FuseServerMetrics.ServiceNsMax))
        {
            Stats.SetMetric(FuseServerMetrics.ServiceNsMax, latencyNs);
        }
    }

    // do_exit of one thread; the last one frees the process's memory (exit_mm) and then closes /dev/fuse
    // (exit_files → fuse_dev_release): the connection aborts and every request left ends with -ECONNABORTED.
    private void Exit()
    {
        LiveThreads--;
        Stats.AddMetric(FuseServerMetrics.ExitedThreads, 1);
        if (LiveThreads > 0)
        {
            return;
        }

        if (mm is not null)
        {
            ctx.Kernel.Oom.ExitProcess(mm);
        }

        Conn.Abort();
    }
}
