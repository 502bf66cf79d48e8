using System.Diagnostics;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.Reporting;

/// <summary>Debian's chromium in headless mode, for checking that generated pages render.</summary>
internal static class HeadlessChromium
{
    private static readonly string[] Candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

    /// <summary>The browser, or the test is skipped with the reason (CI installs it: .ci/run).</summary>
    public static string Require() =>
        Candidates.FirstOrDefault(File.Exists)
        ?? throw new IgnoreException("chromium is not installed (apt-get install chromium; .ci/run installs it), so the page cannot be rendered here.");

    /// <summary>
    /// Loads <paramref name="page"/> with no network, lets its scripts run, and returns the DOM as
    /// serialised after the load event.
    /// </summary>
    public static string DumpDom(string page)
    {
        var browser = Require();
        var profile = TestFolders.NewTemp("chromium-profile");
        var start = new ProcessStartInfo(browser)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--no-first-run", $"--user-data-dir={profile}", "--virtual-time-budget=10000",
                     "--dump-dom", new Uri(Path.GetFullPath(page)).AbsoluteUri,
                 })
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("chromium did not finish within 2 minutes");
        }
        Assert.That(process.ExitCode, Is.EqualTo(0), error.Result);
        return output;
    }
}
