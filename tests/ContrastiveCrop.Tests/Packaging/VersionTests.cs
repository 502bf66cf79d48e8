using System.Xml.Linq;
using ContrastiveCrop.Contracts;
using ContrastiveCrop.Sdk;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.Packaging;

/// <summary>
/// build/Versions.props is the one source of the contracts' and SDK's versions: the assemblies (and the packages,
/// see <see cref="PluginPackageJourneyTests"/>) are built from it, and the C# constants plugins and the host compare
/// must say the same.
/// </summary>
[TestFixture]
public sealed class VersionTests
{
    private static Version Declared(string property) =>
        Version.Parse(XDocument.Load(Path.Combine(DotnetCli.RepoRoot, "build", "Versions.props")).Descendants(property).Single().Value);

    [Test]
    public void The_contracts_constants_and_assembly_version_match_the_declared_version()
    {
        var declared = Declared("CcropContractsVersion");
        Assert.That((ContractsVersion.Major, ContractsVersion.Minor), Is.EqualTo((declared.Major, declared.Minor)));
        Assert.That(typeof(ICropSampler).Assembly.GetName().Version, Is.EqualTo(new Version(declared.Major, declared.Minor, 0, 0)));
    }

    [Test]
    public void The_sdk_constants_and_assembly_version_match_the_declared_version()
    {
        var declared = Declared("CcropSdkVersion");
        Assert.That((SdkVersion.Major, SdkVersion.Minor), Is.EqualTo((declared.Major, declared.Minor)));
        Assert.That(typeof(SdkVersion).Assembly.GetName().Version, Is.EqualTo(new Version(declared.Major, declared.Minor, 0, 0)));
    }

    [TestCase("ContrastiveCrop.Samples.FixedBoxSampler", "ContrastiveCrop.Contracts", "CcropContractsVersion")]
    [TestCase("ContrastiveCrop.Samples.EdgeCentredSampler", "ContrastiveCrop.Sdk", "CcropSdkVersion")]
    public void A_sample_copied_out_of_the_repository_asks_for_the_current_package(string sample, string package, string property)
    {
        var project = XDocument.Load(Path.Combine(DotnetCli.RepoRoot, "plugins", "samples", sample, sample + ".csproj"));
        var reference = project.Descendants("PackageReference").Single(e => (string?)e.Attribute("Include") == package);
        Assert.That(Version.Parse((string)reference.Attribute("Version")!), Is.EqualTo(Declared(property)));
    }
}
