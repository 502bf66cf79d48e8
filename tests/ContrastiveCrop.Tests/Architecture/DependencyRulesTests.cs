using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using ContrastiveCrop.Contracts;
using ContrastiveCrop.Engine.Plugins;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.Architecture;

/// <summary>
/// The shape of the house (DESIGN §1): the engine never names a plugin, its type or a plugin-specific
/// interface; first-party plugins are built only on the contracts, the SDK and building blocks, as a third
/// party's would be; the contracts and the SDK depend on nothing of ours above them.
/// </summary>
[TestFixture]
public sealed class DependencyRulesTests
{
    private static readonly string[] OwnHigherLayers = ["ContrastiveCrop.Engine", "ContrastiveCrop.Cli", "ccrop", "ccrop-bench", "ContrastiveCrop.Bench"];

    private static Assembly EngineAssembly => typeof(PluginDiscovery).Assembly;

    /// <summary>Every first-party plugin as discovery finds it: names, types and assemblies.</summary>
    private static PluginCatalog FirstParty() => PluginDiscovery.Discover([TestFolders.Plugins]);

    /// <summary>All string literals and referenced type and member names in an assembly's metadata.</summary>
    private static HashSet<string> NamesIn(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var handle = MetadataTokens.UserStringHandle(1);
        while (!handle.IsNil)
        {
            names.Add(reader.GetUserString(handle));
            handle = reader.GetNextHandle(handle);
        }
        foreach (var t in reader.TypeReferences) names.Add(reader.GetString(reader.GetTypeReference(t).Name));
        foreach (var t in reader.TypeDefinitions) names.Add(reader.GetString(reader.GetTypeDefinition(t).Name));
        foreach (var m in reader.MemberReferences) names.Add(reader.GetString(reader.GetMemberReference(m).Name));
        return names;
    }

    [Test]
    public void The_engine_assembly_names_no_plugin_and_no_plugin_type()
    {
        var catalog = FirstParty();
        Assert.That(catalog.All, Has.Count.GreaterThan(10), "the first-party plugins were found");
        var names = NamesIn(EngineAssembly.Location);
        foreach (var plugin in catalog.All)
        {
            var asWord = new System.Text.RegularExpressions.Regex($@"(?<![\w-]){System.Text.RegularExpressions.Regex.Escape(plugin.Name)}(?![\w-])");
            Assert.That(names.Where(n => asWord.IsMatch(n)), Is.Empty, $"the engine names the {plugin} in a string");
            Assert.That(names, Does.Not.Contain(plugin.Type.Name), $"the engine names the type of the {plugin}");
        }
        Assert.That(names.Where(n => n.Contains("Localizing") || n.Contains("NeighbourCrop") || n.Contains("BoxUpdate")), Is.Empty);
        Assert.That(EngineAssembly.GetReferencedAssemblies().Select(a => a.Name), Has.None.StartsWith("ContrastiveCrop.Plugins"));
    }

    [Test]
    public void The_engine_source_has_no_check_for_a_plugin_interface_or_name()
    {
        var sources = Directory.EnumerateFiles(Path.Combine(TestFolders.RepoRoot, "core", "ContrastiveCrop.Engine"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")).ToList();
        Assert.That(sources, Has.Count.GreaterThan(20));
        string[] forbidden = ["ILocalizingCropSampler", "INeighbourCropMethod", "random-resized-crop", "contrastive-crop", "ContrastiveCropSampler",
                              "BoxUpdateHook", "NeighbourTable", "Wcl", "\"wcl\"", "\"knn\"", "faster-rcnn", "linear-probe"];
        foreach (var file in sources)
        {
            // Code only: documentation may mention first-party plugins as examples.
            var text = string.Join('\n', File.ReadAllLines(file).Where(l => !l.TrimStart().StartsWith("//", StringComparison.Ordinal)));
            foreach (var word in forbidden)
                Assert.That(text, Does.Not.Contain(word), $"{Path.GetRelativePath(TestFolders.RepoRoot, file)} names '{word}'");
        }
    }

    [Test]
    public void First_party_plugins_reference_no_engine_or_host_assembly()
    {
        var assemblies = FirstParty().All.Select(p => p.Type.Assembly).Distinct().ToList();
        Assert.That(assemblies.Select(a => a.GetName().Name),
            Is.SupersetOf(new[] { "ContrastiveCrop.Plugins.Samplers", "ContrastiveCrop.Plugins.Models", "ContrastiveCrop.Plugins.Detection", "ContrastiveCrop.Plugins.Evaluation" }));
        foreach (var assembly in assemblies)
            Assert.That(assembly.GetReferencedAssemblies().Select(a => a.Name), Has.None.AnyOf(OwnHigherLayers), assembly.GetName().Name!);
    }

    [Test]
    public void The_contracts_and_the_sdk_depend_on_nothing_of_ours_above_them()
    {
        var contracts = typeof(ICropSampler).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.That(contracts.Where(n => n.StartsWith("ContrastiveCrop", StringComparison.Ordinal)), Is.Empty);
        var sdk = typeof(HookBase).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.That(sdk.Where(n => n.StartsWith("ContrastiveCrop", StringComparison.Ordinal)),
            Is.SubsetOf(new[] { "ContrastiveCrop.Contracts", "ContrastiveCrop.Imaging" }));
    }
}
