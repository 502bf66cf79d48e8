using NUnit.Framework;
using ContrastiveCrop.Plugins.Methods;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Models;

public class WeakLabelTests
{
    [Test]
    public void A_chain_is_one_component() =>
        Assert.That(NearestNeighbourComponents.Components([1, 2, 3, 2]), Is.EqualTo(new[] { 0, 0, 0, 0 }));

    [Test]
    public void Mutual_pairs_are_separate_components() =>
        Assert.That(NearestNeighbourComponents.Components([1, 0, 3, 2]), Is.EqualTo(new[] { 0, 0, 1, 1 }));

    [Test]
    public void A_node_pointing_into_a_pair_joins_it() =>
        Assert.That(NearestNeighbourComponents.Components([1, 0, 0, 4, 3]), Is.EqualTo(new[] { 0, 0, 0, 1, 1 }));

    [Test]
    public void Labels_are_numbered_in_order_of_first_appearance() =>
        Assert.That(NearestNeighbourComponents.Components([3, 2, 1, 0]), Is.EqualTo(new[] { 0, 1, 1, 0 }));

    [Test]
    public void The_nearest_neighbour_is_never_the_sample_itself()
    {
        using var scope = NewDisposeScope();
        // Cosines: f0·f1 = 0.8, f0·f2 = 0, f1·f2 = 0.6.
        var features = tensor(new float[,] { { 1, 0 }, { 0.8f, 0.6f }, { 0, 1 } });
        Assert.That(NearestNeighbourComponents.NearestNeighbours(features), Is.EqualTo(new long[] { 1, 0, 1 }));
    }

    [Test]
    public void The_same_component_mask_is_symmetric_with_ones_on_the_diagonal()
    {
        using var scope = NewDisposeScope();
        manual_seed(8);
        var mask = NearestNeighbourComponents.SameComponentMask(nn.functional.normalize(randn(12, 4), dim: 1));
        Assert.That(mask.allclose(mask.t()), Is.True);
        Assert.That(mask.diag().sum().item<float>(), Is.EqualTo(12f));
        // Every component of a 1-NN graph has at least two members.
        Assert.That(mask.sum(1).min().item<float>(), Is.GreaterThanOrEqualTo(2f));
    }

    [Test]
    public void Supervised_term_matches_hand_computed_value()
    {
        using var scope = NewDisposeScope();
        // f = (1,0), (0.6,0.8), (0,1), (−1,0); labels [0,0,1,1]; T = 1; self excluded everywhere.
        //   row 0: 0.6 − log(e^0.6 + e^0 + e^−1)    = 0.6 − 1.160020 = −0.560020
        //   row 1: 0.6 − log(e^0.6 + e^0.8 + e^−0.6) = 0.6 − 1.525289 = −0.925289
        //   row 2: 0 − log(e^0 + e^0.8 + e^0)        = −1.441145
        //   row 3: 0 − log(e^−1 + e^−0.6 + e^0)      = −0.650597
        //   loss = (0.560020 + 0.925289 + 1.441145 + 0.650597) / 4 = 0.894264
        var features = tensor(new float[,] { { 1, 0 }, { 0.6f, 0.8f }, { 0, 1 }, { -1, 0 } });
        var positives = tensor(new float[,] { { 1, 1, 0, 0 }, { 1, 1, 0, 0 }, { 0, 0, 1, 1 }, { 0, 0, 1, 1 } });

        Assert.That(WeakSupConLoss.Compute(features, positives, 1.0).item<float>(), Is.EqualTo(0.894264).Within(1e-5));
    }

    [Test]
    public void Each_view_is_supervised_by_the_other_views_labels()
    {
        using var scope = NewDisposeScope();
        // View 1's own graph pairs {0,1},{2,3}; view 2's pairs {0,3},{1,2}.
        var view1 = tensor(new float[,] { { 1, 0 }, { 0.9f, 0.436f }, { -1, 0 }, { -0.9f, -0.436f } });
        var view2 = tensor(new float[,] { { 0, 1 }, { 1, 0 }, { 0.9f, -0.436f }, { -0.436f, 0.9f } });
        var pairs01 = tensor(new float[,] { { 1, 1, 0, 0 }, { 1, 1, 0, 0 }, { 0, 0, 1, 1 }, { 0, 0, 1, 1 } });
        var pairs03 = tensor(new float[,] { { 1, 0, 0, 1 }, { 0, 1, 1, 0 }, { 0, 1, 1, 0 }, { 1, 0, 0, 1 } });
        Assert.That(NearestNeighbourComponents.SameComponentMask(view1).allclose(pairs01), Is.True);
        Assert.That(NearestNeighbourComponents.SameComponentMask(view2).allclose(pairs03), Is.True);

        var swapped = WeakSupConLoss.Swapped(view1, view2, 0.5).item<float>();
        var expected = (WeakSupConLoss.Compute(view1, pairs03, 0.5) + WeakSupConLoss.Compute(view2, pairs01, 0.5)).item<float>() / 2;
        var unswapped = (WeakSupConLoss.Compute(view1, pairs01, 0.5) + WeakSupConLoss.Compute(view2, pairs03, 0.5)).item<float>() / 2;

        Assert.That(swapped, Is.EqualTo(expected).Within(1e-6));
        Assert.That(swapped, Is.Not.EqualTo(unswapped).Within(1e-3));
    }
}
