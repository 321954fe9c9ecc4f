using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace MmSim.Tests.Report;

/// <summary>
/// Opens an HTML file in headless Chromium (Debian's <c>chromium</c>; .ci/run installs it) and reports what a reader
/// would notice: the screenshot, every console message (script errors, blocked loads: the report's content security
/// policy turns any reference to a file or URL into one), and which images failed to decode.
/// Images are checked by a probe script added to a copy of the page: a missing or corrupt image raises no console
/// message by itself, so the probe reports every image that is not complete with a natural width, and marks the
/// document with its counts so a run where the probe never ran is a failure too.
/// </summary>
internal static class HeadlessChromium
{
    /// <summary>How long one chromium run may take before it is killed.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private const string Probe = """
        <script>
        window.addEventListener('error', function (e) {
          var t = e.target;
          if (t && t !== window && t.tagName) { console.error('mmsim-probe: failed to load ' + t.tagName); }
        }, true);
        window.addEventListener('load', function () {
          var ok = 0, broken = 0, sizes = [];
          for (var i = 0; i < document.images.length; i++) {
            var im = document.images[i];
            if (im.complete && im.naturalWidth > 0) { ok++; } else { broken++; console.error('mmsim-probe: broken image ' + i); }
            sizes.push(im.naturalWidth + 'x' + im.naturalHeight);
          }
          document.documentElement.setAttribute('data-mmsim-probe', 'images-ok=' + ok + ' broken=' + broken + ' sizes=' + sizes.join(','));
        });
        </script>
        """;

    /// <summary>The chromium executable, or null when none is installed.</summary>
    public static string? Find()
    {
        string[] names = ["chromium", "chromium-browser"];
        string path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin";
        foreach (string dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (string name in names)
            {
                string candidate = Path.Combine(dir, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>The chromium executable; without one, skips the calling test (or fails it when
    /// <c>MMSIM_REQUIRE_CHROMIUM=1</c>, as CI sets), saying why.</summary>
    /// <param name="output">Where the reason is written.</param>
    public static string Require(ITestOutputHelper output)
    {
        string? chromium = Find();
        if (chromium is null)
        {
            const string why = "chromium is not installed (Debian: apt-get install chromium; .ci/run installs it)";
            Assert.False(Environment.GetEnvironmentVariable("MMSIM_REQUIRE_CHROMIUM") == "1", "MMSIM_REQUIRE_CHROMIUM=1 but " + why);
            output.WriteLine("skipped: " + why);
            Assert.Skip(why);
        }

        return chromium!;
    }

    /// <summary>Renders <paramref name="htmlPath"/> (through a probed copy beside it) at 1200×2000.</summary>
    /// <param name="chromium">The executable.</param>
    /// <param name="htmlPath">The page.</param>
    /// <param name="workDir">Where the probed copy, the screenshot and chromium's profile go.</param>
    /// <returns>What chromium produced.</returns>
    public static Rendering Render(string chromium, string htmlPath, string workDir)
    {
        string html = File.ReadAllText(htmlPath);
        int head = html.IndexOf("<head>", StringComparison.OrdinalIgnoreCase);
        // The probe goes first in <head>, before the page's content security policy, which would block it later on.
        string probed = head >= 0 ? html.Insert(head + "<head>".Length, "\n" + Probe) : Probe + html;
        string probedPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(htmlPath))!, "." + Path.GetFileNameWithoutExtension(htmlPath) + ".probe.html");
        File.WriteAllText(probedPath, probed);
        string screenshot = Path.Combine(workDir, "screenshot.png");
        string profile = Path.Combine(workDir, "chromium-profile");

        var psi = new ProcessStartInfo(chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in new[]
        {
            "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
            "--user-data-dir=" + profile, "--window-size=1200,2000", "--hide-scrollbars",
            "--enable-logging=stderr", "--v=0", "--screenshot=" + screenshot, "--dump-dom",
            new Uri(probedPath).AbsoluteUri,
        })
        {
            psi.ArgumentList.Add(a);
        }

        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var watch = Stopwatch.StartNew();
        using var p = new Process { StartInfo = psi };
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (stdout) { stdout.AppendLine(e.Data); } } };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (stderr) { stderr.AppendLine(e.Data); } } };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        bool exited = p.WaitForExit(Timeout);
        if (!exited)
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
        }
        else
        {
            p.WaitForExit(); // drains the redirected streams
        }

        watch.Stop();
        string err;
        lock (stderr)
        {
            err = stderr.ToString();
        }

        string dom;
        lock (stdout)
        {
            dom = stdout.ToString();
        }

        var console = new List<string>();
        foreach (string line in err.Split('\n'))
        {
            // Chromium logs every console message (console.error, uncaught exceptions, CSP violations) as
            // "[pid:tid:time:INFO:CONSOLE:line] "message", source: url (line)".
            if (line.Contains(":CONSOLE", StringComparison.Ordinal) || line.Contains("Uncaught", StringComparison.Ordinal))
            {
                console.Add(line.Trim());
            }
        }

        byte[]? png = File.Exists(screenshot) ? File.ReadAllBytes(screenshot) : null;
        return new Rendering(exited, exited ? p.ExitCode : -1, watch.Elapsed, console, dom, png, screenshot, err);
    }

    /// <summary>The chromium version line, for the test output.</summary>
    public static string Version(string chromium)
    {
        var psi = new ProcessStartInfo(chromium, "--version") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var p = Process.Start(psi)!;
        string v = p.StandardOutput.ReadToEnd().Trim();
        p.StandardError.ReadToEnd();
        if (!p.WaitForExit(Timeout))
        {
            p.Kill(entireProcessTree: true);
        }

        return v;
    }
}

/// <summary>What one chromium run produced.</summary>
/// <param name="Exited">It exited before the time limit.</param>
/// <param name="ExitCode">Its exit code (-1 when killed).</param>
/// <param name="Elapsed">Wall time of the run.</param>
/// <param name="ConsoleLines">Console messages the page raised.</param>
/// <param name="Dom">The DOM after load (<c>--dump-dom</c>), with the probe's mark.</param>
/// <param name="Screenshot">The screenshot PNG, or null when none was written.</param>
/// <param name="ScreenshotPath">Where it was written.</param>
/// <param name="Stderr">Chromium's whole standard error, for failure messages.</param>
internal sealed partial record Rendering(bool Exited, int ExitCode, TimeSpan Elapsed, IReadOnlyList<string> ConsoleLines, string Dom, byte[]? Screenshot, string ScreenshotPath, string Stderr)
{
    /// <summary>The probe's counts, or null when the probe did not run.</summary>
    public (int Ok, int Broken)? Images => Probe is { } p ? (p.Ok, p.Broken) : null;

    /// <summary>The natural size of every image as the browser decoded it, in page order (<c>480x260</c>), or null
    /// when the probe did not run.</summary>
    public IReadOnlyList<string>? ImageSizes => Probe?.Sizes;

    private (int Ok, int Broken, string[] Sizes)? Probe
    {
        get
        {
            Match m = ProbeMark().Match(Dom);
            if (!m.Success)
            {
                return null;
            }

            return (int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture),
                m.Groups[3].Value.Split(',', StringSplitOptions.RemoveEmptyEntries));
        }
    }

    /// <summary>Everything wrong with this rendering, given how many images the page must show; empty when it
    /// rendered cleanly.</summary>
    public IReadOnlyList<string> Problems(int expectedImages)
    {
        var problems = new List<string>();
        if (!Exited)
        {
            problems.Add($"chromium did not finish within {HeadlessChromium.Timeout.TotalSeconds:0} s and was killed");
        }
        else if (ExitCode != 0)
        {
            problems.Add($"chromium exited with {ExitCode}");
        }

        foreach (string line in ConsoleLines)
        {
            problems.Add("console: " + line);
        }

        if (Images is not { } images)
        {
            problems.Add("the image probe did not run (no load event, or the page blocked it)");
        }
        else
        {
            if (images.Broken != 0)
            {
                problems.Add($"{images.Broken} image(s) failed to load or decode");
            }

            if (images.Ok != expectedImages)
            {
                problems.Add($"{images.Ok} image(s) rendered, expected {expectedImages}");
            }
        }

        if (Screenshot is null)
        {
            problems.Add("no screenshot was written");
        }
        else if (ScreenshotCheck.Blank(Screenshot) is { } blank)
        {
            problems.Add("screenshot is blank: " + blank);
        }

        return problems;
    }

    [GeneratedRegex("data-mmsim-probe=\"images-ok=([0-9]+) broken=([0-9]+) sizes=([0-9x,]*)\"")]
    private static partial Regex ProbeMark();
}
