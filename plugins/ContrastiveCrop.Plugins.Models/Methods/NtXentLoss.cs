using ContrastiveCrop.Sdk.Distributed;
using TorchSharp;
using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Methods;

/// <summary>
/// SimCLR's normalised-temperature cross-entropy over 2N views: each of the 2N embeddings must pick
/// its partner view out of the other 2N − 1 by cosine similarity / τ.
/// </summary>
public static class NtXentLoss
{
    /// <summary>
    /// Mean over the 2N anchors of −log( exp(s(i, p(i))/τ) / Σ_{j≠i} exp(s(i, j)/τ) ), where s is cosine
    /// similarity and p(i) is the other view of the same image.
    /// </summary>
    /// <param name="view1">Embeddings of the first views, (N, D); need not be normalised.</param>
    /// <param name="view2">Embeddings of the second views, (N, D), row i pairs with row i of <paramref name="view1"/>.</param>
    /// <param name="temperature">τ &gt; 0.</param>
    /// <returns>A scalar.</returns>
    public static Tensor Compute(Tensor view1, Tensor view2, double temperature)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(temperature, 0.0);
        if (view1.ndim != 2 || !view1.shape.SequenceEqual(view2.shape))
            throw new ArgumentException($"NT-Xent needs two (N, D) batches of the same shape; got [{string.Join(", ", view1.shape)}] and [{string.Join(", ", view2.shape)}].");

        using var scope = NewDisposeScope();
        long n = view1.shape[0];
        var z = nn.functional.normalize(cat([view1, view2], 0), dim: 1);
        var logits = z.matmul(z.t()) / temperature;
        // An embedding is not its own negative: drop the diagonal from every softmax.
        using var self = eye(2 * n, dtype: ScalarType.Bool, device: z.device);
        logits = logits.masked_fill(self, double.NegativeInfinity);
        // Anchor i < N pairs with i + N, and anchor i + N with i.
        var partner = cat([arange(n, 2 * n, device: z.device), arange(0, n, device: z.device)], 0);
        return nn.functional.cross_entropy(logits, partner).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// NT-Xent with global negatives (the reference multi-GPU code): this rank's 2N anchors pick their partner out
    /// of the other 2NW − 1 embeddings of all W ranks, gathered with gradient. The mean over the W ranks' losses is
    /// <see cref="Compute(Tensor, Tensor, double)"/> over the global batch of NW images, whose image i on rank r is
    /// global image rN + i; with one process it is that function.
    /// </summary>
    /// <param name="view1">This rank's first-view embeddings, (N, D); N equal on every rank.</param>
    /// <param name="view2">This rank's second-view embeddings, (N, D).</param>
    /// <param name="temperature">τ &gt; 0.</param>
    /// <param name="group">The job's processes.</param>
    public static Tensor Compute(Tensor view1, Tensor view2, double temperature, IProcessGroup group)
    {
        if (group.WorldSize == 1) return Compute(view1, view2, temperature);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(temperature, 0.0);
        if (view1.ndim != 2 || !view1.shape.SequenceEqual(view2.shape))
            throw new ArgumentException($"NT-Xent needs two (N, D) batches of the same shape; got [{string.Join(", ", view1.shape)}] and [{string.Join(", ", view2.shape)}].");

        using var scope = NewDisposeScope();
        long n = view1.shape[0], global = n * group.WorldSize, first = n * group.Rank;
        var local = nn.functional.normalize(cat([view1, view2], 0), dim: 1);
        // Keys in the single-process order: all first views (global images 0..NW−1), then all second views.
        var keys = cat([DistributedGather.WithGradient(group, local.narrow(0, 0, n)), DistributedGather.WithGradient(group, local.narrow(0, n, n))], 0);
        var logits = local.matmul(keys.t()) / temperature;
        // Local anchor i (first view) is key first + i; local anchor N + i (second view) is key NW + first + i.
        var own = cat([arange(first, first + n, device: local.device), arange(global + first, global + first + n, device: local.device)], 0);
        var partner = cat([arange(global + first, global + first + n, device: local.device), arange(first, first + n, device: local.device)], 0);
        var self = zeros([2 * n, 2 * global], dtype: ScalarType.Bool, device: local.device).scatter_(1, own.unsqueeze(1), ones([2 * n, 1], dtype: ScalarType.Bool, device: local.device));
        logits = logits.masked_fill(self, double.NegativeInfinity);
        return nn.functional.cross_entropy(logits, partner).MoveToOuterDisposeScope();
    }
}
