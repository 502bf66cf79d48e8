using ContrastiveCrop.Engine.Pipeline;
using ContrastiveCrop.Engine.Recipes;
using ContrastiveCrop.Tests.Recipes;
using ContrastiveCrop.Tests.Cli;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.Engine;

/// <summary>Rows of the results table are named so that two stages of one plugin never share a name.</summary>
public class StageLabelsTests
{
    private static IReadOnlyList<string> LabelsOf(string recipePath)
    {
        var root = RecipeLoader.Load(recipePath, []);
        Assert.That(root.TryGetValue("evaluate", out var evaluate), Is.True);
        var stages = ((RecipeSequence)evaluate!).Items.Cast<RecipeMapping>()
            .Select(m => (m.TryGetValue("name", out var name) ? ((RecipeScalar)name).Value : "", m)).ToList();
        return StageLabels.For(stages);
    }

    [Test]
    public void The_quick_detection_chain_names_its_two_faster_rcnn_stages_by_their_init()
    {
        var labels = LabelsOf(Path.Combine(ShippedRecipeTests.Configs, "quick", "detection-chain.yaml"));
        Assert.That(labels, Is.EqualTo(new[] { "linear-probe", "faster-rcnn-c4 (init: backbone)", "faster-rcnn-c4 (init: random)", "mask-rcnn-c4" }));
    }

    [Test]
    public void Only_the_differing_options_name_a_repeated_stage_and_a_missing_option_reads_as_default()
    {
        var files = new RecipeFiles();
        var path = files.Write("r.yaml", """
            evaluate:
              - {name: knn, k: 20}
              - {name: linear-probe, epochs: 5, lr: 1.0}
              - {name: linear-probe, epochs: 5, lr: 0.1}
              - {name: linear-probe, epochs: 5}
            """);
        Assert.That(LabelsOf(path), Is.EqualTo(new[]
        {
            "knn", "linear-probe (lr: 1.0)", "linear-probe (lr: 0.1)", "linear-probe (lr: (default))",
        }));
    }

    [Test]
    public void Identical_repeated_stages_are_numbered()
    {
        var files = new RecipeFiles();
        var path = files.Write("r.yaml", """
            evaluate:
              - {name: knn, k: 20}
              - {name: knn, k: 20}
            """);
        Assert.That(LabelsOf(path), Is.EqualTo(new[] { "knn #1", "knn #2" }));
    }
}
