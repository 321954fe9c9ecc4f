using System.Globalization;
using MmSim.Scenario;

namespace MmSim.Workloads.Timed;

/// <summary>
/// The <c>thpchallenge</c> preset: a <c>pagecache</c> reader of many small files (random pages) and
/// an <c>anon</c> THP process that runs again and again, both built from the preset's parameters
/// when the run starts (their sizes are shares of the machine's memory). Their counts add up in
/// the preset's stats: the process's runs and THP faults, the reader's page-cache allocations.
/// </summary>
/// <param name="config">The resolved preset.</param>
internal sealed class ThpChallengeWorkload(ThpChallengeWorkloadConfig config) : ITimedWorkload
{
    /// <summary>Metric: small files the reader walks.</summary>
    public const string Files = "files";

    // kmalloc caches of a busy kernel: mostly order-0 slabs, some of orders 1-3.
    private static readonly ValueList<OrderWeight> KernelSlabOrders = TimedFields.Orders((0, 4), (1, 2), (2, 1), (3, 1));

    public string Type => config.Type;

    public WorkloadStats Stats { get; } = new();

    public void Start(WorkloadContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        long managedBytes = ctx.Alloc.Node.ManagedPages * Units.PageSizeBytes;
        long nrFiles = Math.Max(1, config.Cache.Of(managedBytes) / config.FileSizeBytes);
        var files = new List<CachedFileConfig>((int)nrFiles);
        for (long i = 0; i < nrFiles; i++)
        {
            files.Add(new CachedFileConfig(string.Create(CultureInfo.InvariantCulture, $"thpchallenge/f{i:D6}"), config.FileSizeBytes));
        }

        var reader = new PageCacheWorkloadConfig(new ValueList<CachedFileConfig>(files), config.ReadRate, null, config.DeleteRate, AccessPattern.Random, config.StartNs);
        long thpBytes = Math.Max(Units.PageblockSizeBytes, config.ThpSize.Of(managedBytes) / Units.PageblockSizeBytes * Units.PageblockSizeBytes);
        var process = new AnonWorkloadConfig(thpBytes, TimedFields.FaultRateDefault, config.ThpLifetime, config.Thp, config.Defrag, false, config.StartNs + config.ThpDelayNs, long.MaxValue);
        Stats.SetMetric(Files, nrFiles);
        var slab = new SlabWorkloadConfig(false, KernelSlabOrders, config.SlabRate, config.SlabLifetime, null, config.StartNs);
        new PageCacheWorkload(reader, Stats).Start(ctx);
        new SlabWorkload(slab, Stats).Start(ctx);
        new AnonWorkload(process, Stats).Start(ctx);
    }
}
