using System.CommandLine;
using MmSim.Scenario;

namespace MmSim.Cli.Commands;

/// <summary><c>mmsim validate FILE…</c>: checks scenario files and lists every problem with file, line and field.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("files") { Description = "scenario files to check", Arity = ArgumentArity.OneOrMore };
        var cmd = new Command("validate", """
            Check scenario files; list every problem as FILE:LINE:COL: field: message (exit code 2 when any).

            Examples:
              mmsim validate scenarios/default.yaml
              mmsim validate scenarios/*.yaml scenarios/presets/*.yaml
            """) { files };
        cmd.SetAction(parse =>
        {
            int bad = 0;
            foreach (string f in parse.GetValue(files) ?? [])
            {
                IReadOnlyList<ScenarioError> errors = ScenarioLoader.Validate(f);
                foreach (ScenarioError e in errors)
                {
                    Console.Out.WriteLine(e.ToString());
                }

                if (errors.Count == 0)
                {
                    Console.Out.WriteLine($"{f}: ok");
                }
                else
                {
                    bad++;
                }
            }

            return bad == 0 ? 0 : ExitCodes.BadInput;
        });
        return cmd;
    }
}
