using System.Runtime.CompilerServices;

namespace MmSim.Tests.Golden;

/// <summary>Finds the committed golden and sample files and compares text character by character.</summary>
internal static class GoldenFiles
{
    /// <summary>The folder holding this source file (the tests read the committed files in place).</summary>
    public static string Folder([CallerFilePath] string sourceFile = "")
    {
        string? dir = Path.GetDirectoryName(sourceFile);
        if (dir != null && Directory.Exists(Path.Combine(dir, "expected")))
        {
            return dir;
        }

        // A build with mapped source paths: walk up from the test binaries to the repository.
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, "tests", "MmSim.Tests", "Golden");
            if (Directory.Exists(Path.Combine(candidate, "expected")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("tests/MmSim.Tests/Golden not found from " + sourceFile);
    }

    public static string Expected(string name) => File.ReadAllText(Path.Combine(Folder(), "expected", name));

    public static string[] SampleLines(string name) =>
        File.ReadAllText(Path.Combine(Folder(), "samples-6.18", name)).Split('\n');

    /// <summary>Asserts equality and, on failure, names the first differing line and column.</summary>
    public static void AssertSameText(string expected, string actual, string what)
    {
        if (expected == actual)
        {
            return;
        }

        string[] e = expected.Split('\n');
        string[] a = actual.Split('\n');
        for (int i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            string el = i < e.Length ? e[i] : "<missing>";
            string al = i < a.Length ? a[i] : "<missing>";
            if (el != al)
            {
                int col = 0;
                while (col < el.Length && col < al.Length && el[col] == al[col])
                {
                    col++;
                }

                Assert.Fail($"{what}: line {i + 1} differs at column {col + 1}\nexpected: [{el}]\nactual:   [{al}]");
            }
        }

        Assert.Fail($"{what}: texts differ");
    }
}
