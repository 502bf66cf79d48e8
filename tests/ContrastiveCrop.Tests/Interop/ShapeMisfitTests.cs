using ContrastiveCrop.Interop;
using NUnit.Framework;

namespace ContrastiveCrop.Tests.Interop;

/// <summary>
/// <see cref="ShapeMisfit.Find"/>, the one rule behind the before-work checkpoint checks (the engine's
/// <c>from_checkpoint</c> and the detection stage's <c>init: checkpoint</c>): which misfit is reported first and how many
/// are counted, on hand-made name → shape tables.
/// </summary>
[TestFixture]
public sealed class ShapeMisfitTests
{
    private static Dictionary<string, long[]> Model() => new()
    {
        ["conv1.weight"] = [8, 3, 7, 7],
        ["bn1.weight"] = [8],
        ["bn1.num_batches_tracked"] = [],
        ["layer1.0.conv1.weight"] = [8, 8, 3, 3],
    };

    [Test]
    public void The_same_tables_fit()
    {
        Assert.That(ShapeMisfit.Find(Model(), Model()), Is.Null);
    }

    [Test]
    public void A_shape_difference_is_reported_first_in_the_models_order_even_when_tensors_are_also_missing()
    {
        var file = Model();
        file.Remove("bn1.weight");
        file["layer1.0.conv1.weight"] = [16, 16, 3, 3];
        file["conv1.weight"] = [16, 3, 7, 7];

        var misfit = ShapeMisfit.Find(file, Model());

        Assert.That(misfit, Is.EqualTo(new ShapeMisfit(ShapeMisfitKind.DifferentShape, "conv1.weight", file["conv1.weight"], Model()["conv1.weight"], 1))
            .Using<ShapeMisfit>(SameMisfit));
    }

    [Test]
    public void Missing_tensors_are_counted_and_the_first_in_the_models_order_named()
    {
        var file = Model();
        file.Remove("layer1.0.conv1.weight");
        file.Remove("bn1.weight");

        var misfit = ShapeMisfit.Find(file, Model())!;

        Assert.Multiple(() =>
        {
            Assert.That(misfit.Kind, Is.EqualTo(ShapeMisfitKind.Missing));
            Assert.That(misfit.Name, Is.EqualTo("bn1.weight"));
            Assert.That(misfit.Count, Is.EqualTo(2));
            Assert.That(misfit.FileShape, Is.Null);
        });
    }

    [Test]
    public void Batch_norm_counters_may_be_missing_when_the_caller_allows_it()
    {
        var file = Model();
        file.Remove("bn1.num_batches_tracked");

        Assert.Multiple(() =>
        {
            Assert.That(ShapeMisfit.Find(file, Model(), ShapeMisfit.IsBatchNormCounter), Is.Null);
            Assert.That(ShapeMisfit.Find(file, Model())?.Name, Is.EqualTo("bn1.num_batches_tracked"));
        });
    }

    [Test]
    public void Extra_file_tensors_are_a_misfit_only_for_a_strict_comparison()
    {
        var file = Model();
        file["fc.weight"] = [10, 64];
        file["fc.bias"] = [10];

        var strict = ShapeMisfit.Find(file, Model())!;

        Assert.Multiple(() =>
        {
            // Ordinal order: "fc.bias" before "fc.weight".
            Assert.That((strict.Kind, strict.Name, strict.Count), Is.EqualTo((ShapeMisfitKind.Unexpected, "fc.bias", 2)));
            Assert.That(ShapeMisfit.Find(file, Model(), extraIsMisfit: false), Is.Null);
        });
    }

    [Test]
    public void Shapes_print_as_python_lists() => Assert.That(ShapeMisfit.Format([64, 3, 7, 7]), Is.EqualTo("[64, 3, 7, 7]"));

    private static bool SameMisfit(ShapeMisfit a, ShapeMisfit b) =>
        a.Kind == b.Kind && a.Name == b.Name && a.Count == b.Count &&
        (a.FileShape ?? []).SequenceEqual(b.FileShape ?? []) && (a.ModelShape ?? []).SequenceEqual(b.ModelShape ?? []);
}
