using MmSim.Tests.Support;

namespace MmSim.Tests.Cli;

/// <summary>
/// Issue 11 item 4: what a new user types wrong, through the real entry point. Each is exit code 2 and one readable
/// line naming the option or the file, line and field; never a stack trace, a .NET type name or a misleading "not found".
/// </summary>
[Collection("Console")]
public sealed class BadInputCliTests : IDisposable
{
    private const string Tiny = "version: 1\nmachine:\n  zones:\n    - name: Normal\n      size: 64MiB\n";

    private readonly string dir = Directory.CreateTempSubdirectory("mmsim-bad").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void A_seed_that_is_not_a_number_names_the_option_and_the_form_not_a_type()
    {
        string line = OneLine(MmsimCli.Run("run", Scenario(), "--seed", "abc", "--out", Path.Combine(dir, "o")));
        Assert.StartsWith("mmsim: --seed 'abc': expected a whole number", line, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Nullable", line, StringComparison.Ordinal);
    }

    [Fact]
    public void A_directory_given_as_the_scenario_says_it_is_a_directory()
    {
        string line = OneLine(MmsimCli.Run("run", dir));
        Assert.Equal($"{dir}: is a directory; give a scenario file (YAML), e.g. scenarios/default.yaml", line);
        Assert.DoesNotContain("not found", OneLine(MmsimCli.Run("validate", dir)), StringComparison.Ordinal);
    }

    [Fact]
    public void An_out_folder_in_proc_names_the_folder_in_the_way_before_running()
    {
        string line = OneLine(MmsimCli.Run("run", Scenario(), "--out", "/proc/x"));
        Assert.Equal("mmsim: --out /proc/x: cannot create the result folder: /proc does not accept new files or folders", line);
        Assert.DoesNotContain("Could not find file", line, StringComparison.Ordinal);
    }

    [Fact]
    public void An_out_folder_under_a_file_says_which_file()
    {
        string blocker = Path.Combine(dir, "f");
        File.WriteAllText(blocker, "x");
        Assert.Equal($"mmsim: --out {blocker}: is a file, not a folder", OneLine(MmsimCli.Run("run", Scenario(), "--out", blocker)));
        Assert.Equal(
            $"mmsim: --out {blocker}/o: cannot create the result folder: {blocker} is a file",
            OneLine(MmsimCli.Run("compare", Scenario(), "--seeds", "1", "--designs", "linux-6.18", "--out", Path.Combine(blocker, "o"))));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    public void Check_every_below_1_is_refused_not_silently_checking_nothing(string every)
    {
        string outDir = Path.Combine(dir, "o");
        string line = OneLine(MmsimCli.Run("run", Scenario(), "--check-every", every, "--out", outDir));
        Assert.Equal($"mmsim: --check-every {every}: must be at least 1 (operations between checks); leave it out for no checks, or use --check for every operation", line);
        Assert.False(Directory.Exists(outDir));
    }

    [Theory]
    [InlineData("--seeds", "10001", "mmsim: --seeds 10001: must be between 1 and 10000")]
    [InlineData("--seeds", "0", "mmsim: --seeds 0: must be between 1 and 10000")]
    [InlineData("--jobs", "0", "mmsim: --jobs 0: must be at least 1")]
    [InlineData("--seeds", "many", "mmsim: --seeds 'many': expected a whole number, e.g. 4; see 'mmsim --help'")]
    [InlineData("--jobs", "99999999999", "mmsim: --jobs '99999999999': expected a whole number, e.g. 4; see 'mmsim --help'")]
    [InlineData("--designs", "linux-9.99", null)]
    public void Compare_options_out_of_range_are_one_line(string option, string value, string? expected)
    {
        string outDir = Path.Combine(dir, "o");
        string line = OneLine(MmsimCli.Run("compare", Scenario(), option, value, "--out", outDir));
        if (expected is null)
        {
            Assert.StartsWith("mmsim: ", line, StringComparison.Ordinal);
            Assert.Contains("linux-9.99", line, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(expected, line);
        }

        Assert.False(Directory.Exists(outDir));
    }

    [Theory]
    [InlineData("--shard", "3/2", "mmsim: --shard '3/2': expected I/N with 0 <= I < N, e.g. 0/4")]
    [InlineData("--shard", "1/0", "mmsim: --shard '1/0': expected I/N with 0 <= I < N, e.g. 0/4")]
    [InlineData("--shard", "x", "mmsim: --shard 'x': expected I/N with 0 <= I < N, e.g. 0/4")]
    [InlineData("--index", "abc", "mmsim: --index 'abc': expected a whole number, e.g. 4; see 'mmsim --help'")]
    [InlineData("--jobs", "-1", "mmsim: --jobs -1: must be at least 1")]
    public void Sweep_options_out_of_range_are_one_line(string option, string value, string expected)
    {
        File.WriteAllText(Path.Combine(dir, "tiny.yaml"), Tiny);
        string sweep = Path.Combine(dir, "sweep.yaml");
        File.WriteAllText(sweep, "scenario: tiny.yaml\ndesigns: [linux-6.18]\nseeds: 2\n");
        string outDir = Path.Combine(dir, "o");
        Assert.Equal(expected, OneLine(MmsimCli.Run("sweep", sweep, "--out", outDir, option, value)));
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void Show_and_merge_of_a_missing_folder_are_one_line()
    {
        string missing = Path.Combine(dir, "nope");
        Assert.Equal($"mmsim: {missing}: no such folder", OneLine(MmsimCli.Run("show", missing)));
        string line = OneLine(MmsimCli.Run("merge", missing, "--out", Path.Combine(dir, "m")));
        Assert.StartsWith("mmsim: ", line, StringComparison.Ordinal);
        Assert.Contains(missing, line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../../x")]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData("has space")]
    public void A_scenario_name_that_is_not_a_plain_identifier_is_a_field_error(string name)
    {
        string scenario = Scenario($"name: \"{name}\"\n" + Tiny);
        string line = OneLine(MmsimCli.Run("run", scenario));
        Assert.Equal($"{scenario}:1:7: name: '{name}' is not a plain name: use letters, digits, '_', '.' and '-' (no '..', at most 100 characters); it names the result folders", line);
        Assert.False(Directory.Exists(Path.Combine(dir, "..", "x-seed1")));
    }

    [Fact]
    public void Validate_refuses_an_op_script_freeing_an_id_no_earlier_line_allocates()
    {
        File.WriteAllText(Path.Combine(dir, "s.ops"), "alloc a 0 GFP_KERNEL\nfree a\nfree b\nalloc b 0 GFP_KERNEL\n");
        string scenario = Scenario(Tiny + "workloads:\n  - type: ops\n    file: s.ops\n");
        (int code, string stdout, _) = MmsimCli.Run("validate", scenario);
        Assert.Equal(2, code);
        Assert.Equal(
            $"{Path.Combine(dir, "s.ops")}:3:6: workloads[0].file: 'b' is freed but no line above allocates it; 'free ID' names an ID an earlier 'alloc' line gave",
            stdout.TrimEnd('\n'));
    }

    [Fact]
    public void A_free_after_a_free_stays_a_counted_no_op_and_validates()
    {
        File.WriteAllText(Path.Combine(dir, "s.ops"), "alloc a 0 GFP_KERNEL\nfree a\nfree a\n");
        string scenario = Scenario(Tiny + "workloads:\n  - type: ops\n    file: s.ops\n");
        (int code, string stdout, _) = MmsimCli.Run("validate", scenario);
        Assert.Equal(0, code);
        Assert.EndsWith(": ok", stdout.TrimEnd('\n'), StringComparison.Ordinal);
    }

    private static string OneLine((int Code, string Out, string Err) r)
    {
        Assert.Equal(2, r.Code);
        string err = r.Err.Length > 0 ? r.Err : r.Out;
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", err, StringComparison.Ordinal);
        string[] lines = err.Replace("\r", string.Empty, StringComparison.Ordinal).TrimEnd('\n').Split('\n');
        Assert.Single(lines);
        return lines[0];
    }

    private string Scenario(string text = Tiny)
    {
        string path = Path.Combine(dir, "s.yaml");
        File.WriteAllText(path, text);
        return path;
    }
}
