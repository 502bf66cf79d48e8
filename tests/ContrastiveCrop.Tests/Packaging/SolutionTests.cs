using NUnit.Framework;

namespace ContrastiveCrop.Tests.Packaging;

/// <summary>
/// A project left out of the solution is left out of `dotnet build/publish -c Release` of the solution (the detection
/// plugin once was): every project under plugins/, core/, hosts/ and templates/ must be listed in it.
/// </summary>
[TestFixture]
public sealed class SolutionTests
{
    [TestCase("plugins")]
    [TestCase("core")]
    [TestCase("hosts")]
    [TestCase("templates")]
    public void Every_project_in_the_folder_is_in_the_solution(string folder)
    {
        var root = DotnetCli.RepoRoot;
        var solution = File.ReadAllText(Path.Combine(root, "ContrastiveCrop.Platform.sln")).Replace('\\', '/');
        // Template content (templates/*/content/) is not a project of this repository: it is what `dotnet new` writes.
        var projects = Directory.EnumerateFiles(Path.Combine(root, folder), "*.csproj", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(root, p).Replace('\\', '/'))
            .Where(p => !p.Contains("/content/", StringComparison.Ordinal))
            .ToList();
        Assert.That(projects, Is.Not.Empty);
        Assert.That(projects.Where(p => !solution.Contains($"\"{p}\"", StringComparison.Ordinal)), Is.Empty);
    }
}
