using static TorchSharp.torch;

namespace ContrastiveCrop.Engine.Diagnostics;

/// <summary>
/// The collapse measure of SimSiam (Chen &amp; He 2021, section 4, fig. 2): the standard deviation over
/// the batch of each dimension of the l2-normalised embeddings z/‖z‖, averaged over the dimensions.
/// A collapsed encoder maps every image to one point and gives 0; embeddings spread like a zero-mean
/// isotropic Gaussian give ≈ 1/√d. lightly ships the same measure (std_of_l2_normalized) as a debug aid.
/// </summary>
public static class EmbeddingSpread
{
    /// <summary>The per-epoch metric: the mean over the epoch's batches of <see cref="Std"/>.</summary>
    public const string StdMetric = "embedding_std";

    /// <summary>The embeddings' dimension d, logged beside the std so readers can compare it with 1/√d.</summary>
    public const string DimensionMetric = "embedding_dim";

    /// <summary>
    /// Below this fraction of the healthy 1/√d the run is reported as collapsing. SimSiam's fig. 2 shows
    /// healthy runs near 1/√d and collapsed ones at 0 from the first epochs; a fifth is far from both,
    /// so short healthy runs at small width (somewhat below 1/√d) are not flagged.
    /// </summary>
    public const double CollapseFraction = 0.2;

    /// <summary>
    /// std of l2-normalised <paramref name="embeddings"/> (N, d), N ≥ 2: per dimension over the N rows
    /// (unbiased, as torch.std), then averaged over the d dimensions.
    /// </summary>
    public static double Std(Tensor embeddings)
    {
        if (embeddings.dim() != 2 || embeddings.shape[0] < 2)
            throw new ArgumentException($"Embeddings must be (N, d) with N >= 2; got ({string.Join(", ", embeddings.shape)}).", nameof(embeddings));
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var z = nn.functional.normalize(embeddings.detach().to(ScalarType.Float64), p: 2, dim: 1);
        return z.std(0, unbiased: true).mean().item<double>();
    }

    /// <summary>The healthy value 1/√d.</summary>
    public static double Healthy(int dimension) => 1 / Math.Sqrt(dimension);

    /// <summary>True when <paramref name="std"/> is below <see cref="CollapseFraction"/> of 1/√d.</summary>
    public static bool LooksCollapsed(double std, int dimension) => std < CollapseFraction * Healthy(dimension);

    /// <summary>The warning shown on the console and in the report.</summary>
    public static string Warning(int epoch, double std, int dimension) =>
        $"warning: the embeddings are collapsing: std of the l2-normalised embeddings {std:G3} after epoch {epoch} " +
        $"(healthy ≈ 1/√d = {Healthy(dimension):G3} for d = {dimension}). Every image maps to nearly the same point; " +
        "kNN and linear accuracy will be near chance. Try a lower lr, more warm-up, or check the method's predictor/stop-gradient settings.";
}
