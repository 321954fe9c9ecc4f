using MmSim.Tests.Support;

namespace MmSim.Tests.Cli;

[Collection("Console")]
public class CliErrorTests
{
    private static (int Code, string Out, string Err) Mmsim(params string[] args) => MmsimCli.Run(args);

    [Fact]
    public void A_bad_scenario_gives_one_line_per_problem_with_file_line_and_field_and_exit_code_2()
    {
        string dir = Directory.CreateTempSubdirectory("mmsim-cli").FullName;
        string path = Path.Combine(dir, "bad.yaml");
        File.WriteAllText(path, "version: 1\nmachine:\n  zones:\n    - name: Normal\n      size: 16GB\n");
        (int code, _, string err) = Mmsim("run", path, "--out", Path.Combine(dir, "out"));
        Assert.Equal(2, code);
        string[] lines = err.TrimEnd().Split('\n');
        Assert.Single(lines);
        Assert.StartsWith($"{path}:5:13: machine.zones[0].size:", lines[0], StringComparison.Ordinal);
        Assert.Contains("16GiB", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(dir, "out")));
    }

    [Fact]
    public void Validate_lists_every_problem_and_ok_files()
    {
        string dir = Directory.CreateTempSubdirectory("mmsim-cli").FullName;
        string bad = Path.Combine(dir, "bad.yaml");
        File.WriteAllText(bad, "version: 1\nduration: -5s\nmachine:\n  zones:\n    - name: Normal\n      size: 1GiB\n  colour: blue\n");
        (int code, string output, _) = Mmsim("validate", bad, "../../../../../scenarios/allocator-churn.yaml");
        Assert.Equal(2, code);
        string[] lines = output.TrimEnd().Split('\n');
        Assert.Contains(lines, l => l.StartsWith($"{bad}:2:", StringComparison.Ordinal) && l.Contains("duration", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"{bad}:7:", StringComparison.Ordinal) && l.Contains("colour", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith("allocator-churn.yaml: ok", StringComparison.Ordinal));
    }

    [Fact]
    public void Unknown_arguments_are_bad_input_not_a_crash()
    {
        (int code, _, string err) = Mmsim("run", "a.yaml", "--no-such-flag");
        Assert.Equal(2, code);
        Assert.StartsWith("mmsim: ", err, StringComparison.Ordinal);
    }

    // An output folder that cannot be written is the user's problem: one line, exit 2, no stack.
    [Fact]
    public void An_unwritable_result_folder_gives_one_line_not_a_stack_trace()
    {
        string dir = Directory.CreateTempSubdirectory("mmsim-cli").FullName;
        string scenario = Path.Combine(dir, "s.yaml");
        File.WriteAllText(scenario, "version: 1\nmachine:\n  zones:\n    - name: Normal\n      size: 64MiB\n");
        string blocker = Path.Combine(dir, "file");
        File.WriteAllText(blocker, "not a folder");
        (int code, _, string err) = Mmsim("run", scenario, "--out", Path.Combine(blocker, "out"));
        Assert.Equal(2, code);
        Assert.Single(err.TrimEnd().Split('\n'));
        Assert.StartsWith("mmsim: ", err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
    }
}
