using Autofac;
using ContrastiveCrop.Contracts;
using ContrastiveCrop.Engine.Plugins;
using ContrastiveCrop.Engine.Recipes;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.Plugins;

[TestFixture]
public sealed class PluginDiscoveryTests
{
    private const string ThrowingSampler = """
        using ContrastiveCrop.Contracts;
        [Plugin("throws-on-build")]
        public sealed class ThrowingSampler : ICropSampler
        {
            public ThrowingSampler() => throw new System.InvalidOperationException("no GPU quota left");
            public CropBox Sample(in CropRequest request, System.Random random) => CropBox.Whole(request.Height, request.Width);
        }
        """;

    private static PluginFactory Factory(PluginCatalog catalog)
    {
        var builder = new ContainerBuilder();
        builder.RegisterModule(new PluginModule(catalog));
        return builder.Build().Resolve<PluginFactory>();
    }

    private static RecipeMapping Section(string yaml)
    {
        var folder = TestFolders.NewTemp("section");
        var file = Path.Combine(folder, "section.yaml");
        File.WriteAllText(file, yaml);
        return RecipeLoader.Load(file, []);
    }

    [Test]
    public void First_party_plugins_are_found_with_kind_name_and_assembly()
    {
        var catalog = PluginDiscovery.Discover([TestFolders.Plugins]);

        Assert.That(catalog.Problems, Is.Empty);
        var sampler = catalog.Get(PluginKind.CropSampler, "random-resized-crop", "test");
        Assert.That(sampler.AssemblyPath, Does.StartWith(TestFolders.Plugins));
        Assert.That(catalog.Names(PluginKind.DatasetSource), Does.Contain("shapes-on-clutter"));
    }

    [Test]
    public void A_plugin_in_a_copied_folder_loads_in_its_own_context_and_shares_contract_types()
    {
        var folder = TestFolders.NewTemp("third-party");
        TestFolders.Copy(TestFolders.SamplePlugin, Path.Combine(folder, "FixedBox"));

        var catalog = PluginDiscovery.Discover([folder]);
        var descriptor = catalog.Get(PluginKind.CropSampler, "fixed-box", "test");
        var sampler = Factory(catalog).Create<ICropSampler>(PluginKind.CropSampler, Section("name: fixed-box\nbox: [0.4, 0.4, 0.6, 0.6]\nscale: [0.04, 0.04]\n"), "sampler");

        Assert.That(System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(descriptor.Type.Assembly),
            Is.Not.SameAs(System.Runtime.Loader.AssemblyLoadContext.Default));
        // A 100×100 image, crops of 4% area (20×20) centred in the central 20×20 box: within rows/cols 30..70.
        var random = new Random(1);
        for (int i = 0; i < 200; i++)
        {
            var crop = sampler.Sample(new CropRequest(i, 0, 100, 100), random);
            Assert.That(crop.Height, Is.EqualTo(20));
            Assert.That(crop.Top, Is.InRange(30, 50));
            Assert.That(crop.Left, Is.InRange(30, 50));
        }
    }

    [Test]
    public void Unknown_name_lists_the_known_names_of_that_kind_and_suggests_the_nearest()
    {
        var catalog = PluginDiscovery.Discover([TestFolders.Plugins]);

        var error = Assert.Throws<PluginException>(() => catalog.Get(PluginKind.CropSampler, "random-resized-crap", "recipe.yaml:3:9 (sampler.name)"))!;

        Assert.That(error.Message, Does.StartWith("recipe.yaml:3:9 (sampler.name): unknown crop sampler 'random-resized-crap'; known: "));
        Assert.That(error.Message, Does.Contain("random-resized-crop"));
        Assert.That(error.Message, Does.Contain("Did you mean 'random-resized-crop'?"));
    }

    [Test]
    public void Two_plugins_claiming_one_name_is_reported_with_both_assemblies()
    {
        var folder = TestFolders.NewTemp("duplicate");
        TestFolders.Copy(TestFolders.SamplePlugin, Path.Combine(folder, "A"));
        TestFolders.Copy(TestFolders.SamplePlugin, Path.Combine(folder, "B"));

        var catalog = PluginDiscovery.Discover([folder]);

        Assert.That(catalog.Problems, Has.Count.EqualTo(1));
        Assert.That(catalog.Problems[0], Does.Contain("Two plugins claim the crop sampler 'fixed-box'"));
        Assert.That(catalog.Problems[0], Does.Contain(Path.Combine(folder, "A")).And.Contain(Path.Combine(folder, "B")));
        Assert.That(Assert.Throws<PluginException>(catalog.EnsureNoProblems)!.Message, Does.Contain("fixed-box"));
    }

    [Test]
    public void A_plugin_built_against_another_contracts_major_version_is_refused_with_both_versions()
    {
        var folder = TestFolders.NewTemp("contracts-v3");
        var fakeContracts = PluginCompiler.Compile(Path.Combine(folder, "ref"), "ContrastiveCrop.Contracts",
            "namespace ContrastiveCrop.Contracts { public sealed class PluginAttribute : System.Attribute { public PluginAttribute(string n) {} } }",
            [], version: "3.0.0.0");
        PluginCompiler.Compile(Path.Combine(folder, "plugins", "Future"), "FuturePlugin",
            "[ContrastiveCrop.Contracts.Plugin(\"from-the-future\")] public sealed class Future { }", [fakeContracts]);

        var catalog = PluginDiscovery.Discover([Path.Combine(folder, "plugins")]);

        Assert.That(catalog.Problems, Has.Count.EqualTo(1));
        Assert.That(catalog.Problems[0], Does.Contain("FuturePlugin.dll").And.Contain("contracts 3.0").And.Contain($"contracts {ContractsVersion.Text}"));
        Assert.That(catalog.All, Is.Empty);
    }

    [TestCase("1.0.0.0", "1.0")]
    [TestCase("1.1.0.0", "1.1")]
    public void A_sampler_built_against_contracts_1_x_is_refused_naming_both_versions(string assemblyVersion, string text)
    {
        // Contracts 2.0 removed ILocalizingCropSampler, INeighbourCropMethod and ViewSpec.FromNeighbour: a 1.x plugin
        // may use them, so it is refused at discovery with both versions named rather than failing later with a TypeLoadException.
        var folder = TestFolders.NewTemp("contracts-v1");
        var contracts1 = PluginCompiler.Compile(Path.Combine(folder, "ref"), "ContrastiveCrop.Contracts", """
            namespace ContrastiveCrop.Contracts
            {
                public sealed class PluginAttribute : System.Attribute { public PluginAttribute(string name) => Name = name; public string Name { get; } }
                public readonly record struct CropRequest(int Index, int View, int Height, int Width);
                public readonly record struct CropBox(int Top, int Left, int Height, int Width);
                public interface ICropSampler { CropBox Sample(in CropRequest request, System.Random random); }
            }
            """, [], version: assemblyVersion);
        PluginCompiler.Compile(Path.Combine(folder, "plugins", "Old"), "OldPlugin", """
            using ContrastiveCrop.Contracts;
            [Plugin("top-left-quarter")]
            public sealed class TopLeftQuarter : ICropSampler
            {
                public CropBox Sample(in CropRequest request, System.Random random) => new(0, 0, request.Height / 2, request.Width / 2);
            }
            """, [contracts1]);

        var catalog = PluginDiscovery.Discover([Path.Combine(folder, "plugins")]);

        Assert.That(ContractsVersion.Text, Is.EqualTo("2.2"));
        Assert.That(catalog.All, Is.Empty);
        Assert.That(catalog.Problems.Single(), Does.Contain("OldPlugin.dll").And.Contain($"contracts {text}").And.Contain("contracts 2.2")
                                                .And.Contain("rebuild the plugin against ContrastiveCrop.Contracts 2.x"));
    }

    [Test]
    public void A_task_built_against_an_earlier_minor_version_loads_and_its_descriptor_keeps_that_version()
    {
        // Minor versions only add, so a 2.1 task loads; the run plan reads the version to refuse using it twice
        // (contracts 2.2 added DownstreamContext.Occurrence, which a 2.1 task does not read).
        var folder = TestFolders.NewTemp("contracts-v2-1");
        var contracts21 = PluginCompiler.Compile(Path.Combine(folder, "ref"), "ContrastiveCrop.Contracts", """
            namespace ContrastiveCrop.Contracts
            {
                public sealed class PluginAttribute : System.Attribute { public PluginAttribute(string name) { } }
                public sealed class DownstreamContext { }
                public sealed class DownstreamResult { }
                public interface IDownstreamTask { DownstreamResult Run(DownstreamContext context); }
            }
            """, [], version: "2.1.0.0");
        PluginCompiler.Compile(Path.Combine(folder, "plugins", "Older"), "OlderTask", """
            using ContrastiveCrop.Contracts;
            [Plugin("older-task")]
            public sealed class OlderTask : IDownstreamTask
            {
                public DownstreamResult Run(DownstreamContext context) => throw new System.NotSupportedException();
            }
            """, [contracts21]);

        var catalog = PluginDiscovery.Discover([Path.Combine(folder, "plugins")]);

        Assert.That(catalog.Problems, Is.Empty);
        Assert.That(catalog.All.Single().Contracts, Is.EqualTo(new Version(2, 1, 0, 0)));
        Assert.That(PluginDiscovery.Discover([TestFolders.Plugins]).All.Select(d => d.Contracts).Distinct(),
            Is.EqualTo(new[] { new Version(ContractsVersion.Major, ContractsVersion.Minor, 0, 0) }));
    }

    [Test]
    public void A_sampler_built_against_the_current_contracts_loads_and_sees_the_new_request_fields()
    {
        // Built against this host's contracts 2.0: CropRequest carries the epoch and the pixels.
        var folder = TestFolders.NewTemp("contracts-v2");
        PluginCompiler.Compile(Path.Combine(folder, "plugins", "Now"), "NowPlugin", """
            using ContrastiveCrop.Contracts;
            [Plugin("brightest-row")]
            public sealed class BrightestRow : ICropSampler
            {
                // A one-row crop at the brightest row (red channel), as wide as the epoch number (at least 1).
                public CropBox Sample(in CropRequest request, System.Random random)
                {
                    int best = 0;
                    for (int y = 0; y < request.Height; y++)
                        if (request.Pixel(y, 0, 0) > request.Pixel(best, 0, 0)) best = y;
                    return new(best, 0, 1, System.Math.Max(1, request.Epoch));
                }
            }
            """, PluginCompiler.HostContracts);

        var catalog = PluginDiscovery.Discover([Path.Combine(folder, "plugins")]);
        var sampler = Factory(catalog).Create<ICropSampler>(PluginKind.CropSampler, Section("name: brightest-row\n"), "sampler");
        var pixels = new byte[5 * 4 * 3];
        pixels[(3 * 4 + 0) * 3] = 200;

        Assert.That(catalog.Problems, Is.Empty);
        Assert.That(sampler.Sample(new CropRequest(0, 0, 5, 4) { Epoch = 2, Pixels = pixels }, new Random(1)), Is.EqualTo(new CropBox(3, 0, 1, 2)));
    }

    [Test]
    public void A_plugin_that_throws_while_constructing_is_named_with_its_message()
    {
        var folder = TestFolders.NewTemp("throws");
        PluginCompiler.Compile(Path.Combine(folder, "Throwing"), "ThrowingPlugin", ThrowingSampler, PluginCompiler.HostContracts);
        var catalog = PluginDiscovery.Discover([folder]);

        var error = Assert.Throws<PluginException>(() =>
            Factory(catalog).Create<ICropSampler>(PluginKind.CropSampler, Section("name: throws-on-build\n"), "sampler"))!;

        Assert.That(error.Message, Does.Contain("crop sampler 'throws-on-build'"));
        Assert.That(error.Message, Does.Contain("threw while constructing: InvalidOperationException: no GPU quota left"));
    }

    [Test]
    public void A_missing_dependency_dll_is_named_at_discovery()
    {
        var folder = TestFolders.NewTemp("missing-dep");
        var helperFolder = Path.Combine(folder, "build");
        var helper = PluginCompiler.Compile(helperFolder, "GeometryHelpers", "public static class Half { public static int Of(int x) => x / 2; }", []);
        PluginCompiler.Compile(Path.Combine(folder, "plugins", "Needy"), "NeedyPlugin", """
            using ContrastiveCrop.Contracts;
            [Plugin("needy")]
            public sealed class Needy : ICropSampler
            {
                public CropBox Sample(in CropRequest r, System.Random random) => new(0, 0, Half.Of(r.Height), Half.Of(r.Width));
            }
            """, [.. PluginCompiler.HostContracts, helper]);

        var catalog = PluginDiscovery.Discover([Path.Combine(folder, "plugins")]);

        Assert.That(catalog.Problems, Has.Count.EqualTo(1));
        Assert.That(catalog.Problems[0], Does.Contain("NeedyPlugin.dll").And.Contain("needs 'GeometryHelpers'").And.Contain("copy GeometryHelpers.dll into"));
    }

    [Test]
    public void Plugin_options_are_bound_and_validated_with_the_recipe_position()
    {
        var folder = TestFolders.NewTemp("options");
        TestFolders.Copy(TestFolders.SamplePlugin, Path.Combine(folder, "FixedBox"));
        var factory = Factory(PluginDiscovery.Discover([folder]));
        var section = Section("name: fixed-box\nbox: [0.6, 0.2, 0.4, 0.8]\nscael: [0.1, 0.2]\n");

        var error = Assert.Throws<RecipeException>(() => factory.Prepare(PluginKind.CropSampler, section, "pretrain.sampler"))!;

        Assert.That(error.Message, Does.Contain("section.yaml:3:1: pretrain.sampler.scael: unknown key; did you mean 'scale'?"));
    }

    [Test]
    public void A_missing_plugin_folder_is_a_problem_that_names_it()
    {
        var catalog = PluginDiscovery.Discover(["/nonexistent/ccrop-plugins"]);
        Assert.That(catalog.Problems.Single(), Does.Contain("'/nonexistent/ccrop-plugins' does not exist"));
    }
}
