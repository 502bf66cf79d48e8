using ContrastiveCrop.Contracts;
using ContrastiveCrop.Engine.Pipeline;
using ContrastiveCrop.Engine.Plugins;
using ContrastiveCrop.Engine.Recipes;
using ContrastiveCrop.Tests.Cli;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.Engine;

/// <summary>
/// A task built against contracts before 2.2 does not read <c>DownstreamContext.Occurrence</c>, so two stages of it would
/// share files: such a recipe is an error at the second stage, before any work; once is fine.
/// </summary>
[TestFixture]
public sealed class RepeatedStageContractsTests
{
    private static RunPlan Plan(string text, Version knnContracts)
    {
        var first = PluginDiscovery.Discover([TestFolders.Plugins]);
        var catalog = new PluginCatalog(first.All.Select(d => d.Kind == PluginKind.DownstreamTask && d.Name == "knn" ? d with { Contracts = knnContracts } : d), []);
        var path = new TinyRecipe().Write(text);
        // Preparing options does not construct plugins, so no container is needed.
        return RunPlan.Create(path, RecipeLoader.Load(path, []), new PluginFactory(null!, catalog));
    }

    private static readonly string Twice = TinyRecipe.Text().Replace("  - {name: knn, k: 5}", "  - {name: knn, k: 5}\n  - {name: knn, k: 3}");

    [Test]
    public void A_task_of_contracts_2_1_twice_is_an_error_at_the_second_stage_naming_the_version_and_what_to_do()
    {
        var error = Assert.Throws<RecipeException>(() => Plan(Twice, new Version(2, 1)))!;

        Assert.That(error.Errors, Has.Count.EqualTo(1));
        var only = error.Errors[0];
        Assert.That(only.KeyPath, Is.EqualTo("evaluate[1]"));
        Assert.That(only.Message, Does.Contain("'knn' appears twice").And.Contain("contracts 2.1").And.Contain("rebuild it against ContrastiveCrop.Contracts 2.2"));
    }

    [Test]
    public void A_task_of_contracts_2_1_once_and_a_current_task_twice_are_fine()
    {
        Assert.That(Plan(TinyRecipe.Text(), new Version(2, 1)).Evaluate, Has.Count.EqualTo(1));
        Assert.That(Plan(Twice, new Version(ContractsVersion.Major, ContractsVersion.Minor)).Evaluate, Has.Count.EqualTo(2));
    }
}
