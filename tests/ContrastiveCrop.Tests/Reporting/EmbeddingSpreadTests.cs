using ContrastiveCrop.Engine.Diagnostics;
using NUnit.Framework;
using static TorchSharp.torch;

namespace ContrastiveCrop.Tests.Reporting;

/// <summary>SimSiam's collapse measure: std over the batch of l2-normalised embeddings, averaged over dimensions.</summary>
[TestFixture]
public sealed class EmbeddingSpreadTests
{
    [Test]
    public void Std_matches_a_hand_computed_value()
    {
        // Rows normalise to (0.6, 0.8), (0.8, 0.6), (0, 1). Column 0: mean 7/15, unbiased variance 0.52/3;
        // column 1: mean 0.8, variance 0.04. Mean of the stds: (sqrt(0.52/3) + 0.2) / 2.
        using var z = tensor(new float[] { 3, 4, 4, 3, 0, 5 }, [3, 2]);
        Assert.That(EmbeddingSpread.Std(z), Is.EqualTo((Math.Sqrt(0.52 / 3) + 0.2) / 2).Within(1e-6));
    }

    [Test]
    public void A_collapsed_embedding_has_zero_spread_and_is_flagged()
    {
        using var z = tensor(new float[] { 2, 1, -3, 2, 1, -3, 2, 1, -3, 2, 1, -3 }, [4, 3]);
        double std = EmbeddingSpread.Std(z);
        Assert.That(std, Is.EqualTo(0).Within(1e-7));
        Assert.That(EmbeddingSpread.LooksCollapsed(std, 3), Is.True);
    }

    [Test]
    public void Isotropic_gaussian_embeddings_spread_as_one_over_sqrt_d_and_are_not_flagged()
    {
        // The paper's reference point: z/||z|| of a zero-mean isotropic Gaussian has per-dimension std 1/sqrt(d).
        var generator = new TorchSharp.torch.Generator(7);
        using var z = randn([4096, 128], generator: generator);
        double std = EmbeddingSpread.Std(z);
        Assert.That(std, Is.EqualTo(1 / Math.Sqrt(128)).Within(0.02 / Math.Sqrt(128)));
        Assert.That(EmbeddingSpread.LooksCollapsed(std, 128), Is.False);
    }

    [Test]
    public void One_row_is_rejected_because_a_spread_needs_two()
    {
        using var z = ones(1, 4);
        Assert.That(() => EmbeddingSpread.Std(z), Throws.ArgumentException.With.Message.Contains("N >= 2"));
    }
}
