using System.Xml.Linq;
using ContrastiveCrop.Contracts;
using ContrastiveCrop.Tests.Cli;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.Packaging;

/// <summary>
/// A third party's whole journey, outside the repository tree: pack the contracts, SDK and templates into a local
/// folder, install the templates into a private template hive, create a sampler, build it against the local package
/// folder only, list it with <c>ccrop plugins list --plugins DIR</c> and train with it. Slow (a pack and two builds),
/// so the pack is shared by the tests of this fixture.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class PluginPackageJourneyTests
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(8);
    private string _root = "";
    private string _packages = "";
    private Dictionary<string, string> _environment = [];

    [OneTimeSetUp]
    public void PackIntoALocalFolder()
    {
        _root = TestFolders.NewTemp("plugin-journey");
        _packages = Path.Combine(_root, "packages") + Path.DirectorySeparatorChar;
        // A private CLI home (template hive) and NuGet cache: the user's templates and packages are untouched, and a
        // package packed earlier with the same version cannot be restored from the cache in place of this one.
        _environment = new Dictionary<string, string>
        {
            ["DOTNET_CLI_HOME"] = Path.Combine(_root, "cli-home"),
            ["NUGET_PACKAGES"] = Path.Combine(_root, "nuget-cache"),
        };
        var pack = DotnetCli.Run(DotnetCli.RepoRoot, null, BuildTimeout,
            "pack", Path.Combine("build", "ContrastiveCrop.Packages.slnf"), "-c", "Release", "-nologo", "--disable-build-servers", $"-p:CcropPackageFolder={_packages}");
        Assert.That(pack.ExitCode, Is.EqualTo(0), pack.Output);
    }

    [OneTimeTearDown]
    public void RemoveTheFolder()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [Test]
    public void The_packages_carry_the_contracts_and_sdk_versions()
    {
        var names = Directory.GetFiles(_packages, "*.nupkg").Select(Path.GetFileName).Order().ToList();
        Assert.That(names, Does.Contain($"ContrastiveCrop.Contracts.{ContractsVersion.Major}.{ContractsVersion.Minor}.{Patch("CcropContractsVersion")}.nupkg"));
        Assert.That(names, Does.Contain($"ContrastiveCrop.Sdk.{ContrastiveCrop.Sdk.SdkVersion.Major}.{ContrastiveCrop.Sdk.SdkVersion.Minor}.{Patch("CcropSdkVersion")}.nupkg"));
        Assert.That(names.Count(n => n!.StartsWith("ContrastiveCrop.Templates.", StringComparison.Ordinal)), Is.EqualTo(1));
    }

    [Test]
    public void A_sampler_made_from_the_template_outside_the_repository_builds_lists_and_trains()
    {
        var hive = Path.Combine(_root, "template-hive");
        var template = Directory.GetFiles(_packages, "ContrastiveCrop.Templates.*.nupkg").Single();
        var install = DotnetCli.Run(_root, _environment, BuildTimeout, "new", "install", template, "--debug:custom-hive", hive);
        Assert.That(install.ExitCode, Is.EqualTo(0), install.Output);

        var work = Path.Combine(_root, "work");
        Directory.CreateDirectory(work);
        var create = DotnetCli.Run(work, _environment, BuildTimeout,
            "new", "ccrop-sampler", "-n", "JourneySampler", "--plugin-name", "journey-sampler", "--debug:custom-hive", hive);
        Assert.That(create.ExitCode, Is.EqualTo(0), create.Output);
        var project = Path.Combine(work, "JourneySampler");
        Assert.That(Path.GetFullPath(project), Does.Not.StartWith(DotnetCli.RepoRoot), "the journey must happen outside the repository");
        Assert.That(File.ReadAllText(Path.Combine(project, "nuget.config")), Does.Contain(_packages.TrimEnd(Path.DirectorySeparatorChar)),
            "the generated nuget.config names the folder the templates were packed into");
        WriteIsolatedNugetConfig(project);

        var build = DotnetCli.Run(project, _environment, BuildTimeout,
            "build", Path.Combine("JourneySampler", "JourneySampler.csproj"), "-c", "Release", "-nologo", "--disable-build-servers");
        Assert.That(build.ExitCode, Is.EqualTo(0), build.Output);

        var output = Path.Combine(project, "JourneySampler", "bin", "Release", "net10.0");
        var files = Directory.GetFiles(output, "*", SearchOption.AllDirectories).Select(f => Path.GetFileName(f)!).ToList();
        // A loadable plugin: its own assembly with a runtimeconfig (EnableDynamicLoading), and nothing the host supplies.
        Assert.That(files, Does.Contain("JourneySampler.dll").And.Contain("JourneySampler.runtimeconfig.json").And.Contain("JourneySampler.deps.json"));
        Assert.That(files.Where(f => f.StartsWith("ContrastiveCrop.", StringComparison.Ordinal) || f.StartsWith("TorchSharp", StringComparison.Ordinal)
                                    || f.Contains("torch", StringComparison.OrdinalIgnoreCase)), Is.Empty, string.Join(", ", files));

        var list = Ccrop.Invoke("plugins", "list", "--plugins", output);
        Assert.That(list.ExitCode, Is.EqualTo(0), list.Error);
        var line = list.Out.Split('\n').Where(l => l.Contains("journey-sampler")).ToList();
        Assert.That(line, Has.Count.EqualTo(1), list.Out);
        Assert.That(line[0], Does.Contain("crop sampler"));

        // The generated recipe (plugin_folders points at the Release output) shrunk to seconds.
        var recipe = Path.Combine(project, "recipe.yaml");
        var old = Environment.CurrentDirectory;
        Environment.CurrentDirectory = project;
        Ccrop.Outcome run;
        try
        {
            run = Ccrop.Invoke("run", recipe, "--set", "pretrain.epochs=1", "--set", "pretrain.batch_size=16", "--set", "data.train_count=32",
                "--set", "data.test_count=16", "--set", "data.image_size=16", "--set", "pretrain.image_size=16", "--set", "pretrain.backbone.width_multiplier=0.0625",
                "--set", "evaluate=[{name: knn, k: 3}]");
        }
        finally { Environment.CurrentDirectory = old; }
        Assert.That(run.ExitCode, Is.EqualTo(0), run.Error + run.Out);
        var runFolder = Directory.GetDirectories(Path.Combine(project, "runs")).Single();
        Assert.That(File.ReadAllText(Path.Combine(runFolder, "manifest.json")), Does.Contain("crop sampler 'journey-sampler'"));
    }

    [Test]
    public void A_sample_plugin_copied_out_of_the_repository_builds_against_the_packages()
    {
        var copy = Path.Combine(_root, "copied-sample", "EdgeCentred");
        TestFolders.Copy(Path.Combine(DotnetCli.RepoRoot, "plugins", "samples", "ContrastiveCrop.Samples.EdgeCentredSampler"), copy);
        foreach (var generated in new[] { "bin", "obj" }.Select(d => Path.Combine(copy, d)).Where(Directory.Exists)) Directory.Delete(generated, true);
        WriteIsolatedNugetConfig(copy);

        var build = DotnetCli.Run(copy, _environment, BuildTimeout, "build", "-c", "Release", "-nologo", "--disable-build-servers");
        Assert.That(build.ExitCode, Is.EqualTo(0), build.Output);

        var output = Directory.GetFiles(copy, "ContrastiveCrop.Samples.EdgeCentredSampler.dll", SearchOption.AllDirectories)
            .Select(Path.GetDirectoryName).Single(d => d!.Contains(Path.Combine("bin", "Release")))!;
        Assert.That(Directory.GetFiles(output).Select(Path.GetFileName), Has.None.StartsWith("ContrastiveCrop.Contracts").And.None.StartsWith("ContrastiveCrop.Sdk"));
        var list = Ccrop.Invoke("plugins", "list", "--plugins", output);
        Assert.That(list.ExitCode, Is.EqualTo(0), list.Error);
        Assert.That(list.Out, Does.Contain("edge-centred"));
    }

    /// <summary>
    /// Restore from the local package folder only for ContrastiveCrop packages (source mapping), and everything else
    /// (TorchSharp, ...) from this machine's package cache used as a folder source, so the test needs no network.
    /// </summary>
    private void WriteIsolatedNugetConfig(string folder)
    {
        var locals = DotnetCli.Run(folder, null, TimeSpan.FromMinutes(2), "nuget", "locals", "global-packages", "--list");
        var cache = locals.Output.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith("global-packages:", StringComparison.Ordinal))["global-packages:".Length..].Trim();
        var config = new XElement("configuration",
            new XElement("packageSources",
                new XElement("clear"),
                new XElement("add", new XAttribute("key", "local"), new XAttribute("value", _packages)),
                new XElement("add", new XAttribute("key", "machine-cache"), new XAttribute("value", cache))),
            new XElement("packageSourceMapping",
                new XElement("packageSource", new XAttribute("key", "local"), new XElement("package", new XAttribute("pattern", "ContrastiveCrop.*"))),
                new XElement("packageSource", new XAttribute("key", "machine-cache"), new XElement("package", new XAttribute("pattern", "*")))));
        config.Save(Path.Combine(folder, "nuget.config"));
    }

    private static int Patch(string property) =>
        Version.Parse(XDocument.Load(Path.Combine(DotnetCli.RepoRoot, "build", "Versions.props")).Descendants(property).Single().Value).Build;
}
