using System.Diagnostics;
using MmSim.Mm;
using MmSim.Mm.Compaction;
using MmSim.Mm.PageAlloc;
using MmSim.Mm.Stat;
using MmSim.Mm.Vmstat;
using MmSim.Mm.Writeback;
using MmSim.Sim;

namespace MmSim.Runs.TimeSeries;

/// <summary>
/// Samples the node over simulated time (issue 3 §7): per zone the free blocks per order and
/// migratetype, the free and pcp counts, watermarks and boost, pageblocks and mixed pageblocks per
/// migratetype and the fragmentation scores; the whole of /proc/vmstat; and every task's state.
/// <see cref="TimeSeriesWriter"/> writes the three tables as Parquet.
/// </summary>
/// <remarks>
/// A sample costs O(pageblocks) for the block counts and O(pages) at worst for page_owner's mixed
/// count (about a millisecond of wall time per GiB), so samples are meant to be seconds of simulated
/// time apart. The timer is a callback, not a task, so sampling adds no pid and changes no task state.
/// </remarks>
public sealed class TimeSeriesRecorder
{
    // The ps letter of each state (TaskState.ToChar), as strings made once rather than one per row.
    private static readonly string[] StateLetters =
        [.. Enumerable.Range(0, (int)TaskState.Dead + 1).Select(i => ((TaskState)i).ToChar().ToString())];

    private readonly PageAllocator alloc;
    private readonly WritebackSysctl dirty;
    private readonly long[] row = new long[TimeSeriesColumns.Numeric.Count];
    private readonly long[] counts = new long[MigrateTypes.Count];
    private readonly Action<object?> tick;
    private readonly List<WbWatch> wbs = [];
    private Simulator? sim;
    private long intervalNs;
    private long endNs;

    /// <summary>Creates an empty recorder.</summary>
    /// <param name="alloc">The node's allocator.</param>
    /// <param name="dirtyRatioPercent">vm.dirty_ratio, for nr_dirty_threshold.</param>
    /// <param name="dirtyBackgroundRatioPercent">vm.dirty_background_ratio, for nr_dirty_background_threshold.</param>
    public TimeSeriesRecorder(PageAllocator alloc, int dirtyRatioPercent, int dirtyBackgroundRatioPercent)
        : this(alloc, new WritebackSysctl { DirtyRatio = dirtyRatioPercent, DirtyBackgroundRatio = dirtyBackgroundRatioPercent })
    {
    }

    /// <summary>Creates an empty recorder whose dirty thresholds follow <paramref name="dirty"/> (ratios or bytes).</summary>
    /// <param name="alloc">The node's allocator.</param>
    /// <param name="dirty">The vm.dirty_* sysctls.</param>
    public TimeSeriesRecorder(PageAllocator alloc, WritebackSysctl dirty)
    {
        ArgumentNullException.ThrowIfNull(alloc);
        ArgumentNullException.ThrowIfNull(dirty);
        this.alloc = alloc;
        this.dirty = dirty;
        tick = static state => ((TimeSeriesRecorder)state!).OnTimer();
        Pageblocks = new PageblockRecorder(alloc.Node);
        for (int i = 0; i < ZoneValues.Length; i++)
        {
            ZoneValues[i] = [];
        }
    }

    /// <summary>Samples taken.</summary>
    public int Samples { get; private set; }

    /// <summary>The per-pageblock snapshots taken with the samples (pageblocks.parquet).</summary>
    public PageblockRecorder Pageblocks { get; }

    /// <summary>time_ns of every zone row.</summary>
    internal List<long> ZoneTimeNs { get; } = [];

    /// <summary>zone of every zone row.</summary>
    internal List<string> ZoneNames { get; } = [];

    /// <summary>The numeric columns of the zone rows, in <see cref="TimeSeriesColumns.Numeric"/> order.</summary>
    internal List<long>[] ZoneValues { get; } = new List<long>[TimeSeriesColumns.Numeric.Count];

    /// <summary>time_ns of every vmstat row.</summary>
    internal List<long> VmstatTimeNs { get; } = [];

    /// <summary>Item of every vmstat row (<see cref="VmStatItem"/> index).</summary>
    internal List<int> VmstatItems { get; } = [];

    /// <summary>Value of every vmstat row.</summary>
    internal List<long> VmstatValues { get; } = [];

    /// <summary>time_ns of every task row.</summary>
    internal List<long> TaskTimeNs { get; } = [];

    /// <summary>pid of every task row.</summary>
    internal List<int> TaskPids { get; } = [];

    /// <summary>comm of every task row.</summary>
    internal List<string> TaskComms { get; } = [];

    /// <summary>State letter of every task row.</summary>
    internal List<string> TaskStates { get; } = [];

    /// <summary>The kernel function each sleeping task waits in (its wchan), empty for running tasks.</summary>
    internal List<string> TaskWchans { get; } = [];

    /// <summary>time_ns of every writeback row (one per sample).</summary>
    internal List<long> WbTimeNs { get; } = [];

    /// <summary>The writeback table's INT64 columns after time_ns: the global dirty thresholds, then five per mount.</summary>
    internal List<string> WbColumns { get; } = [.. TimeSeriesColumns.WritebackGlobal];

    /// <summary>The values of <see cref="WbColumns"/>, column by column.</summary>
    internal List<List<long>> WbValues { get; } = [[], []];

    /// <summary>
    /// Adds the per-mount writeback columns (<see cref="TimeSeriesColumns.WritebackPerMount"/>) of
    /// <paramref name="mounts"/>; call before the first sample.
    /// </summary>
    /// <param name="mounts">Mount name and its bdi_writeback, in mount order.</param>
    public void WatchWriteback(IEnumerable<(string Mount, BdiWriteback Wb)> mounts)
    {
        ArgumentNullException.ThrowIfNull(mounts);
        if (Samples != 0)
        {
            throw new InvalidOperationException("writeback columns must be added before the first sample");
        }

        foreach ((string mount, BdiWriteback wb) in mounts)
        {
            var w = new WbWatch(wb);
            wb.Lifetimes.CopyCounts(w.Prev);
            wb.Lifetimes.TakeIntervalMaxNs();
            w.PrevCount = wb.Lifetimes.Count;
            wbs.Add(w);
            foreach (string suffix in TimeSeriesColumns.WritebackPerMount)
            {
                WbColumns.Add(TimeSeriesColumns.WritebackColumn(mount, suffix));
                WbValues.Add([]);
            }
        }
    }

    /// <summary>Tasks to report; null before the engine starts (untimed runs have none).</summary>
    public Simulator? Engine { get => sim; set => sim = value; }

    /// <summary>
    /// Samples every <paramref name="samplingIntervalNs"/> from one interval after now while the time is
    /// below <paramref name="untilNs"/>; the caller takes the samples at the start and the end.
    /// </summary>
    /// <param name="engine">The engine.</param>
    /// <param name="samplingIntervalNs">Interval, &gt; 0.</param>
    /// <param name="untilNs">End of the run; no timer sample is taken at or after it.</param>
    public void StartTimer(Simulator engine, long samplingIntervalNs, long untilNs)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(samplingIntervalNs);
        sim = engine;
        intervalNs = samplingIntervalNs;
        endNs = untilNs;
        if (engine.Now + intervalNs < endNs)
        {
            engine.Schedule(intervalNs, tick, this);
        }

        // The samples so far, the timer's (every interval strictly below the end) and the caller's last one.
        long timerSamples = Math.Max(0, (untilNs - engine.Now - 1) / intervalNs);
        Pageblocks.Plan(Samples + timerSamples + 1);
    }

    /// <summary>Records one sample at <paramref name="timeNs"/>.</summary>
    /// <param name="timeNs">Simulated time of the sample, ≥ the previous one.</param>
    /// <remarks>Cost: O(zones × pages) at worst (page_owner's mixed walk), O(vmstat items + tasks) otherwise.</remarks>
    public void Sample(long timeNs) => Sample(timeNs, last: false);

    /// <summary>Records the run's last sample (the pageblock snapshot is kept whatever the subsampling stride).</summary>
    /// <param name="timeNs">Simulated time of the sample, ≥ the previous one.</param>
    public void SampleLast(long timeNs) => Sample(timeNs, last: true);

    private void Sample(long timeNs, bool last)
    {
        Debug.Assert(ZoneTimeNs.Count == 0 || ZoneTimeNs[^1] <= timeNs, "samples in time order");
        Span<long> procs = stackalloc long[3];
        CountProcs(procs);
        int nodeScore = CompactionSuitable.FragmentationScoreNode(alloc.Node);
        foreach (Zone zone in alloc.Node.Zones)
        {
            if (zone.IsPopulated)
            {
                FillZoneRow(zone, nodeScore, procs);
                ZoneTimeNs.Add(timeNs);
                ZoneNames.Add(zone.Name);
                for (int c = 0; c < row.Length; c++)
                {
                    ZoneValues[c].Add(row[c]);
                }
            }
        }

        long[] vmstat = SampleVmstat(timeNs);
        SampleWriteback(timeNs, vmstat);
        SampleTasks(timeNs);
        Pageblocks.Offer(timeNs, last);
        Samples++;
    }

    private void OnTimer()
    {
        Debug.Assert(sim is not null, "timer armed");
        Sample(sim.Now);
        if (sim.Now + intervalNs < endNs)
        {
            sim.Schedule(intervalNs, tick, this);
        }
    }

    private void FillZoneRow(Zone zone, int nodeScore, ReadOnlySpan<long> procs)
    {
        for (int i = 0; i < TimeSeriesColumns.ScalarsStart; i++)
        {
            row[i] = zone.NrFreeByType[i];
        }

        int s = TimeSeriesColumns.ScalarsStart;
        row[s++] = zone.ZonePageState(ZoneStatItem.NrFreePages);
        row[s++] = zone.ZonePageState(ZoneStatItem.NrFreePagesBlocks);
        row[s++] = zone.Pcp.Count;
        row[s++] = zone.Pcp.High;
        row[s++] = zone.WatermarkBoost;
        row[s++] = zone.Watermark[(int)WatermarkIndex.Min];
        row[s++] = zone.Watermark[(int)WatermarkIndex.Low];
        row[s++] = zone.Watermark[(int)WatermarkIndex.High];
        Debug.Assert(s == TimeSeriesColumns.BlocksStart, "scalar columns match the declaration");
        ProcPagetypeinfo.BlockCounts(alloc.Node, zone, counts);
        counts.CopyTo(row, TimeSeriesColumns.BlocksStart);
        PageOwnerMixedCount.MixedBlockCounts(alloc.Node, zone, counts);
        counts.CopyTo(row, TimeSeriesColumns.MixedStart);
        int t = TimeSeriesColumns.TrailerStart;
        row[t++] = CompactionSuitable.FragmentationScoreZone(zone);
        row[t++] = nodeScore;
        row[t++] = procs[0];
        row[t++] = procs[1];
        row[t++] = procs[2];

        // NR_WRITEBACK_TEMP is a node counter that /proc/vmstat stopped printing in 6.17, so vmstat.parquet
        // lacks it; the pictures need it for every release (0 where the design has no temp pages).
        row[t++] = Math.Max(0, alloc.Node.NrWritebackTemp);
        Debug.Assert(t == row.Length, "every column filled");
    }

    private long[] SampleVmstat(long timeNs)
    {
        long[] v = ProcVmstat.Snapshot(alloc.Node, dirty);
        for (int i = 0; i < v.Length; i++)
        {
            VmstatTimeNs.Add(timeNs);
            VmstatItems.Add(i);
            VmstatValues.Add(v[i]);
        }

        return v;
    }

    // One row: the global thresholds as /proc/vmstat gives them, then per mount WB_WRITEBACK,
    // WB_RECLAIMABLE and the folios completed since the previous sample with their p99 and max.
    private void SampleWriteback(long timeNs, long[] vmstat)
    {
        WbTimeNs.Add(timeNs);
        WbValues[0].Add(vmstat[VmstatText.Index(VmStatItem.NrDirtyThreshold)]);
        WbValues[1].Add(vmstat[VmstatText.Index(VmStatItem.NrDirtyBackgroundThreshold)]);
        int c = TimeSeriesColumns.WritebackGlobal.Count;
        foreach (WbWatch w in wbs)
        {
            WritebackLifetimes h = w.Wb.Lifetimes;
            long maxNs = h.TakeIntervalMaxNs();
            WbValues[c++].Add(w.Wb.Stat(WbStatItem.Writeback));
            WbValues[c++].Add(w.Wb.Stat(WbStatItem.Reclaimable));
            WbValues[c++].Add(h.Count - w.PrevCount);
            WbValues[c++].Add((long)Math.Ceiling(h.QuantileSinceUs(w.Prev, 0.99, maxNs)));
            WbValues[c++].Add((maxNs + 999) / 1000);
            h.CopyCounts(w.Prev);
            w.PrevCount = h.Count;
        }

        Debug.Assert(c == WbColumns.Count, "every writeback column filled");
    }

    private void SampleTasks(long timeNs)
    {
        if (sim is null)
        {
            return;
        }

        foreach (SimTask task in sim.Tasks)
        {
            TaskTimeNs.Add(timeNs);
            TaskPids.Add(task.Pid);
            TaskComms.Add(task.Comm);
            TaskStates.Add(StateLetters[(int)task.State]);
            TaskWchans.Add(task.WaitSite ?? "");
        }
    }

    // R (running or runnable), S, D; exited tasks (X) are not counted.
    private void CountProcs(Span<long> procs)
    {
        procs.Clear();
        if (sim is null)
        {
            return;
        }

        foreach (SimTask task in sim.Tasks)
        {
            switch (task.State.ToChar())
            {
                case 'R': procs[0]++; break;
                case 'S': procs[1]++; break;
                case 'D': procs[2]++; break;
                default: break;
            }
        }
    }

    // A watched mount: its wb and the histogram as of the previous sample.
    private sealed class WbWatch(BdiWriteback wb)
    {
        public BdiWriteback Wb { get; } = wb;

        public long[] Prev { get; } = new long[WritebackLifetimes.Slots];

        public long PrevCount { get; set; }
    }
}
