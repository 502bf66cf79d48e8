using NUnit.Framework;

namespace ContrastiveCrop.Tests.Packaging;

/// <summary>
/// `dotnet publish -c Release` of the host ships every first-party plugin: the published ccrop, run as a program from
/// the publish folder, lists the detection tasks (the plugin that was once left out of the solution). One publish
/// per test run (it is a Release build of the whole host).
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ReleasePublishTests
{
    private string _publish = "";

    [OneTimeSetUp]
    public void PublishTheHost()
    {
        _publish = TestFolders.NewTemp("publish");
        var result = DotnetCli.Run(DotnetCli.RepoRoot, null, TimeSpan.FromMinutes(12),
            "publish", Path.Combine("hosts", "ContrastiveCrop.Cli", "ContrastiveCrop.Cli.csproj"), "-c", "Release", "-o", _publish, "-nologo", "--disable-build-servers");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Output);
    }

    [OneTimeTearDown]
    public void RemoveTheFolder()
    {
        try { Directory.Delete(_publish, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [Test]
    public void The_published_ccrop_lists_every_first_party_plugin_including_detection()
    {
        var ccrop = Path.Combine(_publish, OperatingSystem.IsWindows() ? "ccrop.exe" : "ccrop");
        var list = DotnetCli.Exec(ccrop, _publish, null, TimeSpan.FromMinutes(3), "plugins", "list");
        Assert.That(list.ExitCode, Is.EqualTo(0), list.Output);
        var rows = list.Output.Split('\n');
        Assert.That(rows.Count(r => r.Contains("downstream task") && r.Contains(" faster-rcnn-c4 ")), Is.EqualTo(1), list.Output);
        Assert.That(rows.Count(r => r.Contains("downstream task") && r.Contains(" mask-rcnn-c4 ")), Is.EqualTo(1), list.Output);
        // One plugin folder per first-party plugin project, each loaded from the published plugins/ folder.
        var projects = Directory.GetDirectories(Path.Combine(DotnetCli.RepoRoot, "plugins"), "ContrastiveCrop.Plugins.*").Select(Path.GetFileName).Order();
        Assert.That(Directory.GetDirectories(Path.Combine(_publish, "plugins")).Select(Path.GetFileName).Order(), Is.EqualTo(projects));
        foreach (var project in projects)
            Assert.That(list.Output, Does.Contain(Path.Combine(_publish, "plugins", project!, project + ".dll")), $"{project} is listed");
    }
}
