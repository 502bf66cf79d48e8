using TorchSharp;
using static TorchSharp.torch;

namespace ContrastiveCrop.Plugins.Methods;

/// <summary>
/// MoCo's InfoNCE: each query must pick its own key out of {its key} ∪ the K queued negative keys
/// by cosine similarity / τ; a (1 + K)-way cross-entropy with the positive at index 0.
/// </summary>
public static class InfoNceLoss
{
    /// <summary>
    /// Mean over the N queries of −log( exp(q·k⁺/τ) / (exp(q·k⁺/τ) + Σ_j exp(q·n_j/τ)) ).
    /// </summary>
    /// <param name="queries">(N, D); normalised here.</param>
    /// <param name="keys">Positive keys (N, D), row i for query i; normalised here.</param>
    /// <param name="negatives">Queued keys (K, D), assumed already unit length (the queue stores them so).</param>
    /// <param name="temperature">τ &gt; 0.</param>
    /// <returns>A scalar.</returns>
    public static Tensor Compute(Tensor queries, Tensor keys, Tensor negatives, double temperature)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(temperature, 0.0);
        if (queries.ndim != 2 || !queries.shape.SequenceEqual(keys.shape))
            throw new ArgumentException($"InfoNCE needs queries and keys of the same (N, D) shape; got [{string.Join(", ", queries.shape)}] and [{string.Join(", ", keys.shape)}].");
        if (negatives.ndim != 2 || negatives.shape[1] != queries.shape[1])
            throw new ArgumentException($"InfoNCE negatives must be (K, {queries.shape[1]}); got [{string.Join(", ", negatives.shape)}].");

        using var scope = NewDisposeScope();
        var q = nn.functional.normalize(queries, dim: 1);
        var k = nn.functional.normalize(keys, dim: 1);
        var positive = (q * k).sum(1, keepdim: true);
        var negative = q.matmul(negatives.t());
        var logits = cat([positive, negative], 1) / temperature;
        var target = zeros(q.shape[0], dtype: ScalarType.Int64, device: q.device);
        return nn.functional.cross_entropy(logits, target).MoveToOuterDisposeScope();
    }
}
