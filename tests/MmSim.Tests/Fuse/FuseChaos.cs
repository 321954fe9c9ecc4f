using MmSim.Fs.Fuse;
using MmSim.Kernel;
using MmSim.Mm;
using MmSim.Mm.Filemap;
using MmSim.Sim;

namespace MmSim.Tests.Fuse;

/// <summary>
/// The random load the FUSE invariant tests share: server threads that answer after random service times and now
/// and then stall a while, I/O tasks mixing write, mmap stores, reads, fsync and close on a few files, and a run loop
/// that may abort the connection; with a trace sink that runs every kernel check after each context switch.
/// </summary>
internal static class FuseChaos
{
    private const long Ms = FuseRig.Ms;

    /// <summary>
    /// Cumulative percentages of the I/O mix: a roll below <see cref="Write"/> writes, below <see cref="Mmap"/>
    /// stores through a shared mapping, and so on; a roll below <see cref="Extra"/> runs the test's own operation.
    /// </summary>
    public sealed record IoMix(int Write, int Mmap, int Read, int Fsync, int Close, int Extra);

    /// <summary>Runs every kernel check after each context switch and task exit.</summary>
    public sealed class CheckOnSwitch(LinuxKernel kernel, int seed) : ISchedTraceSink
    {
        public int Checks { get; private set; }

        public void Record(in SchedTraceEvent traceEvent)
        {
            if (traceEvent.Kind is SchedTraceKind.Switch or SchedTraceKind.ProcessExit)
            {
                Checks++;
                KernelChecker.Verify(kernel, $"seed {seed}: {traceEvent}");
            }
        }
    }

    /// <summary>Spawns <paramref name="threads"/> server threads and registers them on the connection.</summary>
    public static void SpawnServers(FuseRig rig, int threads, Random rng, Func<bool> splice)
    {
        for (int t = 0; t < threads; t++)
        {
            var box = new FuseDevReader?[1];
            SimTask task = rig.Sim.Spawn("fuse-server" + t, Server(rig, box, new Random(rng.Next())));
            box[0] = new FuseDevReader(task, splice());
            rig.Conn.RegisterReader(box[0]!);
        }
    }

    /// <summary>Spawns <paramref name="tasks"/> I/O tasks of <paramref name="ops"/> operations each.</summary>
    public static void SpawnIo(FuseRig rig, int tasks, List<CachedFile> files, Random rng, int ops, IoMix mix, Action<CachedFile, long>? extra = null)
    {
        for (int t = 0; t < tasks; t++)
        {
            rig.Sim.Spawn("io" + t, Io(rig, files, new Random(rng.Next()), ops, mix, extra));
        }
    }

    /// <summary>Runs to <paramref name="endMs"/> in 10 ms steps, aborting the connection (fusectl) once at <paramref name="abortAt"/>.</summary>
    public static void RunWithAbort(FuseRig rig, long abortAt, long endMs)
    {
        for (long now = 10 * Ms; now <= endMs * Ms; now += 10 * Ms)
        {
            rig.Sim.Run(now);
            if (now >= abortAt && rig.Conn.Connected)
            {
                rig.Kernel.FuseAbort("fuse");
            }
        }
    }

    // A server thread: answers each request after a random service time; now and then stalls a while, then resumes.
    private static IEnumerable<Wait> Server(FuseRig rig, FuseDevReader?[] box, Random rng)
    {
        FuseDevReader reader = box[0]!;
        while (rig.Conn.Connected)
        {
            yield return Wait.Call(rig.Conn.DevRead(reader));
            if (reader.Req is null)
            {
                yield break;
            }

            long service = rng.Next(10) == 0 ? rng.Next(50, 400) * Ms : rng.Next(10, 2000) * 1000L;
            yield return Wait.Sleep(service);
            rig.Conn.DevWrite(reader, rng.Next(20) == 0 ? -5 : 0);
        }
    }

    private static IEnumerable<Wait> Io(FuseRig rig, List<CachedFile> files, Random rng, int ops, IoMix mix, Action<CachedFile, long>? extra)
    {
        var stats = new AllocTally();
        for (int op = 0; op < ops; op++)
        {
            CachedFile f = files[rng.Next(files.Count)];
            long index = rng.Next((int)f.NrPages);
            int roll = rng.Next(100);
            if (roll < mix.Write)
            {
                yield return Wait.Call(rig.Kernel.Write(f, index, stats));
            }
            else if (roll < mix.Mmap)
            {
                yield return Wait.Call(rig.Kernel.SharedWriteFault(f, index, stats));
            }
            else if (roll < mix.Read)
            {
                yield return Wait.Call(rig.Kernel.Read(f, index, rng.Next(1, 16), stats));
            }
            else if (roll < mix.Fsync)
            {
                yield return Wait.Call(rig.Kernel.Fsync(f));
            }
            else if (roll < mix.Close)
            {
                yield return Wait.Call(rig.Kernel.Close(f));
            }
            else if (roll < mix.Extra)
            {
                extra?.Invoke(f, index);
            }

            yield return Wait.Sleep(rng.Next(1, 5000) * 1000L);
        }
    }
}
