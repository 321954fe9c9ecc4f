using CsCheck;
using MmSim.Kernel.Designs;
using MmSim.Runs;
using MmSim.Scenario;

namespace MmSim.Tests.Fuzz;

/// <summary>
/// A scenario that validates must run: a small scenario with every kind of workload, values edited, loaded and, when
/// it loads and stays small, run to the end. The only exception allowed is <see cref="ConfigurationException"/> (the
/// CLI's exit 2 for a design that cannot take the scenario's switches); anything else would be mmsim's exit 70.
/// </summary>
public sealed class RunFuzzTests : IDisposable
{
    private const int Seconds = 5;

    private const string Small = """
        version: 1
        name: runfuzz
        seed: 3
        duration: 60ms
        sampling_interval: 20ms
        kernel:
          writeback_wait_timeout: 10ms
        machine:
          memory_block_size: 16MiB
          zones:
            - name: DMA32
              size: 32MiB
              reserved: 2MiB
            - name: Normal
              size: 32MiB
            - name: Movable
              size: 32MiB
          cma:
            - { name: cma0, size: 8MiB, zone: Normal }
        sysctl:
          dirty_ratio: 40
          dirty_background_ratio: 10
          min_free_kbytes: 1024
        mounts:
          - { name: root, fs: ext4 }
          - { name: fusefs, fs: fuse, max_ratio: 50 }
        workloads:
          - { type: churn, ops: 3000, fill: 70% }
          - { type: fuse_server, mount: fusefs, behaviour: stall, stall_at: 20ms, resume_at: 40ms, backing_size: 4MiB }
          - { type: filewrite, file: log, mount: fusefs, size: 4MiB, rate: 3000/s }
          - { type: anon, size: 8MiB, thp: always, fill_time: 10ms, lifetime: exp(20ms), repeat: 3, start: 5ms }
          - type: pagecache
            files:
              - { name: cache, size: 4MiB }
            read_rate: 4000/s
          - { type: slab, rate: 1000/s, lifetime: exp(30ms), start: 1ms }
          - type: steps
            steps:
              - { at: 10ms, do: compact }
              - { at: 20ms, do: cma_alloc, id: c1, area: cma0, pages: 512 }
              - { at: 30ms, do: offline, block: 3, signal_after: 20ms }
        """;

    // Values that stay small: a fuzzed size of 1 PiB or a 1 ns sampling interval is a slow run, not a crash.
    private static readonly string[] SmallJunk =
    [
        "", "0", "1", "-1", "x", "[1]", "{}", "null", "~", "100%", "0%", "0B", "4KiB", "2MiB", "1ms", "0s", "5ms", "1.5",
        "exp(0)", "exp(1ms)", "GFP_KERNEL", "none", "always", "never", "madvise", "linux-6.12", "wait-timeout", "true", "3",
    ];

    private readonly string dir = Directory.CreateTempSubdirectory("mmsim-runfuzz").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    // Found by the fuzzer: without memory_block_size the machine is one 128 MiB block, and 'offline block: 3' passed
    // validation and crashed the run.
    [Fact]
    public void A_step_naming_a_memory_block_the_machine_lacks_is_a_field_error()
    {
        string text = Small.Replace("  memory_block_size: 16MiB\n", string.Empty, StringComparison.Ordinal);
        string[] errors = [.. ScenarioLoader.LoadFromString(text, "s.yaml").Errors.Select(e => e.ToString())];
        Assert.Equal(["s.yaml:40:41: workloads[6].steps[2].block: memory block 3 does not exist: the machine has 1 memory blocks of 128MiB (0 .. 0)"], errors);
        Assert.Empty(ScenarioLoader.LoadFromString(Small, "s.yaml").Errors);
    }

    // Found by the fuzzer: a cma_alloc of an area machine.cma does not declare passed validation and crashed the run.
    [Fact]
    public void A_cma_alloc_of_an_undeclared_area_is_a_field_error()
    {
        string text = Small.Replace("  cma:\n    - { name: cma0, size: 8MiB, zone: Normal }\n", string.Empty, StringComparison.Ordinal);
        string[] errors = [.. ScenarioLoader.LoadFromString(text, "s.yaml").Errors.Select(e => e.ToString())];
        Assert.Equal(["s.yaml:38:50: workloads[6].steps[1].area: there is no CMA area 'cma0' (the machine declares none in machine.cma)"], errors);
    }

    [Fact]
    public void Edited_small_scenarios_that_load_run_to_the_end()
    {
        int run = 0;
        TextMutation.Edit.Array[1, 3].Sample(
            edits =>
            {
                string text = TextMutation.Apply(Small, edits, SmallJunk);
                LoadResult r = ScenarioLoader.LoadFromString(text, Path.Combine(dir, "s.yaml"));
                if (r.Config is not { } config || config.DurationNs > 100_000_000 || config.SamplingIntervalNs < 1_000_000
                    || config.Machine.TotalBytes > (256L << 20))
                {
                    return;
                }

                try
                {
                    RunFolder.Execute(config, new RunOptions(), Path.Combine(dir, $"r{run++}"));
                }
                catch (ConfigurationException)
                {
                    // Refused with one line by the CLI (exit 2).
                }
            },
            time: Seconds,
            threads: 1,
            print: edits => $"edits [{string.Join(", ", edits)}]:\n{TextMutation.Apply(Small, edits, SmallJunk)}");
    }
}
